#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/repository.hpp"

#include <pqxx/connection>

namespace minitwit {

// A bounded pool of libpqxx connections, opened lazily. A connection that breaks is
// dropped and a fresh one is opened by the next caller, so the pool heals by itself
// when the database comes back.
class ConnectionPool {
 public:
  using Prepare = std::function<void(pqxx::connection&)>;

  // conninfo gets connect_timeout added when it has none, so a dead host cannot hang us.
  ConnectionPool(std::string conninfo, int size, Prepare prepare,
                 std::chrono::milliseconds acquire_timeout = std::chrono::milliseconds(3000));
  ~ConnectionPool();

  // Runs work with a connection; any exception becomes kUnavailable (and a broken
  // connection is discarded, with every idle one: after a database restart they are all
  // stale). Idempotent work is retried once on a fresh connection when the first one
  // turns out broken, so a database restart costs no failed reads.
  template <typename T>
  StoreResult<T> Run(const std::function<T(pqxx::connection&)>& work, bool idempotent = true);

  PoolStats Stats() const;
  const std::string& conninfo() const { return conninfo_; }

 private:
  class Lease;
  std::unique_ptr<pqxx::connection> Acquire();
  void Release(std::unique_ptr<pqxx::connection> connection);
  enum class Outcome { kOk, kBroken, kFailed };
  Outcome RunOnce(const std::function<void(pqxx::connection&)>& work);

  std::string conninfo_;
  int size_;
  Prepare prepare_;
  std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int in_use_ = 0;  // leased out, or being opened
};

template <typename T>
StoreResult<T> ConnectionPool::Run(const std::function<T(pqxx::connection&)>& work, bool idempotent) {
  StoreResult<T> result;
  const auto body = [&](pqxx::connection& connection) { result.value = work(connection); };
  auto outcome = RunOnce(body);
  if (outcome == Outcome::kBroken && idempotent) outcome = RunOnce(body);
  if (outcome != Outcome::kOk) return StoreResult<T>::Unavailable();
  return result;
}

// Adds connect_timeout (seconds) to a libpq URI or key=value string unless present.
std::string WithConnectTimeout(const std::string& conninfo, int seconds);

}  // namespace minitwit
