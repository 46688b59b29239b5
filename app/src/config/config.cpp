#include "config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace minitwit {
namespace {

const std::array<std::string, 6> kLogLevels = {"trace", "debug", "info", "warn", "error", "off"};

std::optional<long long> ParseInteger(const std::string& text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// "10" (seconds), "10s", "500ms", "2m".
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  std::string number = text;
  long long scale = 1000;
  if (text.size() > 2 && text.ends_with("ms")) {
    number = text.substr(0, text.size() - 2);
    scale = 1;
  } else if (text.size() > 1 && text.ends_with("s")) {
    number = text.substr(0, text.size() - 1);
  } else if (text.size() > 1 && text.ends_with("m")) {
    number = text.substr(0, text.size() - 1);
    scale = 60000;
  } else if (text.size() > 1 && text.ends_with("h")) {
    number = text.substr(0, text.size() - 1);
    scale = 3600000;
  }
  auto value = ParseInteger(number);
  if (!value || *value < 0) return std::nullopt;
  return std::chrono::milliseconds(*value * scale);
}

// Applies one setting by its environment-style name; returns an error message or "".
std::string Apply(Config& config, const std::string& key, const std::string& value) {
  const bool secret = key == "DATABASE_URL" || key == "SESSION_SECRET" || key == "SIM_AUTHORIZATION";
  auto bad = [&](const std::string& why) { return key + "=" + (secret ? std::string("<redacted>") : value) + ": " + why; };
  auto integer_in = [&](long long low, long long high, auto& target) -> std::string {
    auto parsed = ParseInteger(value);
    if (!parsed || *parsed < low || *parsed > high) {
      return bad("expected an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
    }
    target = static_cast<std::remove_reference_t<decltype(target)>>(*parsed);
    return "";
  };
  auto duration = [&](std::chrono::milliseconds& target) -> std::string {
    auto parsed = ParseDuration(value);
    if (!parsed || parsed->count() == 0) return bad("expected a positive duration like 10, 10s or 500ms");
    target = *parsed;
    return "";
  };
  auto duration_or_zero = [&](std::chrono::milliseconds& target) -> std::string {
    auto parsed = ParseDuration(value);
    if (!parsed) return bad("expected a duration like 0, 5s or 500ms");
    target = *parsed;
    return "";
  };
  if (key == "DATABASE_URL") {
    if (!value.starts_with("postgresql://") && !value.starts_with("postgres://")) {
      return bad("expected a libpq URI (postgresql://user:password@host:port/db)");
    }
    config.database_url = value;
    return "";
  }
  if (key == "BIND_ADDRESS") {
    if (value.empty()) return bad("must not be empty");
    config.bind_address = value;
    return "";
  }
  if (key == "PORT") return integer_in(0, 65535, config.port);
  if (key == "LOG_LEVEL") {
    for (const auto& level : kLogLevels) {
      if (level == value) {
        config.log_level = value;
        return "";
      }
    }
    return bad("expected one of trace, debug, info, warn, error, off");
  }
  if (key == "SESSION_SECRET") {
    if (value.size() < 16) return bad("must be at least 16 characters");
    config.session_secret = value;
    return "";
  }
  if (key == "DB_POOL_SIZE") return integer_in(1, 1000, config.db_pool_size);
  if (key == "HTTP_THREADS") return integer_in(0, 1024, config.http_threads);
  if (key == "HASH_CONCURRENCY") return integer_in(0, 1024, config.hash_concurrency);
  if (key == "HASH_QUEUE") return integer_in(0, 1024, config.hash_queue);
  if (key == "READ_TIMEOUT") return duration(config.read_timeout);
  if (key == "WRITE_TIMEOUT") return duration(config.write_timeout);
  if (key == "SHUTDOWN_GRACE") return duration(config.shutdown_grace);
  if (key == "DRAIN_DELAY") return duration_or_zero(config.drain_delay);
  if (key == "CLOSE_LINGER") return duration_or_zero(config.close_linger);
  if (key == "MAX_BODY_BYTES") return integer_in(1, 1LL << 32, config.max_body_bytes);
  if (key == "IO_THREADS") return integer_in(1, 64, config.io_threads);
  if (key == "MAX_CONNECTIONS") return integer_in(1, 1000000, config.max_connections);
  if (key == "MAX_MESSAGE_BYTES") return integer_in(1, 1 << 20, config.max_message_bytes);
  if (key == "MAX_ROWS") return integer_in(1, 100000, config.max_rows);
  if (key == "SIM_AUTHORIZATION") {
    if (value.empty()) return bad("must not be empty");
    config.sim_authorization = value;
    return "";
  }
  if (key == "SESSION_TTL") {
    std::chrono::milliseconds ttl{};
    if (auto error = duration(ttl); !error.empty()) return error;
    if (ttl < std::chrono::seconds(1)) return bad("must be at least 1s");
    config.session_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
    return "";
  }
  if (key == "COOKIE_SECURE") {
    if (value != "true" && value != "false") return bad("expected true or false");
    config.cookie_secure = value == "true";
    return "";
  }
  if (key == "DATABASE_SSLMODE") {
    for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}) {
      if (value == mode) {
        config.database_sslmode = value;
        return "";
      }
    }
    return bad("expected disable, allow, prefer, require, verify-ca or verify-full");
  }
  if (key == "DATABASE_SSLROOTCERT") {
    if (value.empty() || value.find_first_of("&? ") != std::string::npos) return bad("expected a file path");
    config.database_sslrootcert = value;
    return "";
  }
  if (key == "DATABASE_TCP_TIMEOUT") {
    if (auto error = duration(config.database_tcp_timeout); !error.empty()) return error;
    if (config.database_tcp_timeout < std::chrono::seconds(2)) return bad("must be at least 2s");
    return "";
  }
  return "unknown setting " + key;
}

