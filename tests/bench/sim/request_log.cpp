#include "sim/request_log.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace minitwit::sim {

std::string FormatRequestLogLine(std::int64_t sent_unix_ms, const RequestSpec& spec, const Exchange& exchange,
                                 Outcome outcome) {
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.1f", exchange.latency_ms);
  std::string line = std::to_string(sent_unix_ms) + ' ' + latency + ' ';
  line += RequestKindName(spec.kind);
  line += ' ' + std::to_string(spec.id) + ' ';
  line += OutcomeName(outcome);
  line += ' ' + std::to_string(exchange.status) + '\n';
  return line;
}

std::unique_ptr<RequestLog> RequestLog::Open(const std::string& path, std::string* error) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    *error = "cannot write the request log " + path;
    return nullptr;
  }
  return std::unique_ptr<RequestLog>(new RequestLog(std::move(out)));
}

void RequestLog::Write(const RequestSpec& spec, const Exchange& exchange, Outcome outcome) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto sent_ms = now_ms - static_cast<std::int64_t>(std::llround(exchange.latency_ms));
  out_ << FormatRequestLogLine(sent_ms, spec, exchange, outcome) << std::flush;
}

}  // namespace minitwit::sim
