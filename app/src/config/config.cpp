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
  }
  auto value = ParseInteger(number);
  if (!value || *value < 0) return std::nullopt;
  return std::chrono::milliseconds(*value * scale);
}

// Applies one setting by its environment-style name; returns an error message or "".
std::string Apply(Config& config, const std::string& key, const std::string& value) {
  auto bad = [&](const std::string& why) { return key + "=" + (key == "DATABASE_URL" || key == "SESSION_SECRET" ? std::string("<redacted>") : value) + ": " + why; };
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
  return "unknown setting " + key;
}

const std::array<std::string, 15> kKeys = {"DATABASE_URL",   "BIND_ADDRESS",     "PORT",           "LOG_LEVEL",
                                           "SESSION_SECRET", "DB_POOL_SIZE",     "HTTP_THREADS",   "HASH_CONCURRENCY",
                                           "HASH_QUEUE",     "READ_TIMEOUT",     "WRITE_TIMEOUT",  "MAX_BODY_BYTES",
                                           "SHUTDOWN_GRACE", "DRAIN_DELAY",    "CLOSE_LINGER"};

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
         "  MAX_BODY_BYTES  default 1048576\n"
         "  CLOSE_LINGER    wait for the client to close first after Connection: close (2s; 0: close at once)\n";
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

std::string RedactDatabaseUrl(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto authority_start = scheme_end + 3;
  const auto at = url.find('@', authority_start);
  const auto slash = url.find('/', authority_start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  const auto colon = url.find(':', authority_start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace minitwit
