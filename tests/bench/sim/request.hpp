#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/scenario.hpp"
#include "sim/stats.hpp"

namespace minitwit::sim {

// The simulator's credentials: user "simulator", password "super_safe!".
inline constexpr std::string_view kSimulatorAuthorization = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh";

// What to send, independent of sockets.
struct RequestSpec {
  RequestKind kind = RequestKind::kLatest;
  bool post = false;
  std::string target;  // path and query, base path included
  std::string body;    // JSON for POSTs, empty for GETs
  std::int64_t id = -1;  // the scenario action id, -1 for requests outside the scenario
};

// Percent-encodes a path segment (everything but RFC 3986 unreserved characters), so
// "Roger Histand" becomes "Roger%20Histand" and UTF-8 bytes become %XX.
std::string EncodePathSegment(std::string_view segment);

// The request the course simulator sends for an action. Bodies are json.dumps() output:
// keys in the simulator's order, non-ASCII as \u escapes (surrogate pairs beyond the BMP).
RequestSpec BuildActionRequest(const Action& action, std::string_view base_path);

RequestSpec BuildReadMsgsRequest(std::string_view base_path, int count);
RequestSpec BuildPublicRequest(std::string_view base_path);
RequestSpec BuildLatestRequest(std::string_view base_path);

// Reads {"latest": N} from a /latest body.
std::optional<std::int64_t> ParseLatestBody(std::string_view body);

}  // namespace minitwit::sim
