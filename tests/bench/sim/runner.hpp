#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/http_client.hpp"
#include "sim/profile.hpp"
#include "sim/request_log.hpp"
#include "sim/scenario.hpp"
#include "sim/stats.hpp"
#include "sim/timeseries.hpp"

namespace minitwit::sim {

struct RunSettings {
  ClientSettings client;
  std::string base_path;      // URL path prefix, "" for the root
  std::size_t users = 1;      // concurrent virtual users
  std::size_t register_users = 1;  // lanes for the register stage when users > 1
  bool honor_delays = false;  // sleep each action's delay / speedup before sending it
  double speedup = 1.0;
  int read_page = 100;        // ?no= of the read mix's GET /msgs
  std::size_t max_in_flight = 256;  // open loop: an arrival beyond this many is dropped
  // Called about once a second with a progress line (no newline); empty: no progress.
  std::function<void(const std::string&)> progress;
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
// SIGINT and SIGTERM stop it: no new request starts, the ones in flight finish (each is
// bounded by the timeout), and the phase returns what it counted so far.
class Runner {
 public:
  explicit Runner(RunSettings settings);

  // Resolves the host once; returns an error message on failure.
  std::optional<std::string> Resolve();

  // Replays the actions along MakePlan(actions, users); the last action goes last, alone.
  PhaseResult RunScenario(const std::vector<Action>& actions);

  // `count` requests alternating GET /msgs?no=<read_page> and GET /public over `users` lanes.
  PhaseResult RunReads(std::size_t count);

  // Open loop: sends the actions in order, cycling, at the arrival times of `profile`,
  // whatever the server's speed. A request's latency runs from its intended send time, so
  // queueing in the client or the server shows (no coordinated omission). An arrival that
  // finds max_in_flight requests outstanding is counted as dropped, not delayed.
  PhaseResult RunOpenLoop(const std::vector<Action>& actions, const Profile& profile);

  LatestCheck CheckLatest(std::optional<std::int64_t> expected);

  // The signal that stopped the run (SIGINT, SIGTERM), 0 when none did.
  int StoppedBySignal() const { return signal_; }
  // Every request so far, one row per second since the Runner was made.
  const TimeSeries& Series() const { return series_; }

 private:
  using Task = std::function<boost::asio::awaitable<void>()>;
  // Runs the tasks to completion (and whatever they spawn), with the progress line over
  // `watched` and the stop signals; rethrows the first exception, if any.
  void RunAll(const std::vector<Task>& tasks, const Tally* watched, std::optional<double> planned_s);
  void RecordExchange(Tally& tally, const RequestSpec& spec, const Exchange& exchange, double sent_at_s);
  double SinceStart(std::chrono::steady_clock::time_point at) const;

  RunSettings settings_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
  boost::asio::signal_set signals_;
  std::chrono::steady_clock::time_point start_;
  TimeSeries series_;
  bool stop_ = false;
  int signal_ = 0;
  std::vector<boost::asio::steady_timer*> wake_on_stop_;  // timers a stop must cut short
};

}  // namespace minitwit::sim
