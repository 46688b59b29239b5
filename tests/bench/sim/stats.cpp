#include "sim/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace minitwit::sim {

RequestKind ToRequestKind(ActionKind kind) {
  switch (kind) {
    case ActionKind::kRegister: return RequestKind::kRegister;
    case ActionKind::kTweet: return RequestKind::kTweet;
    case ActionKind::kFollow: return RequestKind::kFollow;
    case ActionKind::kUnfollow: return RequestKind::kUnfollow;
  }
  return RequestKind::kTweet;
}

std::string_view RequestKindName(RequestKind kind) {
  switch (kind) {
    case RequestKind::kRegister: return "register";
    case RequestKind::kTweet: return "tweet";
    case RequestKind::kFollow: return "follow";
    case RequestKind::kUnfollow: return "unfollow";
    case RequestKind::kReadMsgs: return "msgs";
    case RequestKind::kReadPublic: return "public";
    case RequestKind::kLatest: return "latest";
  }
  return "unknown";
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kConnectionError: return "ConnectionError";
    case Outcome::kTimeout: return "ReadTimeout";
    case Outcome::kWrongStatus: return "status";
    case Outcome::kDropped: return "dropped";
  }
  return "unknown";
}

bool StatusAccepted(RequestKind kind, int status) {
  switch (kind) {
    case RequestKind::kRegister: return status == 204 || status == 400;
    case RequestKind::kTweet:
    case RequestKind::kFollow:
    case RequestKind::kUnfollow: return status == 204;
    case RequestKind::kReadMsgs:
    case RequestKind::kReadPublic:
    case RequestKind::kLatest: return status == 200;
  }
  return false;
}

Outcome Classify(RequestKind kind, TransportError error, int status) {
  switch (error) {
    case TransportError::kNone: break;
    case TransportError::kReadTimeout: return Outcome::kTimeout;
    case TransportError::kConnect:
    case TransportError::kConnectTimeout:
    case TransportError::kOther: return Outcome::kConnectionError;
  }
  return StatusAccepted(kind, status) ? Outcome::kOk : Outcome::kWrongStatus;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

LatencySummary Summarize(std::vector<double> latencies_ms) {
  LatencySummary summary;
  if (latencies_ms.empty()) return summary;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  summary.count = latencies_ms.size();
  summary.p50 = Percentile(latencies_ms, 50);
  summary.p90 = Percentile(latencies_ms, 90);
  summary.p99 = Percentile(latencies_ms, 99);
  summary.max = latencies_ms.back();
  summary.mean = std::accumulate(latencies_ms.begin(), latencies_ms.end(), 0.0) /
                 static_cast<double>(latencies_ms.size());
  return summary;
}

void Tally::Record(RequestKind kind, Outcome outcome, double latency_ms, double budget_ms,
                   std::int64_t id, int status, std::string_view detail) {
  if (outcome == Outcome::kDropped) {  // never sent: no latency, not a request
    ++dropped_;
    if (samples_.size() < kMaxSamples) samples_.push_back({id, kind, outcome, 0, 0, std::string(detail)});
    return;
  }
  ++requests_;
  latencies_ms_.push_back(latency_ms);
  if (latency_ms > budget_ms) ++over_budget_;
  KindTally& per_kind = by_kind_[static_cast<std::size_t>(kind)];
  ++per_kind.requests;
  per_kind.latencies_ms.push_back(latency_ms);
  if (outcome == Outcome::kOk) return;
  ++per_kind.errors;
  switch (outcome) {
    case Outcome::kConnectionError: ++connection_errors_; break;
    case Outcome::kTimeout: ++timeouts_; break;
    case Outcome::kWrongStatus: ++wrong_status_; break;
    case Outcome::kOk:
    case Outcome::kDropped: break;
  }
  if (samples_.size() < kMaxSamples) {
    samples_.push_back({id, kind, outcome, status, latency_ms, std::string(detail)});
  }
}

}  // namespace minitwit::sim

namespace minitwit::sim {

void Tally::Merge(const Tally& other) {
  requests_ += other.requests_;
  connection_errors_ += other.connection_errors_;
  timeouts_ += other.timeouts_;
  wrong_status_ += other.wrong_status_;
  dropped_ += other.dropped_;
  over_budget_ += other.over_budget_;
  latencies_ms_.insert(latencies_ms_.end(), other.latencies_ms_.begin(), other.latencies_ms_.end());
  for (std::size_t k = 0; k < kRequestKindCount; ++k) {
    by_kind_[k].requests += other.by_kind_[k].requests;
    by_kind_[k].errors += other.by_kind_[k].errors;
    by_kind_[k].latencies_ms.insert(by_kind_[k].latencies_ms.end(), other.by_kind_[k].latencies_ms.begin(),
                                    other.by_kind_[k].latencies_ms.end());
  }
  for (const ErrorSample& sample : other.samples_) {
    if (samples_.size() < kMaxSamples) samples_.push_back(sample);
  }
}

}  // namespace minitwit::sim
