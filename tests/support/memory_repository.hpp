#pragma once

#include <map>
#include <mutex>
#include <set>

#include "storage/repository.hpp"

namespace minitwit {

// Repository in process memory: a fake for unit tests and fuzzing the request handling
// without a database. set_available(false) simulates a database outage.
class MemoryRepository : public Repository {
 public:
  void set_available(bool available);

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

 private:
  struct StoredMessage {
    std::int64_t author_id;
    std::string text;
    std::int64_t pub_date;
  };
  template <typename Keep>
  std::vector<Message> Select(Keep keep, int limit) const;

  mutable std::mutex mutex_;
  bool available_ = true;
  std::int64_t latest_ = -1;
  std::vector<User> users_;  // id = index + 1
  std::vector<StoredMessage> messages_;
  std::set<std::pair<std::int64_t, std::int64_t>> follows_;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> sessions_;  // id -> user id, expiry
};

}  // namespace minitwit
