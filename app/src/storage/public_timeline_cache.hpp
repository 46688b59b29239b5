#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "storage/repository.hpp"

namespace minitwit {

// The newest public messages in memory, so that the hot reads (GET /msgs, GET /public)
// need no query. Other replicas write too, so the rows are trusted only while a listener
// (PublicTimelineListener) hears every change: it calls SetListening and Renew, and
// Invalidate on each notification. Without a live listener nothing is cached and every
// read goes to the database.
//
// A read is Get, and on a miss Ticket -> query the newest kRows -> Store: a change noticed
// between Ticket and Store discards the result, which may predate the change.
// Thread-safe. The listener half is separate so that tests can drive it.
class PublicTimelineCache {
 public:
  static constexpr int kRows = 100;
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  // lease: how long the listener's last sign of life is trusted. A listener stuck on a
  // connection that died silently (no reset, so no error) stops renewing, and the
  // cache turns itself off.
  explicit PublicTimelineCache(std::chrono::milliseconds lease = std::chrono::seconds(3),
                               SteadyNow now = std::chrono::steady_clock::now);

  // The newest `limit` messages (0 <= limit <= kRows), or nullopt: ask the database.
  std::optional<std::vector<Message>> Get(int limit) const;
  // 0 when nothing may be cached; else a value for Store.
  std::uint64_t Ticket() const;
  // rows: the newest kRows public messages (fewer only when there are no more), read
  // after Ticket returned ticket. Kept unless something changed since.
  void Store(std::uint64_t ticket, std::vector<Message> rows);
  // The public timeline changed, or may have.
  void Invalidate();

  // For the listener: true once its LISTEN is in effect (starts a lease), false when its
  // connection failed. Either way what was cached before is dropped: changes may have
  // gone unheard.
  void SetListening(bool listening);
  // For the listener: the database answered; extends the lease.
  void Renew();

 private:
  bool Live() const;  // mutex_ held

  const std::chrono::milliseconds lease_;
  const SteadyNow now_;
  mutable std::mutex mutex_;
  std::uint64_t epoch_ = 1;  // bumped by every change; never 0, which Ticket reserves
  bool listening_ = false;
  std::chrono::steady_clock::time_point lease_end_;
  // Read at rows_epoch_. Shared, so that Get copies them outside the lock.
  std::shared_ptr<const std::vector<Message>> rows_;
  std::uint64_t rows_epoch_ = 0;
};

}  // namespace minitwit
