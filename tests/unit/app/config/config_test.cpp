#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace minitwit {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, DefaultsWithoutFileOrEnvironment) {
  const auto result = LoadConfig({}, Env({}));
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->port, 5000);
  EXPECT_EQ(result.config->bind_address, "0.0.0.0");
  EXPECT_EQ(result.config->log_level, "info");
  EXPECT_EQ(result.config->db_pool_size, 10);
  EXPECT_EQ(result.config->max_body_bytes, 64u * 1024u);
  EXPECT_EQ(result.config->max_message_bytes, 1024u);
  EXPECT_EQ(result.config->max_rows, 1000);
  EXPECT_EQ(result.config->sim_authorization, "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh");
  EXPECT_EQ(result.config->session_ttl, std::chrono::hours(24 * 7));
  EXPECT_FALSE(result.config->cookie_secure);
}

TEST(ConfigTest, SecuritySettingsFromTheEnvironment) {
  const auto result = LoadConfig({}, Env({{"SIM_AUTHORIZATION", "Basic b3RoZXI6c2VjcmV0"},
                                          {"MAX_MESSAGE_BYTES", "280"},
                                          {"MAX_ROWS", "500"},
                                          {"MAX_CONNECTIONS", "64"},
                                          {"IO_THREADS", "2"},
                                          {"SESSION_TTL", "12h"},
                                          {"COOKIE_SECURE", "true"},
                                          {"DATABASE_SSLMODE", "verify-full"},
                                          {"DATABASE_SSLROOTCERT", "/etc/minitwit/db-ca.crt"},
                                          {"DATABASE_TCP_TIMEOUT", "8s"}}));
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->sim_authorization, "Basic b3RoZXI6c2VjcmV0");
  EXPECT_EQ(result.config->max_message_bytes, 280u);
  EXPECT_EQ(result.config->max_rows, 500);
  EXPECT_EQ(result.config->max_connections, 64);
  EXPECT_EQ(result.config->io_threads, 2);
  EXPECT_EQ(result.config->session_ttl, std::chrono::hours(12));
  EXPECT_TRUE(result.config->cookie_secure);
  EXPECT_EQ(DatabaseConninfo(*result.config).find("postgresql://postgres@127.0.0.1:5432/minitwit?sslmode=verify-full&"
                                                  "sslrootcert=/etc/minitwit/db-ca.crt&"),
            0u)
      << DatabaseConninfo(*result.config);
  const auto rejected = LoadConfig({}, Env({{"SIM_AUTHORIZATION", ""}, {"LOG_LEVEL", "debug"}}));
  EXPECT_FALSE(rejected.config);
  for (const auto& [key, value] : std::map<std::string, std::string>{
           {"DATABASE_SSLMODE", "maybe"}, {"COOKIE_SECURE", "yes"}, {"MAX_MESSAGE_BYTES", "0"}, {"MAX_ROWS", "0"}}) {
    EXPECT_FALSE(LoadConfig({}, Env({{key, value}})).config) << key;
  }
}

// Without keepalives or a user timeout, a database that vanishes without a reset (a
// dropped route, a dead node) held requests for the kernel's retransmission time.
TEST(ConfigTest, DatabaseConninfoBoundsASilentNetwork) {
  Config config;
  config.database_url = "postgresql://u@db/minitwit";
  EXPECT_EQ(DatabaseConninfo(config),
            "postgresql://u@db/minitwit?connect_timeout=2&keepalives=1&keepalives_idle=2&keepalives_interval=1&"
            "keepalives_count=3&tcp_user_timeout=5000");
  config.database_url = "postgresql://u@db/minitwit?sslmode=require&keepalives_idle=30";
  config.database_sslmode = "disable";
  const auto kept = DatabaseConninfo(config);
  EXPECT_NE(kept.find("sslmode=require"), std::string::npos) << "the URL's own choice wins";
  EXPECT_EQ(kept.find("sslmode=disable"), std::string::npos);
  EXPECT_EQ(kept.find("keepalives_idle=2"), std::string::npos);
  EXPECT_NE(kept.find("tcp_user_timeout=5000"), std::string::npos);
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  const std::string path = ::testing::TempDir() + "/minitwit_config_test.yaml";
  {
    std::ofstream file(path);
    file << "port: 6000\nlog_level: debug\ndb_pool_size: 3\nshutdown_grace: 5s\n";
  }
  const auto result =
      LoadConfig({"--config", path}, Env({{"PORT", "7000"}, {"READ_TIMEOUT", "250ms"}, {"DRAIN_DELAY", "5s"}}));
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->port, 7000);
  EXPECT_EQ(result.config->log_level, "debug");
  EXPECT_EQ(result.config->db_pool_size, 3);
  EXPECT_EQ(result.config->shutdown_grace, std::chrono::seconds(5));
  EXPECT_EQ(result.config->read_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(result.config->drain_delay, std::chrono::seconds(5));
  std::remove(path.c_str());
}

