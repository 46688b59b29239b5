#include "storage/public_timeline_cache.hpp"

#include <algorithm>
#include <utility>

namespace minitwit {

PublicTimelineCache::PublicTimelineCache(std::chrono::milliseconds lease, SteadyNow now)
    : lease_(lease), now_(std::move(now)) {}

bool PublicTimelineCache::Live() const { return listening_ && now_() < lease_end_; }

std::optional<std::vector<Message>> PublicTimelineCache::Get(int limit) const {
  if (limit < 0 || limit > kRows) return std::nullopt;
  std::shared_ptr<const std::vector<Message>> rows;
  {
    std::lock_guard lock(mutex_);
    if (!Live() || rows_epoch_ != epoch_) return std::nullopt;
    rows = rows_;
  }
  // The rows are the newest kRows, or all there are: any limit up to kRows is answered.
  const auto count = std::min(rows->size(), static_cast<std::size_t>(limit));
  return std::vector<Message>(rows->begin(), rows->begin() + static_cast<std::ptrdiff_t>(count));
}

std::uint64_t PublicTimelineCache::Ticket() const {
  std::lock_guard lock(mutex_);
  return Live() ? epoch_ : 0;
}

void PublicTimelineCache::Store(std::uint64_t ticket, std::vector<Message> rows) {
  auto fresh = std::make_shared<const std::vector<Message>>(std::move(rows));
  std::lock_guard lock(mutex_);
  if (ticket != epoch_ || !Live()) return;
  rows_.swap(fresh);  // the old rows are freed after the lock is released
  rows_epoch_ = epoch_;
}

void PublicTimelineCache::Invalidate() {
  std::lock_guard lock(mutex_);
  ++epoch_;
}

void PublicTimelineCache::SetListening(bool listening) {
  std::lock_guard lock(mutex_);
  ++epoch_;
  listening_ = listening;
  lease_end_ = now_() + lease_;
}

void PublicTimelineCache::Renew() {
  std::lock_guard lock(mutex_);
  if (listening_) lease_end_ = now_() + lease_;
}

}  // namespace minitwit
