#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "controller/clock.hpp"
#include "observability/metrics.hpp"

namespace minitwit::controller {

struct BackoffPolicy {
  std::chrono::milliseconds base{5};
  std::chrono::milliseconds max{std::chrono::seconds(1000)};
};

// A rate-limited work queue of "namespace/name" keys with client-go's semantics:
// - a key is queued at most once however many times it is added;
// - a key handed out by Get is never handed out again before Done (a re-add meanwhile is
//   remembered and queued at Done), so no two workers hold the same key;
// - AddRateLimited waits base * 2^failures (capped) per key until Forget;
// - AddAfter delays an add; an earlier deadline for the same key wins.
class WorkQueue {
 public:
  WorkQueue(const Clock& clock, observability::OperatorMetrics& metrics, BackoffPolicy policy = {});

  void Add(const std::string& key);
  void AddAfter(const std::string& key, std::chrono::milliseconds delay);
  void AddRateLimited(const std::string& key);
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key) const;
  // The delay the next AddRateLimited of `key` would use, without counting it.
  std::chrono::milliseconds NextBackoff(const std::string& key) const;

  // Blocks until a key is ready or the queue shuts down (nullopt).
  std::optional<std::string> Get();
  // Returns a ready key, or nullopt at once.
  std::optional<std::string> TryGet();
  void Done(const std::string& key);

  void ShutDown();
  bool ShuttingDown() const;
  std::size_t Len() const;           // keys ready to be handed out
  std::size_t WaitingCount() const;  // keys waiting for their delay
  // Wakes blocked Get callers to re-check delayed keys (for fake clocks).
  void Poke();

 private:
  void AddLocked(const std::string& key);
  void PromoteDueLocked();
  std::optional<std::string> PopLocked();
  void UpdateDepthLocked();
  void EnqueueLocked(const std::string& key);  // pushes, and records when for the metrics

  const Clock& clock_;
  observability::OperatorMetrics& metrics_;
  BackoffPolicy policy_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;
  std::unordered_set<std::string> processing_;
  std::map<std::string, Clock::TimePoint> waiting_;  // key -> ready time
  std::unordered_map<std::string, int> failures_;
  std::unordered_map<std::string, Clock::TimePoint> added_at_;    // queued keys: when queued
  std::unordered_map<std::string, Clock::TimePoint> started_at_;  // keys being processed: since when
  bool shutting_down_ = false;
};

}  // namespace minitwit::controller
