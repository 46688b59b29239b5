#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace minitwit {

// Outcome of a storage call. Adapters catch their library's exceptions and report
// kUnavailable (database down, timeout, broken connection); handlers map it to 503.
enum class StoreStatus { kOk, kUnavailable };

template <typename T>
struct StoreResult {
  StoreStatus status = StoreStatus::kOk;
  T value{};

  bool ok() const { return status == StoreStatus::kOk; }
  static StoreResult Unavailable() { return {StoreStatus::kUnavailable, T{}}; }
};

struct Unit {};

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string email;
  std::string pw_hash;
};

struct Message {
  std::int64_t id = 0;
  std::string author;  // username
  std::string email;   // author's, for the Gravatar
  std::string text;
  std::int64_t pub_date = 0;  // Unix seconds
};

struct PoolStats {
  int in_use = 0;
  int idle = 0;
  int capacity = 0;
};

// Reads of the public timeline (PublicMessages) by where they were answered from.
struct TimelineCacheStats {
  std::uint64_t hits = 0;    // from memory
  std::uint64_t misses = 0;  // from the database
  bool live = false;         // the cache is trusted now (its listener hears every change)
};

// Everything MiniTwit stores. Implementations are thread-safe; lists are newest first
// and exclude flagged messages.
class Repository {
 public:
  virtual ~Repository() = default;

  virtual StoreResult<Unit> Ping() = 0;
  // -1 until a value was stored.
  virtual StoreResult<std::int64_t> GetLatest() = 0;
  virtual StoreResult<Unit> SetLatest(std::int64_t value) = 0;

  virtual StoreResult<std::optional<User>> FindUserByName(const std::string& username) = 0;
  virtual StoreResult<std::optional<User>> FindUserById(std::int64_t id) = 0;
  // The new user's id, or nullopt when the name is taken.
  virtual StoreResult<std::optional<std::int64_t>> CreateUser(const std::string& username, const std::string& email,
                                                              const std::string& pw_hash) = 0;

  virtual StoreResult<Unit> AddMessage(std::int64_t author_id, const std::string& text, std::int64_t pub_date) = 0;
  virtual StoreResult<std::vector<Message>> PublicMessages(int limit) = 0;
  virtual StoreResult<std::vector<Message>> UserMessages(std::int64_t author_id, int limit) = 0;
  // The user's own messages and those of everyone they follow.
  virtual StoreResult<std::vector<Message>> TimelineMessages(std::int64_t user_id, int limit) = 0;

  // Idempotent: following twice keeps one row; unfollowing a stranger is fine.
  virtual StoreResult<Unit> Follow(std::int64_t who_id, std::int64_t whom_id) = 0;
  virtual StoreResult<Unit> Unfollow(std::int64_t who_id, std::int64_t whom_id) = 0;
  virtual StoreResult<bool> IsFollowing(std::int64_t who_id, std::int64_t whom_id) = 0;
  // Usernames that the user follows.
  virtual StoreResult<std::vector<std::string>> Following(std::int64_t who_id, int limit) = 0;

  // Login sessions, one per login under a random id. The user whose session `id` is live
  // at Unix time `now`, or nullopt (unknown, expired, revoked by logout or by a change of
  // the user's password, which the schema enforces with a trigger).
  virtual StoreResult<Unit> CreateSession(const std::string& id, std::int64_t user_id, std::int64_t now,
                                          std::int64_t expires_at) = 0;
  virtual StoreResult<std::optional<User>> FindUserBySession(const std::string& id, std::int64_t now) = 0;
  virtual StoreResult<Unit> DeleteSession(const std::string& id) = 0;

  virtual PoolStats Pool() const = 0;
  // An implementation without a cache answers every read from its store.
  virtual TimelineCacheStats TimelineCache() const { return {}; }
};

}  // namespace minitwit
