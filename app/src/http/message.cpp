#include "http/message.hpp"

#include <nlohmann/json.hpp>

namespace minitwit {

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

void Request::SetTarget(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) {
    path = std::string(target);
    query.clear();
  } else {
    path = std::string(target.substr(0, question));
    query = std::string(target.substr(question + 1));
  }
}

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

Response JsonError(int status, std::string_view message) {
  nlohmann::json body = {{"status", status}, {"error_msg", std::string(message)}};
  return JsonResponse(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response HtmlResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  // The pages load nothing but the app's style sheet and Gravatar images (the contract's
  // http URL), run no script, and are never framed (clickjacking of follow and logout).
  response.AddHeader("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' http://www.gravatar.com https://www.gravatar.com; "
                     "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                     "frame-ancestors 'none'");
  response.AddHeader("X-Frame-Options", "DENY");  // frame-ancestors for browsers without CSP 2
  response.AddHeader("Referrer-Policy", "same-origin");
  return response;
}

Response EmptyResponse(int status) {
  Response response;
  response.status = status;
  response.content_type.clear();
  return response;
}

Response Redirect(std::string location) {
  Response response = HtmlResponse(302, "<!doctype html>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n");
  response.AddHeader("Location", std::move(location));
  return response;
}

}  // namespace minitwit
