#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.hpp"

namespace minitwit::sim {

enum class RequestKind { kRegister, kTweet, kFollow, kUnfollow, kReadMsgs, kReadPublic, kLatest };
inline constexpr std::size_t kRequestKindCount = 7;

RequestKind ToRequestKind(ActionKind kind);
std::string_view RequestKindName(RequestKind kind);

// What went wrong on the wire, before any status code is looked at.
enum class TransportError { kNone, kConnect, kConnectTimeout, kReadTimeout, kOther };

// The course dashboard's error kinds, plus kDropped: an open-loop arrival that was not sent
// because too many requests were already in flight (the load tool's limit, not the server's).
enum class Outcome { kOk, kConnectionError, kTimeout, kWrongStatus, kDropped };
std::string_view OutcomeName(Outcome outcome);

// register: 204 or 400; tweet/follow/unfollow: 204 only; reads and /latest: 200.
bool StatusAccepted(RequestKind kind, int status);

// As the course simulator (Python requests) counts: a connect timeout is a ConnectTimeout,
// which is a ConnectionError and is caught as one; only a read timeout is a timeout.
Outcome Classify(RequestKind kind, TransportError error, int status);

// Nearest-rank percentile (p in [0, 100]) of an ascending vector; 0 when empty.
double Percentile(const std::vector<double>& sorted, double p);

struct LatencySummary {
  std::size_t count = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
  double mean = 0;
};
LatencySummary Summarize(std::vector<double> latencies_ms);

// One failed request, for the report (like the course simulator's error log lines).
struct ErrorSample {
  std::int64_t id = -1;
  RequestKind kind = RequestKind::kLatest;
  Outcome outcome = Outcome::kOk;
  int status = 0;
  double latency_ms = 0;
  std::string detail;
};

struct KindTally {
  std::size_t requests = 0;
  std::size_t errors = 0;
  std::vector<double> latencies_ms;
};

// Counts for one phase of a run (the scenario or the read mix).
class Tally {
 public:
  static constexpr std::size_t kMaxSamples = 20;

  void Record(RequestKind kind, Outcome outcome, double latency_ms, double budget_ms,
              std::int64_t id, int status, std::string_view detail);
  void Merge(const Tally& other);

  std::size_t Requests() const { return requests_; }
  std::size_t Errors() const { return connection_errors_ + timeouts_ + wrong_status_ + dropped_; }
  std::size_t ConnectionErrors() const { return connection_errors_; }
  std::size_t Timeouts() const { return timeouts_; }
  std::size_t WrongStatus() const { return wrong_status_; }
  std::size_t Dropped() const { return dropped_; }
  // Requests that took longer than the budget in total (connect + read), errors or not.
  std::size_t OverBudget() const { return over_budget_; }
  const std::vector<double>& Latencies() const { return latencies_ms_; }
  const std::array<KindTally, kRequestKindCount>& ByKind() const { return by_kind_; }
  const std::vector<ErrorSample>& Samples() const { return samples_; }

 private:
  std::size_t requests_ = 0;
  std::size_t connection_errors_ = 0;
  std::size_t timeouts_ = 0;
  std::size_t wrong_status_ = 0;
  std::size_t dropped_ = 0;
  std::size_t over_budget_ = 0;
  std::vector<double> latencies_ms_;
  std::array<KindTally, kRequestKindCount> by_kind_{};
  std::vector<ErrorSample> samples_;
};

}  // namespace minitwit::sim
