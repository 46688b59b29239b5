#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace minitwit {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// app/sql/*.sql in order, compiled into the binary.
const std::vector<Migration>& EmbeddedMigrations();

// Applies the migrations not yet recorded in schema_migrations, each in its own
// transaction, while holding a Postgres advisory lock: replicas starting together on an
// empty database take turns, and the later ones find nothing to do. Returns "" on
// success, else the error.
std::string RunMigrations(const std::string& conninfo, const std::vector<Migration>& migrations);

}  // namespace minitwit
