#pragma once

#include <functional>
#include <memory>
#include <atomic>
#include <cstdint>
#include <string>

#include "storage/connection_pool.hpp"
#include "storage/public_timeline_cache.hpp"
#include "storage/public_timeline_listener.hpp"
#include "storage/repository.hpp"

namespace minitwit {

// Repository on PostgreSQL through libpqxx 6: a connection pool and prepared statements,
// and the newest public messages in memory once StartPublicTimelineCache was called.
class PgRepository : public Repository {
 public:
  PgRepository(const std::string& conninfo, int pool_size);

  // Call once the migrations are done: the cache is only as good as the triggers that
  // tell every replica about changes. Until then every read goes to the database.
  void StartPublicTimelineCache();

  StoreResult<Unit> Ping() override;
  StoreResult<std::int64_t> GetLatest() override;
  StoreResult<Unit> SetLatest(std::int64_t value) override;
  StoreResult<std::optional<User>> FindUserByName(const std::string& username) override;
  StoreResult<std::optional<User>> FindUserById(std::int64_t id) override;
  StoreResult<std::optional<std::int64_t>> CreateUser(const std::string& username, const std::string& email,
                                                      const std::string& pw_hash) override;
  StoreResult<Unit> AddMessage(std::int64_t author_id, const std::string& text, std::int64_t pub_date) override;
  StoreResult<std::vector<Message>> PublicMessages(int limit) override;
  StoreResult<std::vector<Message>> UserMessages(std::int64_t author_id, int limit) override;
  StoreResult<std::vector<Message>> TimelineMessages(std::int64_t user_id, int limit) override;
  StoreResult<Unit> Follow(std::int64_t who_id, std::int64_t whom_id) override;
  StoreResult<Unit> Unfollow(std::int64_t who_id, std::int64_t whom_id) override;
  StoreResult<bool> IsFollowing(std::int64_t who_id, std::int64_t whom_id) override;
  StoreResult<std::vector<std::string>> Following(std::int64_t who_id, int limit) override;
  StoreResult<Unit> CreateSession(const std::string& id, std::int64_t user_id, std::int64_t now,
                                  std::int64_t expires_at) override;
  StoreResult<std::optional<User>> FindUserBySession(const std::string& id, std::int64_t now) override;
  StoreResult<Unit> DeleteSession(const std::string& id) override;
  PoolStats Pool() const override;
  TimelineCacheStats TimelineCache() const override;

 private:
  template <typename T>
  StoreResult<T> Run(const std::function<T(pqxx::connection&)>& work, bool idempotent = true);
  StoreResult<std::vector<Message>> QueryPublicMessages(int limit);

  ConnectionPool pool_;
  PublicTimelineCache public_timeline_;
  std::unique_ptr<PublicTimelineListener> listener_;  // after public_timeline_: stops first
  std::atomic<std::uint64_t> timeline_hits_{0};
  std::atomic<std::uint64_t> timeline_misses_{0};
};

}  // namespace minitwit
