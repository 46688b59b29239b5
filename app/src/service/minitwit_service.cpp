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

Response Healthy() { return JsonResponse(200, R"({"status":"ok"})"); }

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

MinitwitService::MinitwitService(Repository& repository, const PasswordHasher& hasher, ServiceOptions options,
                                 Clock clock)
    : repository_(repository),
      cookies_(Signer(options.session_secret), options.cookies),
      sim_(repository, hasher, clock, options.sim),
      web_(repository, hasher, cookies_, clock, options.sim.max_message_bytes) {
  router_.Add("GET", "/healthz", [](const Request&, const RouteParams&) { return Healthy(); }, ErrorStyle::kJson);
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
  // No response may be sniffed into another type (a tweet rendered as HTML, say).
  match.response.AddHeader("X-Content-Type-Options", "nosniff");
  metrics_.ObserveRequest(request.method, match.route, match.response.status, seconds);
  LogRequest(IsProbe(match.route) ? spdlog::level::debug : spdlog::level::info, request.method, match.route,
             match.response.status, std::round(seconds * 1e6) / 1e3);
  return std::move(match.response);
}

std::optional<Response> MinitwitService::Immediate(const Request& request) const {
  // Probes carry no ?latest= worth a database write (only the simulator's API does).
  if (request.method == "GET" && request.path == "/healthz") {
    return Healthy().AddHeader("X-Content-Type-Options", "nosniff");
  }
  return std::nullopt;
}

Response MinitwitService::RegisterPost(const Request& request) {
  if (IsFormPost(request)) return web_.Register(request);
  return sim_.Register(request);
}

Response MinitwitService::Ready() {
  if (draining_) return JsonResponse(503, R"({"status":"draining"})");
  if (!migrated_) return JsonResponse(503, R"({"status":"migrating"})");
  // A database outage is not this replica's to report: failing here would take every
  // replica out of the Service at once, and clients would get connection refused instead
  // of a 503 with Retry-After (Kubernetes' guidance: readiness checks what is local).
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
