#include "sim/options.hpp"

#include <gtest/gtest.h>

namespace minitwit::sim {
namespace {

TEST(OptionsTest, ParsesUrls) {
  std::string host, port, base;
  ASSERT_TRUE(ParseUrl("http://127.0.0.1:5000", &host, &port, &base));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, "5000");
  EXPECT_EQ(base, "");
  ASSERT_TRUE(ParseUrl("http://localhost/prefix/", &host, &port, &base));
  EXPECT_EQ(port, "80");
  EXPECT_EQ(base, "/prefix");
  ASSERT_TRUE(ParseUrl("http://[::1]:8080", &host, &port, &base));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(ParseUrl("https://x:1", &host, &port, &base));
  EXPECT_FALSE(ParseUrl("http://x:0", &host, &port, &base));
  EXPECT_FALSE(ParseUrl("http://:80", &host, &port, &base));
}

TEST(OptionsTest, DefaultsMatchTheCourse) {
  const OptionsResult r = ParseOptions({"--url", "http://h:1", "--generate", "10"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.options.users, 1u);
  EXPECT_EQ(r.options.timeout_ms, 300);
  EXPECT_FALSE(r.options.keep_alive);
  EXPECT_FALSE(r.options.honor_delays);
  EXPECT_EQ(r.options.max_errors, 0u);
}

TEST(OptionsTest, RejectsBadCombinations) {
  EXPECT_FALSE(ParseOptions({"--generate", "10"}).error.empty());
  EXPECT_FALSE(ParseOptions({"--url", "http://h:1"}).error.empty());
  EXPECT_FALSE(ParseOptions({"--url", "http://h:1", "--generate", "5", "--scenario", "f"}).error.empty());
  EXPECT_FALSE(ParseOptions({"--url", "http://h:1", "--generate", "x"}).error.empty());
  EXPECT_FALSE(ParseOptions({"--url", "http://h:1", "--generate", "5", "--users", "0"}).error.empty());
  EXPECT_FALSE(ParseOptions({"--url", "http://h:1", "--bogus"}).error.empty());
  EXPECT_TRUE(ParseOptions({"--url", "http://h:1", "--limit", "0", "--read-mix", "10"}).error.empty());
}

TEST(OptionsTest, SpeedupImpliesDelays) {
  const OptionsResult r = ParseOptions({"--url", "http://h:1", "--generate", "5", "--speedup", "1000"});
  ASSERT_TRUE(r.error.empty());
  EXPECT_TRUE(r.options.honor_delays);
  EXPECT_DOUBLE_EQ(r.options.speedup, 1000);
}

}  // namespace
}  // namespace minitwit::sim

namespace minitwit::sim {
namespace {

TEST(OptionsTest, OnlyTakesACommaList) {
  const OptionsResult r = ParseOptions({"--url", "http://h:1", "--generate", "5", "--only", "follow,unfollow"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.options.only, (std::vector<ActionKind>{ActionKind::kFollow, ActionKind::kUnfollow}));
  EXPECT_FALSE(ParseOptions({"--url", "http://h:1", "--generate", "5", "--only", "tweet,retweet"}).error.empty());
}

}  // namespace
}  // namespace minitwit::sim
