#include "http/router.hpp"

#include "http/url.hpp"

namespace minitwit {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path == "/") return segments;
  if (path.front() == '/') path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

void Router::Add(std::string method, std::string pattern, RouteHandler handler, ErrorStyle style) {
  Route route{std::move(method), pattern, {}, std::move(handler), style};
  for (auto segment : SplitPath(pattern)) {
    const bool is_param = segment.size() > 2 && segment.front() == '<' && segment.back() == '>';
    route.segments.push_back(
        {std::string(is_param ? segment.substr(1, segment.size() - 2) : segment), is_param});
  }
  routes_.push_back(std::move(route));
}

Response Router::Error(ErrorStyle style, int status, std::string_view message) {
  if (style == ErrorStyle::kJson) return JsonError(status, message);
  std::string body = "<!doctype html>\n<title>" + std::to_string(status) + " " + std::string(message) +
                     "</title>\n<h1>" + std::string(message) + "</h1>\n";
  return HtmlResponse(status, std::move(body));
}

RouteMatch Router::Dispatch(const Request& request) const {
  const auto segments = SplitPath(request.path);
  // Rank: one bit per segment, literal = 1, compared from the first segment on.
  const Route* best = nullptr;
  const Route* best_any_method = nullptr;
  std::vector<bool> best_rank;
  std::vector<bool> best_any_rank;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<bool> rank;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const auto& segment = route.segments[i];
      if (segment.is_param) {
        matches = !segments[i].empty();
        rank.push_back(false);
      } else {
        matches = segment.text == segments[i];
        rank.push_back(true);
      }
    }
    if (!matches) continue;
    if (best_any_method == nullptr || rank > best_any_rank) {
      best_any_method = &route;
      best_any_rank = rank;
    }
    if (route.method == request.method && (best == nullptr || rank > best_rank)) {
      best = &route;
      best_rank = rank;
    }
  }
  // A literal route for another method still shadows a parameter route for this one:
  // POST /logout is 405, not "user logout".
  if (best_any_method != nullptr && (best == nullptr || best_any_rank > best_rank)) {
    auto response = Error(best_any_method->style, 405, "Method Not Allowed");
    std::string allowed;
    for (const auto& route : routes_) {
      if (route.pattern == best_any_method->pattern) allowed += (allowed.empty() ? "" : ", ") + route.method;
    }
    response.AddHeader("Allow", allowed);
    return {std::move(response), best_any_method->pattern};
  }
  if (best == nullptr) {
    return {Error(request.Header("content-type").find("json") != std::string_view::npos ? ErrorStyle::kJson
                                                                                          : ErrorStyle::kHtml,
                  404, "Not Found"),
            "unmatched"};
  }
  RouteParams params;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!best->segments[i].is_param) continue;
    // A parameter that is not storable text can name no user: 400 (not a lookup that
    // the database would reject with an error).
    auto decoded = DecodeText(segments[i]);
    if (!decoded) {
      return {Error(best->style, 400, "Malformed path: bad percent-encoding, NUL or invalid UTF-8"), best->pattern};
    }
    params.emplace(best->segments[i].text, std::move(*decoded));
  }
  return {best->handler(request, params), best->pattern};
}

}  // namespace minitwit