TEST(ConfigTest, ConfigFileFromEnvironment) {
  const std::string path = ::testing::TempDir() + "/minitwit_config_env.yaml";
  {
    std::ofstream file(path);
    file << "database_url: postgresql://u:secret@db:5432/minitwit\n";
  }
  const auto result = LoadConfig({}, Env({{"CONFIG_FILE", path}}));
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->database_url, "postgresql://u:secret@db:5432/minitwit");
  std::remove(path.c_str());
}

TEST(ConfigTest, HttpThreadsDefaultToTwiceTheCoresUpToThePool) {
  const auto defaults = LoadConfig({}, Env({}));
  ASSERT_TRUE(defaults.config) << defaults.error;
  EXPECT_EQ(EffectiveHttpThreads(*defaults.config, 2), 4);
  EXPECT_EQ(EffectiveHttpThreads(*defaults.config, 32), 10) << "no more threads than pooled connections";
  EXPECT_EQ(EffectiveHttpThreads(*defaults.config, 0), 2) << "an unknown core count still serves concurrently";
  const auto big_pool = LoadConfig({}, Env({{"DB_POOL_SIZE", "40"}}));
  ASSERT_TRUE(big_pool.config) << big_pool.error;
  EXPECT_EQ(EffectiveHttpThreads(*big_pool.config, 8), 16);
  const auto set = LoadConfig({}, Env({{"HTTP_THREADS", "3"}}));
  ASSERT_TRUE(set.config) << set.error;
  EXPECT_EQ(EffectiveHttpThreads(*set.config, 2), 3);
}

TEST(ConfigTest, CoresFromACgroupCpuLimit) {
  EXPECT_EQ(CoresFromCpuMax("200000 100000\n"), 2u);
  EXPECT_EQ(CoresFromCpuMax("150000 100000"), 2u) << "a part of a core counts as one";
  EXPECT_EQ(CoresFromCpuMax("50000 100000"), 1u);
  EXPECT_EQ(CoresFromCpuMax("max 100000\n"), std::nullopt) << "no limit";
  EXPECT_EQ(CoresFromCpuMax(""), std::nullopt);
  EXPECT_EQ(CoresFromCpuMax("100000"), std::nullopt);
  EXPECT_EQ(CoresFromCpuMax("-1 100000"), std::nullopt) << "cgroup v1's no limit";
}

TEST(ConfigTest, BadValuesAreRejectedWithTheirName) {
  for (const auto& [key, value] : std::map<std::string, std::string>{{"PORT", "70000"},
                                                                     {"PORT", "abc"},
                                                                     {"LOG_LEVEL", "loud"},
                                                                     {"DB_POOL_SIZE", "0"},
                                                                     {"HTTP_THREADS", "-1"},
                                                                     {"READ_TIMEOUT", "soon"},
                                                                     {"MAX_BODY_BYTES", "1e9"},
                                                                     {"SESSION_SECRET", "short"},
                                                                     {"DATABASE_URL", "mysql://x"}}) {
    const auto result = LoadConfig({}, Env({{key, value}}));
    EXPECT_FALSE(result.config) << key << "=" << value;
    EXPECT_NE(result.error.find(key), std::string::npos) << result.error;
  }
}

TEST(ConfigTest, SecretsAreNotEchoedInErrors) {
  const auto result = LoadConfig({}, Env({{"DATABASE_URL", "mysql://u:hunter2@x/db"}}));
  ASSERT_FALSE(result.config);
  EXPECT_EQ(result.error.find("hunter2"), std::string::npos);
  const auto auth = LoadConfig({}, Env({{"SIM_AUTHORIZATION", ""}}));
  ASSERT_FALSE(auth.config);
  EXPECT_NE(auth.error.find("<redacted>"), std::string::npos) << auth.error;
}

TEST(ConfigTest, MissingOrBrokenFileIsAnError) {
  EXPECT_FALSE(LoadConfig({"--config", "/nonexistent/minitwit.yaml"}, Env({})).config);
  const std::string path = ::testing::TempDir() + "/minitwit_config_bad.yaml";
  {
    std::ofstream file(path);
    file << "port: [1, 2\n";
  }
  EXPECT_FALSE(LoadConfig({"--config=" + path}, Env({})).config);
  std::remove(path.c_str());
}

TEST(ConfigTest, UnknownArgumentIsAnError) {
  EXPECT_FALSE(LoadConfig({"--frobnicate"}, Env({})).config);
  EXPECT_TRUE(LoadConfig({"--help"}, Env({})).show_help);
}

TEST(ConfigTest, RedactsPasswordInDatabaseUrl) {
  EXPECT_EQ(RedactDatabaseUrl("postgresql://user:pw@host:5432/db"), "postgresql://user:***@host:5432/db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://user@host/db"), "postgresql://user@host/db");
  // libpq also takes the password as a query parameter; it was logged as it stood.
  EXPECT_EQ(RedactDatabaseUrl("postgresql://user@host/db?password=pw&sslmode=require"),
            "postgresql://user@host/db?password=***&sslmode=require");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://host/db?sslmode=require&password=p%40w"),
            "postgresql://host/db?sslmode=require&password=***");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://u:pw@host/db?password=pw"), "postgresql://u:***@host/db?password=***");
}

}  // namespace
}  // namespace minitwit
