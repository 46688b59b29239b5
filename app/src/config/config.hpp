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
  std::uint64_t max_body_bytes = 1024 * 1024;
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

// DATABASE_URL with any password replaced by "***", safe to log.
std::string RedactDatabaseUrl(const std::string& url);

}  // namespace minitwit
