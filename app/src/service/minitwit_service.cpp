#include "service/minitwit_service.hpp"

#include <charconv>
#include <chrono>
#include <cmath>

#include "http/url.hpp"
#include "observability/logging.hpp"

namespace minitwit {
namespace {

bool IsFormPost(const Request& request) {
  const auto type = request.Header("content-type");
  return type.find("application/x-www-form-urlencoded") != std::string_view::npos ||
         type.find("multipart/form-data") != std::string_view::npos;
}

bool IsProbe(std::string_view route) { return route == "/metrics" || route == "/healthz" || route == "/readyz"; }

}  // namespace

std::optional<std::int64_t> LatestFromQuery(std::string_view query) {
  if (query.find("latest=") == std::string_view::npos) return std::nullopt;
  const auto fields = ParseFormEncoded(query);
  const auto it = fields.find("latest");
  if (it == fields.end()) return std::nullopt;
  const auto& text = it->second;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

MinitwitService::MinitwitService(Repository& repository, const PasswordHasher& hasher,
                                 const std::string& session_secret, Clock clock)
    : repository_(repository),
      cookies_(Signer(session_secret)),
      sim_(repository, hasher, clock),
      web_(repository, hasher, cookies_, clock) {
  router_.Add("GET", "/healthz", [](const Request&, const RouteParams&) { return JsonResponse(200, R"({"status":"ok"})"); },
              ErrorStyle::kJson);
  router_.Add("GET", "/readyz", [this](const Request&, const RouteParams&) { return Ready(); }, ErrorStyle::kJson);
  router_.Add("GET", "/metrics", [this](const Request&, const RouteParams&) { return RenderMetrics(); },
              ErrorStyle::kJson);
  router_.Add("POST", "/register", [this](const Request& r, const RouteParams&) { return RegisterPost(r); },
              ErrorStyle::kJson);
  sim_.AddRoutes(router_);
  web_.AddRoutes(router_);
}

void MinitwitService::RecordLatest(const Request& request) {
  if (request.path == "/latest") return;
  if (const auto latest = LatestFromQuery(request.query)) {
    if (!repository_.SetLatest(*latest).ok()) {
      Log(spdlog::level::warn, "could not record latest", {{"latest", *latest}});
    }
  }
}

Response MinitwitService::Handle(const Request& request) {
  const auto start = std::chrono::steady_clock::now();
  metrics_.AddInFlight(1);
  RecordLatest(request);
  RouteMatch match;
  try {
    match = router_.Dispatch(request);
  } catch (const std::exception& e) {
    Log(spdlog::level::err, "handler failed", {{"error", e.what()}});
    match.response = JsonError(500, "Internal server error");
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.AddInFlight(-1);
  metrics_.ObserveRequest(request.method, match.route, match.response.status, seconds);
  LogRequest(IsProbe(match.route) ? spdlog::level::debug : spdlog::level::info, request.method, match.route,
             match.response.status, std::round(seconds * 1e6) / 1e3);
  return std::move(match.response);
}

Response MinitwitService::RegisterPost(const Request& request) {
  if (IsFormPost(request)) return web_.Register(request);
  return sim_.Register(request);
}

Response MinitwitService::Ready() {
  if (draining_) return JsonResponse(503, R"({"status":"draining"})");
  if (!migrated_) return JsonResponse(503, R"({"status":"migrating"})");
  if (!repository_.Ping().ok()) return JsonResponse(503, R"({"status":"database unavailable"})");
  return JsonResponse(200, R"({"status":"ready"})");
}

Response MinitwitService::RenderMetrics() {
  std::optional<std::int64_t> latest;
  if (const auto stored = repository_.GetLatest(); stored.ok()) latest = stored.value;
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics_.Render(repository_.Pool(), latest, repository_.TimelineCache());
  return response;
}

}  // namespace minitwit
