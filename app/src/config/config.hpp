#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace minitwit {

// Every setting of the minitwit binary. Defaults, then the YAML file (--config or
// CONFIG_FILE), then the environment; validated before anything starts.
struct Config {
  std::string database_url = "postgresql://postgres@127.0.0.1:5432/minitwit";
  std::string bind_address = "0.0.0.0";
  unsigned short port = 5000;
  std::string log_level = "info";
  std::string session_secret;  // empty: a random per-process secret (single replica only)
  int db_pool_size = 10;
  // Request threads; each holds a pooled connection while it waits on Postgres (0: twice
  // the usable cores, at most db_pool_size, at least 2: on 2 cores 4 had the lowest p99,
  // 16 doubled it).
  int http_threads = 0;
  // argon2id runs at most this many at once (0: half the cores, at least 1) with at most
  // hash_queue requests waiting; more are answered 503 (see HashLimits).
  int hash_concurrency = 0;
  int hash_queue = 4;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  // After a Connection: close response, wait this long for the client to close first, so
  // TIME_WAIT stays with the client (0: the server half-closes at once).
  std::chrono::milliseconds close_linger{2000};
  // Enough for any form or JSON body of the app (a tweet is at most max_message_bytes);
  // a body is held in memory whole, so this times max_connections bounds that memory.
  std::uint64_t max_body_bytes = 64 * 1024;
  // Handlers (database calls, argon2) run on http_threads request threads; the sockets
  // on io_threads that never block, so /healthz and accepting stay quick under any load.
  int io_threads = 1;
  // Connections beyond this are closed at once (a flood holds no more memory or fds).
  int max_connections = 1024;
  // A tweet longer than this (bytes of UTF-8) is refused with 413; the course's longest is 150.
  std::size_t max_message_bytes = 1024;
  // The most rows one ?no= list returns (bounds a response's size).
  int max_rows = 1000;
  // The simulator's Authorization header value (a secret: never logged).
  std::string sim_authorization = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh";
  // How long a login lasts; and whether its cookie is Secure (users reach the app over TLS).
  std::chrono::seconds session_ttl{7 * 24 * 3600};
  bool cookie_secure = false;
  // The database connection: libpq sslmode and CA file (both left to the URI when empty),
  // and how long an unanswered connection may stay silent before it counts as lost
  // (TCP keepalives and tcp_user_timeout), so a vanished database costs seconds, not minutes.
  std::string database_sslmode;
  std::string database_sslrootcert;
  std::chrono::milliseconds database_tcp_timeout{5000};
  std::chrono::milliseconds shutdown_grace{20000};
  // After SIGTERM, keep serving (with /readyz at 503) this long before closing the
  // listener, so load balancers stop routing here first.
  std::chrono::milliseconds drain_delay{0};
};

struct ConfigResult {
  std::optional<Config> config;
  std::string error;  // set when config is empty
  bool show_help = false;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// args excludes argv[0]. Reads the file named by --config/CONFIG_FILE, if any.
ConfigResult LoadConfig(const std::vector<std::string>& args, const EnvLookup& env);

// The request thread count that http_threads stands for with `cores` usable cores.
int EffectiveHttpThreads(const Config& config, unsigned cores);

// The cores a cgroup CPU limit allows, from "QUOTA PERIOD" in microseconds (cgroup v2's
// cpu.max, or v1's cfs_quota_us and cfs_period_us joined by a space), rounded up: "150000
// 100000" is 2. nullopt without a limit ("max" on v2, "-1" on v1) or for text it cannot read.
std::optional<unsigned> CoresFromCpuMax(std::string_view cpu_max);

// The process environment; the only place that reads it.
EnvLookup ProcessEnvironment();

std::string ConfigUsage();

// DATABASE_URL with its settings for sslmode, sslrootcert, connect_timeout (2 s) and the
// TCP timeouts added, unless the URL sets them itself: what the app connects with.
std::string DatabaseConninfo(const Config& config);

// DATABASE_URL with any password (user:password@ or ?password=) replaced by "***", safe to log.
std::string RedactDatabaseUrl(const std::string& url);

}  // namespace minitwit
