#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minitwit {

// A parsed HTTP request, independent of sockets: what the router and handlers see.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // raw (still percent-encoded) path, e.g. "/msgs/Roger%20Histand"
  std::string query;   // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  // First value of a header (name in lower case), or "" when absent.
  std::string_view Header(std::string_view lower_name) const;

  // Splits "path?query" into path and query.
  void SetTarget(std::string_view target);
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, Set-Cookie, ...

  Response& AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response JsonResponse(int status, std::string body);
// {"status": N, "error_msg": "..."}: the simulator API's error body.
Response JsonError(int status, std::string_view message);
Response HtmlResponse(int status, std::string body);
Response EmptyResponse(int status);
Response Redirect(std::string location);

}  // namespace minitwit
