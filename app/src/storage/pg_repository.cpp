#include "storage/pg_repository.hpp"

#include <pqxx/pqxx>

namespace minitwit {
namespace {

constexpr const char* kMessageColumns =
    "SELECT m.message_id, u.username, u.email, m.text, m.pub_date FROM messages m "
    "JOIN users u ON u.user_id = m.author_id ";

void PrepareStatements(pqxx::connection& c) {
  // A stuck query must end as an error (503), not hold a request forever.
  pqxx::nontransaction(c).exec("SET statement_timeout = 5000");
  const std::string columns = kMessageColumns;
  c.prepare("get_latest", "SELECT value FROM latest WHERE id = 1");
  c.prepare("set_latest",
            "INSERT INTO latest (id, value) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value");
  c.prepare("user_by_name", "SELECT user_id, username, email, pw_hash FROM users WHERE username = $1");
  c.prepare("user_by_id", "SELECT user_id, username, email, pw_hash FROM users WHERE user_id = $1");
  c.prepare("create_user",
            "INSERT INTO users (username, email, pw_hash) VALUES ($1, $2, $3) "
            "ON CONFLICT (username) DO NOTHING RETURNING user_id");
  c.prepare("add_message", "INSERT INTO messages (author_id, text, pub_date, flagged) VALUES ($1, $2, $3, FALSE)");
  c.prepare("public_messages", columns + "WHERE NOT m.flagged ORDER BY m.message_id DESC LIMIT $1");
  c.prepare("user_messages",
            columns + "WHERE NOT m.flagged AND m.author_id = $1 ORDER BY m.message_id DESC LIMIT $2");
  // The newest `limit` of each author (own and followed) through messages_author_idx,
  // then merged: bounded by the follow count, where "scan all messages newest first and
  // filter" grows with the whole table (2.0 ms -> 0.8 ms on the course scenario's data).
  c.prepare("timeline_messages",
            "SELECT m.message_id, u.username, u.email, m.text, m.pub_date FROM "
            "(SELECT $1::bigint AS author_id UNION SELECT whom_id FROM followers WHERE who_id = $1) a "
            "CROSS JOIN LATERAL (SELECT message_id, author_id, text, pub_date FROM messages "
            "WHERE author_id = a.author_id AND NOT flagged ORDER BY message_id DESC LIMIT $2) m "
            "JOIN users u ON u.user_id = m.author_id ORDER BY m.message_id DESC LIMIT $2");
  // Expired sessions of the user go when they log in again: the table stays as small as
  // the live sessions, without a sweeper.
  c.prepare("create_session",
            "WITH expired AS (DELETE FROM sessions WHERE user_id = $2 AND expires_at <= $4) "
            "INSERT INTO sessions (session_id, user_id, expires_at) VALUES ($1, $2, $3)");
  c.prepare("user_by_session",
            "SELECT u.user_id, u.username, u.email, u.pw_hash FROM sessions s JOIN users u ON u.user_id = s.user_id "
            "WHERE s.session_id = $1 AND s.expires_at > $2");
  c.prepare("delete_session", "DELETE FROM sessions WHERE session_id = $1");
  c.prepare("follow", "INSERT INTO followers (who_id, whom_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
  c.prepare("unfollow", "DELETE FROM followers WHERE who_id = $1 AND whom_id = $2");
  c.prepare("is_following", "SELECT 1 FROM followers WHERE who_id = $1 AND whom_id = $2");
  c.prepare("following",
            "SELECT u.username FROM followers f JOIN users u ON u.user_id = f.whom_id WHERE f.who_id = $1 LIMIT $2");
}

std::optional<User> ToUser(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  const auto row = rows[0];
  return User{row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()};
}

std::vector<Message> ToMessages(const pqxx::result& rows) {
  std::vector<Message> messages;
  messages.reserve(rows.size());
  for (const auto& row : rows) {
    messages.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                        row[3].as<std::string>(), row[4].as<std::int64_t>()});
  }
  return messages;
}

}  // namespace

PgRepository::PgRepository(const std::string& conninfo, int pool_size)
    : pool_(conninfo, pool_size, PrepareStatements) {}

void PgRepository::StartPublicTimelineCache() {
  listener_ = std::make_unique<PublicTimelineListener>(pool_.conninfo(), public_timeline_);
}

// A failed call may mean that the database went away before the cache's listener
// noticed; the cached rows go too, so that reads fail with the database, as they
// would without a cache.
template <typename T>
StoreResult<T> PgRepository::Run(const std::function<T(pqxx::connection&)>& work, bool idempotent) {
  auto result = pool_.Run<T>(work, idempotent);
  if (!result.ok()) public_timeline_.Invalidate();
  return result;
}

StoreResult<Unit> PgRepository::Ping() {
  return Run<Unit>([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT 1");
    return Unit{};
  });
}

