#include "controller/work_queue.hpp"

#include <algorithm>

namespace minitwit::controller {
namespace {
double Seconds(Clock::TimePoint::duration duration) { return std::chrono::duration<double>(duration).count(); }
}  // namespace

WorkQueue::WorkQueue(const Clock& clock, observability::OperatorMetrics& metrics, BackoffPolicy policy)
    : clock_(clock), metrics_(metrics), policy_(policy) {}

void WorkQueue::Add(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    AddLocked(key);
  }
  cv_.notify_one();
}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || dirty_.contains(key)) return;
  metrics_.queue_adds.Add({observability::kControllerName});
  dirty_.insert(key);
  if (processing_.contains(key)) return;  // queued again by Done
  EnqueueLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, std::chrono::milliseconds delay) {
  if (delay <= std::chrono::milliseconds::zero()) {
    Add(key);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_) return;
    auto ready = clock_.Now() + delay;
    auto [it, inserted] = waiting_.emplace(key, ready);
    if (!inserted) it->second = std::min(it->second, ready);
  }
  cv_.notify_all();
}

std::chrono::milliseconds WorkQueue::NextBackoff(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  int exponent = it == failures_.end() ? 0 : it->second;
  // Doubling past 2^40 * 5 ms overflows nothing we care about; cap the exponent first.
  if (exponent > 40) return policy_.max;
  auto delay = policy_.base * (std::int64_t{1} << exponent);
  return std::min<std::chrono::milliseconds>(delay, policy_.max);
}

void WorkQueue::AddRateLimited(const std::string& key) {
  auto delay = NextBackoff(key);
  {
    std::lock_guard lock(mutex_);
    ++failures_[key];
  }
  metrics_.queue_retries.Add({observability::kControllerName});
  AddAfter(key, delay);
}

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int WorkQueue::NumRequeues(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteDueLocked() {
  auto now = clock_.Now();
  // Earliest first, so keys that became ready together keep their deadline order.
  std::vector<std::pair<Clock::TimePoint, std::string>> due;
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second <= now) {
      due.emplace_back(it->second, it->first);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(due.begin(), due.end());
  for (const auto& [when, key] : due) AddLocked(key);
}

std::optional<std::string> WorkQueue::PopLocked() {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  auto now = clock_.Now();
  if (auto added = added_at_.find(key); added != added_at_.end()) {
    metrics_.queue_duration.Observe({observability::kControllerName}, Seconds(now - added->second));
    added_at_.erase(added);
  }
  started_at_[key] = now;
  UpdateDepthLocked();
  return key;
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (shutting_down_) return std::nullopt;
    PromoteDueLocked();
    if (auto key = PopLocked()) return key;
    if (waiting_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto earliest = std::min_element(waiting_.begin(), waiting_.end(), [](const auto& a, const auto& b) {
                      return a.second < b.second;
                    })->second;
    // Bounded so that a fake or jumping clock is re-read.
    auto wait = std::clamp<Clock::TimePoint::duration>(earliest - clock_.Now(), std::chrono::milliseconds(1),
                                                       std::chrono::seconds(1));
    cv_.wait_for(lock, wait);
  }
}

std::optional<std::string> WorkQueue::TryGet() {
  std::lock_guard lock(mutex_);
  if (shutting_down_) return std::nullopt;
  PromoteDueLocked();
  return PopLocked();
}

void WorkQueue::Done(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    processing_.erase(key);
    if (auto started = started_at_.find(key); started != started_at_.end()) {
      metrics_.work_duration.Observe({observability::kControllerName}, Seconds(clock_.Now() - started->second));
      started_at_.erase(started);
    }
    if (dirty_.contains(key) && !shutting_down_) EnqueueLocked(key);
  }
  cv_.notify_one();
}

void WorkQueue::ShutDown() {
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
  }
  cv_.notify_all();
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard lock(mutex_);
  return shutting_down_;
}

std::size_t WorkQueue::Len() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkQueue::WaitingCount() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

void WorkQueue::Poke() { cv_.notify_all(); }

void WorkQueue::UpdateDepthLocked() {
  metrics_.queue_depth.Set({observability::kControllerName}, static_cast<double>(queue_.size()));
}

void WorkQueue::EnqueueLocked(const std::string& key) {
  queue_.push_back(key);
  added_at_.emplace(key, clock_.Now());  // a key queued again keeps its first time, as client-go does
  UpdateDepthLocked();
}

}  // namespace minitwit::controller
