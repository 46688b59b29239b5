#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/profile.hpp"
#include "sim/scenario.hpp"

namespace minitwit::sim {

struct Options {
  std::string url;                 // http://host:port[/prefix]
  std::string host;
  std::string port = "80";
  std::string base_path;
  std::string scenario_path;       // --scenario FILE
  std::size_t generate = 0;        // --generate N (when no file)
  std::uint64_t seed = 1;
  std::size_t users = 1;
  std::size_t register_users = 1;
  int timeout_ms = 300;
  bool honor_delays = false;
  double speedup = 1.0;
  bool keep_alive = false;
  std::size_t read_mix = 0;
  std::optional<std::size_t> limit;
  std::vector<ActionKind> only;    // --only tweet,follow: these kinds plus register
  bool json = false;
  std::size_t max_errors = 0;
  // Open loop (--rate R --duration D, or --profile): arrivals on a schedule instead of users.
  std::optional<Profile> profile;
  std::size_t max_in_flight = 256;
  bool quiet = false;               // no progress line even on a terminal
  std::string timeseries_path;      // --timeseries FILE.csv or FILE.json
  std::string request_log_path;    // --request-log FILE
  bool help = false;
};

struct OptionsResult {
  Options options;
  std::string error;  // empty when the command line is valid
};

OptionsResult ParseOptions(const std::vector<std::string>& args);

// Splits http://host[:port][/prefix]; returns false on anything else (https included).
bool ParseUrl(const std::string& url, std::string* host, std::string* port, std::string* base_path);

extern const char* const kUsage;

}  // namespace minitwit::sim