StoreResult<std::int64_t> PgRepository::GetLatest() {
  return Run<std::int64_t>([](pqxx::connection& c) -> std::int64_t {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_prepared("get_latest");
    return rows.empty() ? -1 : rows[0][0].as<std::int64_t>();
  });
}

StoreResult<Unit> PgRepository::SetLatest(std::int64_t value) {
  return Run<Unit>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("set_latest", value);
    return Unit{};
  });
}

StoreResult<std::optional<User>> PgRepository::FindUserByName(const std::string& username) {
  return Run<std::optional<User>>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return ToUser(tx.exec_prepared("user_by_name", username));
  });
}

StoreResult<std::optional<User>> PgRepository::FindUserById(std::int64_t id) {
  return Run<std::optional<User>>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return ToUser(tx.exec_prepared("user_by_id", id));
  });
}

StoreResult<std::optional<std::int64_t>> PgRepository::CreateUser(const std::string& username,
                                                                  const std::string& email,
                                                                  const std::string& pw_hash) {
  return Run<std::optional<std::int64_t>>([&](pqxx::connection& c) -> std::optional<std::int64_t> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_prepared("create_user", username, email, pw_hash);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::int64_t>();
  }, /*idempotent=*/false);
}

StoreResult<Unit> PgRepository::AddMessage(std::int64_t author_id, const std::string& text, std::int64_t pub_date) {
  auto result = Run<Unit>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("add_message", author_id, text, pub_date);
    return Unit{};
  }, /*idempotent=*/false);
  // The writer's next read shows the message without waiting for the notification.
  if (result.ok()) public_timeline_.Invalidate();
  return result;
}

StoreResult<std::vector<Message>> PgRepository::PublicMessages(int limit) {
  if (auto cached = public_timeline_.Get(limit)) {
    ++timeline_hits_;
    return {StoreStatus::kOk, std::move(*cached)};
  }
  ++timeline_misses_;
  if (limit > PublicTimelineCache::kRows) return QueryPublicMessages(limit);
  const auto ticket = public_timeline_.Ticket();
  if (ticket == 0) return QueryPublicMessages(limit);
  // All kRows, so that the reads that follow are hits whatever their limit.
  auto result = QueryPublicMessages(PublicTimelineCache::kRows);
  if (!result.ok()) return result;
  public_timeline_.Store(ticket, result.value);
  if (result.value.size() > static_cast<std::size_t>(limit)) result.value.resize(static_cast<std::size_t>(limit));
  return result;
}

StoreResult<std::vector<Message>> PgRepository::QueryPublicMessages(int limit) {
  return Run<std::vector<Message>>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return ToMessages(tx.exec_prepared("public_messages", limit));
  });
}

StoreResult<std::vector<Message>> PgRepository::UserMessages(std::int64_t author_id, int limit) {
  return Run<std::vector<Message>>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return ToMessages(tx.exec_prepared("user_messages", author_id, limit));
  });
}

StoreResult<std::vector<Message>> PgRepository::TimelineMessages(std::int64_t user_id, int limit) {
  return Run<std::vector<Message>>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return ToMessages(tx.exec_prepared("timeline_messages", user_id, limit));
  });
}

StoreResult<Unit> PgRepository::Follow(std::int64_t who_id, std::int64_t whom_id) {
  return Run<Unit>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("follow", who_id, whom_id);
    return Unit{};
  });
}

StoreResult<Unit> PgRepository::Unfollow(std::int64_t who_id, std::int64_t whom_id) {
  return Run<Unit>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("unfollow", who_id, whom_id);
    return Unit{};
  });
}

StoreResult<bool> PgRepository::IsFollowing(std::int64_t who_id, std::int64_t whom_id) {
  return Run<bool>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return !tx.exec_prepared("is_following", who_id, whom_id).empty();
  });
}

StoreResult<std::vector<std::string>> PgRepository::Following(std::int64_t who_id, int limit) {
  return Run<std::vector<std::string>>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    std::vector<std::string> names;
    for (const auto& row : tx.exec_prepared("following", who_id, limit)) names.push_back(row[0].as<std::string>());
    return names;
  });
}

StoreResult<Unit> PgRepository::CreateSession(const std::string& id, std::int64_t user_id, std::int64_t now,
                                          std::int64_t expires_at) {
  return Run<Unit>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("create_session", id, user_id, expires_at, now);
    return Unit{};
  });
}

StoreResult<std::optional<User>> PgRepository::FindUserBySession(const std::string& id, std::int64_t now) {
  return Run<std::optional<User>>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return ToUser(tx.exec_prepared("user_by_session", id, now));
  });
}

StoreResult<Unit> PgRepository::DeleteSession(const std::string& id) {
  return Run<Unit>([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("delete_session", id);
    return Unit{};
  });
}

PoolStats PgRepository::Pool() const { return pool_.Stats(); }

TimelineCacheStats PgRepository::TimelineCache() const {
  return {timeline_hits_.load(), timeline_misses_.load(), public_timeline_.Ticket() != 0};
}

}  // namespace minitwit
