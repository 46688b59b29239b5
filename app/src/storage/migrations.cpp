#include "storage/migrations.hpp"

#include <pqxx/pqxx>

#include "observability/logging.hpp"
#include "storage/connection_pool.hpp"

namespace minitwit {
namespace {
// Arbitrary, fixed: "mtwt" in ASCII.
constexpr long long kMigrationLockKey = 0x6d747774;
}  // namespace

std::string RunMigrations(const std::string& conninfo, const std::vector<Migration>& migrations) {
  try {
    pqxx::connection connection(WithConnectTimeout(conninfo, 2));
    {
      pqxx::nontransaction tx(connection);
      tx.exec("SET client_min_messages TO warning");
      tx.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
      tx.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
          "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    }
    for (const auto& migration : migrations) {
      pqxx::work tx(connection);
      const auto done = tx.exec("SELECT 1 FROM schema_migrations WHERE version = " + std::to_string(migration.version));
      if (!done.empty()) continue;
      tx.exec(migration.sql);
      tx.exec("INSERT INTO schema_migrations (version, name) VALUES (" + std::to_string(migration.version) + ", " +
              tx.quote(migration.name) + ")");
      tx.commit();
      Log(spdlog::level::info, "migration applied", {{"version", migration.version}, {"name", migration.name}});
    }
    pqxx::nontransaction tx(connection);
    tx.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace minitwit