const std::array<std::string, 27> kKeys = {
    "DATABASE_URL",      "BIND_ADDRESS",         "PORT",              "LOG_LEVEL",        "SESSION_SECRET",
    "DB_POOL_SIZE",      "HTTP_THREADS",         "HASH_CONCURRENCY",  "HASH_QUEUE",       "READ_TIMEOUT",
    "WRITE_TIMEOUT",     "MAX_BODY_BYTES",       "SHUTDOWN_GRACE",    "DRAIN_DELAY",      "CLOSE_LINGER",
    "IO_THREADS",        "MAX_CONNECTIONS",      "MAX_MESSAGE_BYTES", "MAX_ROWS",         "SIM_AUTHORIZATION",
    "SESSION_TTL",       "COOKIE_SECURE",        "DATABASE_SSLMODE",  "DATABASE_SSLROOTCERT", "DATABASE_TCP_TIMEOUT"};

std::string ToEnvName(std::string key) {
  for (auto& c : key) c = static_cast<char>(c == '-' ? '_' : std::toupper(static_cast<unsigned char>(c)));
  return key;
}

std::string ApplyFile(Config& config, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const std::exception& e) {
    return "config file " + path + ": " + e.what();
  }
  if (root.IsNull()) return "";
  if (!root.IsMap()) return "config file " + path + ": expected a mapping of settings";
  for (const auto& entry : root) {
    const auto key = ToEnvName(entry.first.as<std::string>());
    if (!entry.second.IsScalar()) return "config file " + path + ": " + key + " must be a scalar";
    if (auto error = Apply(config, key, entry.second.as<std::string>()); !error.empty()) {
      return "config file " + path + ": " + error;
    }
  }
  return "";
}

}  // namespace

ConfigResult LoadConfig(const std::vector<std::string>& args, const EnvLookup& env) {
  ConfigResult result;
  std::optional<std::string> file = env("CONFIG_FILE");
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      result.show_help = true;
      result.error = "help requested";
      return result;
    }
    if (arg == "--config" && i + 1 < args.size()) {
      file = args[++i];
    } else if (arg.starts_with("--config=")) {
      file = arg.substr(9);
    } else {
      result.error = "unknown argument " + arg;
      return result;
    }
  }
  Config config;
  if (file && !file->empty()) {
    if (auto error = ApplyFile(config, *file); !error.empty()) {
      result.error = error;
      return result;
    }
  }
  for (const auto& key : kKeys) {
    if (auto value = env(key)) {
      if (auto error = Apply(config, key, *value); !error.empty()) {
        result.error = error;
        return result;
      }
    }
  }
  result.config = config;
  return result;
}

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string ConfigUsage() {
  return "usage: minitwit [--config FILE]\n"
         "Settings (YAML file keys in lower case, environment wins):\n"
         "  DATABASE_URL    libpq URI, e.g. postgresql://user:pw@host:5432/minitwit\n"
         "  BIND_ADDRESS    default 0.0.0.0        PORT            default 5000\n"
         "  LOG_LEVEL       trace|debug|info|warn|error|off (info)\n"
         "  SESSION_SECRET  >= 16 chars; share it between replicas\n"
         "  DB_POOL_SIZE    default 10             HTTP_THREADS    default 0 (2 x cores, <= pool)\n"
         "  HASH_CONCURRENCY argon2 hashes at once (0: half the cores)   HASH_QUEUE  waiting for one (4)\n"
         "  READ_TIMEOUT, WRITE_TIMEOUT (10s), SHUTDOWN_GRACE (20s), DRAIN_DELAY (0s): 10, 10s, 500ms, 1m\n"
         "  MAX_BODY_BYTES  default 65536          MAX_MESSAGE_BYTES (1024)   MAX_ROWS (1000)\n"
         "  CLOSE_LINGER    wait for the client to close first after Connection: close (2s; 0: close at once)\n"
         "  IO_THREADS (1)  MAX_CONNECTIONS (1024) SIM_AUTHORIZATION (the course's)\n"
         "  SESSION_TTL (168h)   COOKIE_SECURE true|false (false)\n"
         "  DATABASE_SSLMODE, DATABASE_SSLROOTCERT (libpq's)   DATABASE_TCP_TIMEOUT (5s)\n";
}

