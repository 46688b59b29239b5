#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/http_client.hpp"
#include "sim/request_log.hpp"
#include "sim/scenario.hpp"
#include "sim/stats.hpp"

namespace minitwit::sim {

struct RunSettings {
  ClientSettings client;
  std::string base_path;      // URL path prefix, "" for the root
  std::size_t users = 1;      // concurrent virtual users
  std::size_t register_users = 1;  // lanes for the register stage when users > 1
  bool honor_delays = false;  // sleep each action's delay / speedup before sending it
  double speedup = 1.0;
  int read_page = 100;        // ?no= of the read mix's GET /msgs
  RequestLog* request_log = nullptr;  // --request-log: every finished request, when set
};

// A part of a phase that runs at one concurrency: the scenario with users > 1 has a
// "registers" stage and an "activity" stage; with one user a single "sequential" stage.
struct Stage {
  std::string name;
  std::size_t users = 0;
  double elapsed_s = 0;
  Tally tally;
};

struct PhaseResult {
  std::string name;
  std::size_t users = 0;
  double elapsed_s = 0;
  Tally tally;                // all stages together
  std::vector<Stage> stages;  // empty for the read mix
};

struct LatestCheck {
  std::optional<std::int64_t> value;     // what GET /latest said
  std::optional<std::int64_t> expected;  // the id of the last action sent
  std::string error;                     // set when /latest could not be read
  bool Matches() const { return !expected || (value && *value == *expected); }
};

// Drives the requests on one io_context thread: the client stays cheap next to the server.
class Runner {
 public:
  explicit Runner(RunSettings settings);

  // Resolves the host once; returns an error message on failure.
  std::optional<std::string> Resolve();

  // Replays the actions along MakePlan(actions, users); the last action goes last, alone.
  PhaseResult RunScenario(const std::vector<Action>& actions);

  // `count` requests alternating GET /msgs?no=<read_page> and GET /public over `users` lanes.
  PhaseResult RunReads(std::size_t count);

  LatestCheck CheckLatest(std::optional<std::int64_t> expected);

 private:
  RunSettings settings_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
};

}  // namespace minitwit::sim
