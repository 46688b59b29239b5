#pragma once

#include <string>

#include "storage/connection_pool.hpp"
#include "storage/repository.hpp"

namespace minitwit {

// Repository on PostgreSQL through libpqxx 6: a connection pool and prepared statements.
class PgRepository : public Repository {
 public:
  PgRepository(const std::string& conninfo, int pool_size);

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
  PoolStats Pool() const override;

 private:
  ConnectionPool pool_;
};

}  // namespace minitwit
