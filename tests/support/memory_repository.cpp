#include "support/memory_repository.hpp"

namespace minitwit {

#define MINITWIT_REQUIRE_AVAILABLE(T)      \
  std::lock_guard lock(mutex_);            \
  if (!available_) return StoreResult<T>::Unavailable()

void MemoryRepository::set_available(bool available) {
  std::lock_guard lock(mutex_);
  available_ = available;
}

StoreResult<Unit> MemoryRepository::Ping() {
  MINITWIT_REQUIRE_AVAILABLE(Unit);
  return {};
}

StoreResult<std::int64_t> MemoryRepository::GetLatest() {
  MINITWIT_REQUIRE_AVAILABLE(std::int64_t);
  return {StoreStatus::kOk, latest_};
}

StoreResult<Unit> MemoryRepository::SetLatest(std::int64_t value) {
  MINITWIT_REQUIRE_AVAILABLE(Unit);
  latest_ = value;
  return {};
}

StoreResult<std::optional<User>> MemoryRepository::FindUserByName(const std::string& username) {
  MINITWIT_REQUIRE_AVAILABLE(std::optional<User>);
  for (const auto& user : users_) {
    if (user.username == username) return {StoreStatus::kOk, user};
  }
  return {};
}

StoreResult<std::optional<User>> MemoryRepository::FindUserById(std::int64_t id) {
  MINITWIT_REQUIRE_AVAILABLE(std::optional<User>);
  if (id < 1 || id > static_cast<std::int64_t>(users_.size())) return {};
  return {StoreStatus::kOk, users_[static_cast<std::size_t>(id - 1)]};
}

StoreResult<std::optional<std::int64_t>> MemoryRepository::CreateUser(const std::string& username,
                                                                      const std::string& email,
                                                                      const std::string& pw_hash) {
  MINITWIT_REQUIRE_AVAILABLE(std::optional<std::int64_t>);
  for (const auto& user : users_) {
    if (user.username == username) return {};
  }
  const auto id = static_cast<std::int64_t>(users_.size()) + 1;
  users_.push_back({id, username, email, pw_hash});
  return {StoreStatus::kOk, id};
}

StoreResult<Unit> MemoryRepository::CreateSession(const std::string& id, std::int64_t user_id, std::int64_t /*now*/,
                                                  std::int64_t expires_at) {
  MINITWIT_REQUIRE_AVAILABLE(Unit);
  sessions_[id] = {user_id, expires_at};
  return {};
}

StoreResult<std::optional<User>> MemoryRepository::FindUserBySession(const std::string& id, std::int64_t now) {
  MINITWIT_REQUIRE_AVAILABLE(std::optional<User>);
  const auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.second <= now) return {};
  const auto user_id = it->second.first;
  if (user_id < 1 || user_id > static_cast<std::int64_t>(users_.size())) return {};
  return {StoreStatus::kOk, users_[static_cast<std::size_t>(user_id - 1)]};
}

StoreResult<Unit> MemoryRepository::DeleteSession(const std::string& id) {
  MINITWIT_REQUIRE_AVAILABLE(Unit);
  sessions_.erase(id);
  return {};
}

StoreResult<Unit> MemoryRepository::AddMessage(std::int64_t author_id, const std::string& text,
                                               std::int64_t pub_date) {
  MINITWIT_REQUIRE_AVAILABLE(Unit);
  messages_.push_back({author_id, text, pub_date});
  return {};
}

template <typename Keep>
std::vector<Message> MemoryRepository::Select(Keep keep, int limit) const {
  std::vector<Message> out;
  for (auto i = messages_.size(); i-- > 0 && static_cast<int>(out.size()) < limit;) {
    const auto& m = messages_[i];
    if (!keep(m.author_id)) continue;
    const auto& author = users_[static_cast<std::size_t>(m.author_id - 1)];
    out.push_back({static_cast<std::int64_t>(i) + 1, author.username, author.email, m.text, m.pub_date});
  }
  return out;
}

StoreResult<std::vector<Message>> MemoryRepository::PublicMessages(int limit) {
  MINITWIT_REQUIRE_AVAILABLE(std::vector<Message>);
  return {StoreStatus::kOk, Select([](std::int64_t) { return true; }, limit)};
}

StoreResult<std::vector<Message>> MemoryRepository::UserMessages(std::int64_t author_id, int limit) {
  MINITWIT_REQUIRE_AVAILABLE(std::vector<Message>);
  return {StoreStatus::kOk, Select([&](std::int64_t id) { return id == author_id; }, limit)};
}

StoreResult<std::vector<Message>> MemoryRepository::TimelineMessages(std::int64_t user_id, int limit) {
  MINITWIT_REQUIRE_AVAILABLE(std::vector<Message>);
  return {StoreStatus::kOk,
          Select([&](std::int64_t id) { return id == user_id || follows_.contains({user_id, id}); }, limit)};
}

StoreResult<Unit> MemoryRepository::Follow(std::int64_t who_id, std::int64_t whom_id) {
  MINITWIT_REQUIRE_AVAILABLE(Unit);
  follows_.insert({who_id, whom_id});
  return {};
}

StoreResult<Unit> MemoryRepository::Unfollow(std::int64_t who_id, std::int64_t whom_id) {
  MINITWIT_REQUIRE_AVAILABLE(Unit);
  follows_.erase({who_id, whom_id});
  return {};
}

StoreResult<bool> MemoryRepository::IsFollowing(std::int64_t who_id, std::int64_t whom_id) {
  MINITWIT_REQUIRE_AVAILABLE(bool);
  return {StoreStatus::kOk, follows_.contains({who_id, whom_id})};
}

StoreResult<std::vector<std::string>> MemoryRepository::Following(std::int64_t who_id, int limit) {
  MINITWIT_REQUIRE_AVAILABLE(std::vector<std::string>);
  std::vector<std::string> names;
  for (const auto& [who, whom] : follows_) {
    if (who == who_id && static_cast<int>(names.size()) < limit) {
      names.push_back(users_[static_cast<std::size_t>(whom - 1)].username);
    }
  }
  return {StoreStatus::kOk, names};
}

PoolStats MemoryRepository::Pool() const { return {0, 0, 0}; }

}  // namespace minitwit
