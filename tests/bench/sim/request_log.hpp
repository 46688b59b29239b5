#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "sim/http_client.hpp"
#include "sim/request.hpp"
#include "sim/stats.hpp"

namespace minitwit::sim {

// One line per finished request, for the failure tests (tests/e2e/failure_test.sh): when it
// was sent, how long it took and how it ended, so they can tell which writes were
// acknowledged and how long a service was gone. Fields, space-separated:
//   <sent, Unix ms> <latency ms> <kind> <action id> <outcome> <status>
// Each line is flushed as it is written: a run stopped by a signal keeps the line of every
// request it finished.
std::string FormatRequestLogLine(std::int64_t sent_unix_ms, const RequestSpec& spec, const Exchange& exchange,
                                 Outcome outcome);

class RequestLog {
 public:
  // Opens (truncates) `path`; nullptr with `error` set when it cannot.
  static std::unique_ptr<RequestLog> Open(const std::string& path, std::string* error);

  // Called as a request finishes: its send time is now minus its latency.
  void Write(const RequestSpec& spec, const Exchange& exchange, Outcome outcome);

 private:
  explicit RequestLog(std::ofstream out) : out_(std::move(out)) {}
  std::ofstream out_;
};

}  // namespace minitwit::sim
