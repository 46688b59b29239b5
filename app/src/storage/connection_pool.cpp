#include "storage/connection_pool.hpp"

#include "observability/logging.hpp"

#include <pqxx/pqxx>

namespace minitwit {

std::string WithConnectTimeout(const std::string& conninfo, int seconds) {
  if (conninfo.find("connect_timeout") != std::string::npos) return conninfo;
  const auto option = "connect_timeout=" + std::to_string(seconds);
  if (conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://")) {
    return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + option;
  }
  return conninfo + (conninfo.empty() ? "" : " ") + option;
}

ConnectionPool::ConnectionPool(std::string conninfo, int size, Prepare prepare,
                               std::chrono::milliseconds acquire_timeout)
    : conninfo_(WithConnectTimeout(conninfo, 2)),
      size_(size),
      prepare_(std::move(prepare)),
      acquire_timeout_(acquire_timeout) {}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<pqxx::connection> ConnectionPool::Acquire() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, acquire_timeout_,
                           [&] { return !idle_.empty() || in_use_ < size_; })) {
    return nullptr;
  }
  ++in_use_;
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  lock.unlock();
  try {
    auto connection = std::make_unique<pqxx::connection>(conninfo_);
    if (prepare_) prepare_(*connection);
    return connection;
  } catch (const std::exception& e) {
    Log(spdlog::level::warn, "database connect failed", {{"error", e.what()}});
  }
  Release(nullptr);
  return nullptr;
}

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> connection) {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (connection && connection->is_open()) idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

ConnectionPool::Outcome ConnectionPool::RunOnce(const std::function<void(pqxx::connection&)>& work) {
  auto connection = Acquire();
  if (!connection) return Outcome::kFailed;
  try {
    work(*connection);
    Release(std::move(connection));
    return Outcome::kOk;
  } catch (const pqxx::broken_connection& e) {
    Log(spdlog::level::warn, "database connection lost", {{"error", e.what()}});
    {
      std::lock_guard lock(mutex_);
      idle_.clear();
    }
    Release(nullptr);
    return Outcome::kBroken;
  } catch (const std::exception& e) {
    Log(spdlog::level::warn, "database error", {{"error", e.what()}});
    // After a failed statement the connection may still be fine; keep it if it is open.
    Release(std::move(connection));
  }
  return Outcome::kFailed;
}

PoolStats ConnectionPool::Stats() const {
  std::lock_guard lock(mutex_);
  return {in_use_, static_cast<int>(idle_.size()), size_};
}

}  // namespace minitwit
