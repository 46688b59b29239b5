#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/profile.hpp"
#include "sim/stats.hpp"

namespace minitwit::sim {

// One second of a run, by the second the request was meant to be sent (open loop) or was
// sent (closed loop). Latencies are of the requests sent, errors included; dropped arrivals
// were never sent and have none.
struct SecondRow {
  std::size_t second = 0;
  double unix_time = 0;     // wall-clock start of the second, to join with the cluster's side
  double target_rps = 0;    // the profile's mean rate over the second; 0 in closed loop
  std::size_t sent = 0;
  std::size_t ok = 0;
  std::size_t connection = 0;
  std::size_t timeout = 0;
  std::size_t status = 0;
  std::size_t dropped = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Per-second aggregation of a run. Times are seconds since the run's start; the caller
// passes them in (no clock inside), so tests drive it with any timeline.
class TimeSeries {
 public:
  explicit TimeSeries(double unix_start) : unix_start_(unix_start) {}

  // The open-loop profile that started `offset_s` after the run's start: rows carry its rate.
  void SetProfile(Profile profile, double offset_s);
  void Record(double t_s, Outcome outcome, double latency_ms);

  // One row per second from 0 to the last second with a request, empty seconds included.
  std::vector<SecondRow> Rows() const;
  // Rows [from, to) only: for the live progress line.
  SecondRow Window(std::size_t from, std::size_t to) const;

  std::string Csv() const;
  nlohmann::ordered_json Json() const;

 private:
  struct Bucket {
    std::size_t counts[5] = {0, 0, 0, 0, 0};  // by Outcome
    std::vector<double> latencies_ms;
  };
  SecondRow RowOf(std::size_t second, const Bucket& bucket) const;

  double unix_start_;
  std::optional<Profile> profile_;
  double profile_offset_s_ = 0;
  std::vector<Bucket> buckets_;
};

// The CSV header Csv() writes; minitwit-report reads these names.
extern const char* const kTimeSeriesCsvHeader;

// What the live progress line shows.
struct ProgressSnapshot {
  double elapsed_s = 0;
  std::optional<double> planned_s;  // the profile's length; unknown in closed loop
  SecondRow last;                   // the last complete second
  std::size_t sent = 0;             // totals since the start
  std::size_t connection = 0;
  std::size_t timeout = 0;
  std::size_t status = 0;
  std::size_t dropped = 0;
};

// "  42s/210s (168s left)  150 req/s  p50 3.1 ms  p99 12.4 ms  sent 6300  errors: ..." (no newline).
std::string FormatProgress(const ProgressSnapshot& snapshot);

}  // namespace minitwit::sim
