#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"

namespace minitwit {

using RouteParams = std::unordered_map<std::string, std::string>;
using RouteHandler = std::function<Response(const Request&, const RouteParams&)>;

// How errors the router itself produces (404, 405, bad encoding) are rendered.
enum class ErrorStyle { kJson, kHtml };

struct RouteMatch {
  Response response;
  std::string route;  // the pattern ("/msgs/<username>"), "unmatched" when none
};

// Maps a parsed Request to a handler by method and path pattern, without sockets.
// Patterns are '/'-separated literals and <name> parameters; a parameter matches one
// non-empty segment and is percent-decoded; one that does not decode to UTF-8 text
// without NUL (DecodeText) makes the request a 400 in the route's error style. Where patterns overlap, literal segments
// win over parameters (so "/public" beats "/<username>").
class Router {
 public:
  void Add(std::string method, std::string pattern, RouteHandler handler, ErrorStyle style);

  RouteMatch Dispatch(const Request& request) const;

  // Renders an error the way the style asks.
  static Response Error(ErrorStyle style, int status, std::string_view message);

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    RouteHandler handler;
    ErrorStyle style;
  };
  std::vector<Route> routes_;
};

// Splits a raw path into its segments ("/a/b" -> {"a","b"}; "/" -> {}).
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace minitwit
