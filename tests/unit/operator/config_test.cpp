#include "config/config.hpp"

#include <map>

#include <gtest/gtest.h>

namespace minitwit::config {
namespace {

using namespace std::chrono_literals;

class ConfigTest : public ::testing::Test {
 protected:
  ConfigOrError Parse(std::vector<std::string> args) {
    return ParseConfig(args, [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    }, "host-1", 42);
  }
  std::map<std::string, std::string> env_;
};

TEST_F(ConfigTest, DefaultsOutsideACluster) {
  auto result = Parse({"--kubeconfig=/tmp/kc"});
  ASSERT_TRUE(result.config) << result.error;
  const Config& c = *result.config;
  EXPECT_EQ(c.kubeconfig, "/tmp/kc");
  EXPECT_FALSE(c.InCluster());
  EXPECT_TRUE(c.namespaces.empty());
  EXPECT_EQ(c.workers, 8);
  EXPECT_FALSE(c.leader_elect);
  EXPECT_EQ(c.metrics_bind_address, ":8080");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.lease_duration, 15s);
  EXPECT_EQ(c.renew_deadline, 10s);
  EXPECT_EQ(c.retry_period, 2s);
  EXPECT_EQ(c.identity, "host-1_42");
  EXPECT_EQ(c.leader_election_namespace, "default");
}

TEST_F(ConfigTest, InClusterElectsALeaderByDefault) {
  env_ = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"},
          {"POD_NAME", "operator-abc"}, {"POD_NAMESPACE", "minitwit-system"}};
  auto result = Parse({});
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_TRUE(result.config->InCluster());
  EXPECT_TRUE(result.config->leader_elect);
  EXPECT_EQ(result.config->identity, "operator-abc_42");
  EXPECT_EQ(result.config->leader_election_namespace, "minitwit-system");
}

TEST_F(ConfigTest, EnvironmentIsReadAndFlagsWin) {
  env_ = {{"KUBECONFIG", "/env/kc:/second"}, {"WATCH_NAMESPACES", "a, b,,c"}, {"WORKERS", "4"},
          {"LOG_LEVEL", "debug"}, {"RESYNC_PERIOD", "1m30s"}};
  auto result = Parse({"--workers", "8", "--namespaces=x"});
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_EQ(result.config->kubeconfig, "/env/kc");
  EXPECT_EQ(result.config->namespaces, std::vector<std::string>{"x"});
  EXPECT_EQ(result.config->workers, 8);
  EXPECT_EQ(result.config->log_level, "debug");
  EXPECT_EQ(result.config->resync_period, 90s);

  auto from_env = Parse({});
  ASSERT_TRUE(from_env.config) << from_env.error;
  EXPECT_EQ(from_env.config->namespaces, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(ConfigTest, LeaderElectionFlags) {
  auto result = Parse({"--kubeconfig=k", "--leader-elect", "--leader-election-namespace=ops", "--lease-duration=30s",
                       "--renew-deadline=20s", "--retry-period=500ms", "--metrics-bind-address=127.0.0.1:0"});
  ASSERT_TRUE(result.config) << result.error;
  EXPECT_TRUE(result.config->leader_elect);
  EXPECT_EQ(result.config->leader_election_namespace, "ops");
  EXPECT_EQ(result.config->lease_duration, 30s);
  EXPECT_EQ(result.config->renew_deadline, 20s);
  EXPECT_EQ(result.config->retry_period, 500ms);
  EXPECT_EQ(result.config->metrics_bind_address, "127.0.0.1:0");
  auto off = Parse({"--kubeconfig=k", "--leader-elect=false"});
  ASSERT_TRUE(off.config);
  EXPECT_FALSE(off.config->leader_elect);
}

TEST_F(ConfigTest, BadValuesAreRejectedWithAMessage) {
  const std::vector<std::vector<std::string>> bad = {
      {"--kubeconfig=k", "--workers=0"},
      {"--kubeconfig=k", "--workers=lots"},
      {"--kubeconfig=k", "--workers"},
      {"--kubeconfig=k", "--namespaces=Bad_Name"},
      {"--kubeconfig=k", "--metrics-bind-address=8080"},
      {"--kubeconfig=k", "--metrics-bind-address=:99999"},
      {"--kubeconfig=k", "--log-level=loud"},
      {"--kubeconfig=k", "--resync-period=soon"},
      {"--kubeconfig=k", "--leader-elect=maybe"},
      {"--kubeconfig=k", "--leader-elect", "--renew-deadline=20s"},  // >= lease duration 15s
      {"--kubeconfig=k", "--leader-elect", "--retry-period=10s"},    // >= renew deadline
      {"--kubeconfig=k", "--unknown=1"},
      {"--kubeconfig=k", "stray"},
      {},  // neither kubeconfig nor in-cluster
  };
  for (const auto& args : bad) {
    auto result = Parse(args);
    EXPECT_FALSE(result.config) << ::testing::PrintToString(args);
    EXPECT_FALSE(result.error.empty());
    EXPECT_FALSE(result.help);
  }
}

TEST_F(ConfigTest, HelpIsNotAnError) {
  auto result = Parse({"--help"});
  EXPECT_TRUE(result.help);
  EXPECT_NE(result.error.find("--metrics-bind-address"), std::string::npos);
}

TEST(ParseDurationTest, GoStyleDurations) {
  EXPECT_EQ(ParseDuration("15s"), 15s);
  EXPECT_EQ(ParseDuration("500ms"), 500ms);
  EXPECT_EQ(ParseDuration("2m"), 2min);
  EXPECT_EQ(ParseDuration("1h30m"), 90min);
  EXPECT_EQ(ParseDuration("30"), 30s);
  EXPECT_EQ(ParseDuration("0"), 0s);
  EXPECT_EQ(ParseDuration(""), std::nullopt);
  EXPECT_EQ(ParseDuration("5d"), std::nullopt);
  EXPECT_EQ(ParseDuration("s"), std::nullopt);
}

}  // namespace
}  // namespace minitwit::config