int EffectiveHttpThreads(const Config& config, unsigned cores) {
  if (config.http_threads > 0) return config.http_threads;
  // More threads than pooled connections would only queue for a connection.
  return std::max(2, std::min(2 * static_cast<int>(cores), config.db_pool_size));
}

std::optional<unsigned> CoresFromCpuMax(std::string_view cpu_max) {
  const auto space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota_text = cpu_max.substr(0, space);
  auto period_text = cpu_max.substr(space + 1);
  while (!period_text.empty() && std::isspace(static_cast<unsigned char>(period_text.back()))) {
    period_text.remove_suffix(1);
  }
  long long quota = 0, period = 0;
  const auto parse = [](std::string_view text, long long& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && value > 0;
  };
  if (!parse(quota_text, quota) || !parse(period_text, period)) return std::nullopt;  // "max" too
  return static_cast<unsigned>((quota + period - 1) / period);
}

namespace {

// The URL's userinfo password ("user:password@host") as "***".
std::string RedactUserinfo(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto authority_start = scheme_end + 3;
  const auto authority_end = url.find_first_of("/?", authority_start);
  const auto at = url.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
  if (at == std::string::npos || at < authority_start) return url;
  const auto colon = url.find(':', authority_start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// Every "password=" parameter of the query as "password=***".
std::string RedactQueryPassword(std::string url) {
  const auto query = url.find('?');
  if (query == std::string::npos) return url;
  for (auto at = url.find("password=", query); at != std::string::npos; at = url.find("password=", at + 1)) {
    const char before = url[at - 1];
    if (before != '?' && before != '&') continue;
    const auto value = at + 9;
    const auto end = url.find('&', value);
    url.replace(value, (end == std::string::npos ? url.size() : end) - value, "***");
  }
  return url;
}

// Adds key=value to a libpq URI or key=value conninfo unless it already names key.
std::string WithParameter(const std::string& conninfo, const std::string& key, const std::string& value) {
  const bool uri = conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
  if (uri) {
    const auto query = conninfo.find('?');
    if (query != std::string::npos) {
      for (auto at = conninfo.find(key + "=", query); at != std::string::npos; at = conninfo.find(key + "=", at + 1)) {
        if (conninfo[at - 1] == '?' || conninfo[at - 1] == '&') return conninfo;
      }
    }
    return conninfo + (query == std::string::npos ? "?" : "&") + key + "=" + value;
  }
  if (conninfo.find(key + "=") != std::string::npos) return conninfo;
  return conninfo + (conninfo.empty() ? "" : " ") + key + "=" + value;
}

}  // namespace

std::string RedactDatabaseUrl(const std::string& url) { return RedactQueryPassword(RedactUserinfo(url)); }

std::string DatabaseConninfo(const Config& config) {
  std::string conninfo = config.database_url;
  if (!config.database_sslmode.empty()) conninfo = WithParameter(conninfo, "sslmode", config.database_sslmode);
  if (!config.database_sslrootcert.empty()) {
    conninfo = WithParameter(conninfo, "sslrootcert", config.database_sslrootcert);
  }
  conninfo = WithParameter(conninfo, "connect_timeout", "2");
  // Silence on an idle connection is probed after half the timeout, once a second; data
  // left unacknowledged that long fails the connection (Linux TCP_USER_TIMEOUT).
  const auto seconds = std::max<long long>(2, config.database_tcp_timeout.count() / 1000);
  const auto idle = seconds / 2;
  conninfo = WithParameter(conninfo, "keepalives", "1");
  conninfo = WithParameter(conninfo, "keepalives_idle", std::to_string(idle));
  conninfo = WithParameter(conninfo, "keepalives_interval", "1");
  conninfo = WithParameter(conninfo, "keepalives_count", std::to_string(seconds - idle));
  conninfo = WithParameter(conninfo, "tcp_user_timeout", std::to_string(config.database_tcp_timeout.count()));
  return conninfo;
}

}  // namespace minitwit
