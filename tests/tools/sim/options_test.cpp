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

namespace minitwit::sim {
namespace {

OptionsResult Parse(std::vector<std::string> extra) {
  std::vector<std::string> args{"--url", "http://h:1", "--generate", "50"};
  args.insert(args.end(), extra.begin(), extra.end());
  return ParseOptions(args);
}

TEST(OptionsTest, RateAndDurationAreAOneStepProfile) {
  const OptionsResult r = Parse({"--rate", "12.5", "--duration", "2m"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_TRUE(r.options.profile);
  ASSERT_EQ(r.options.profile->segments.size(), 1u);
  EXPECT_DOUBLE_EQ(r.options.profile->segments[0].from_rps, 12.5);
  EXPECT_DOUBLE_EQ(r.options.profile->DurationSeconds(), 120);
  EXPECT_EQ(r.options.max_in_flight, 256u);
  EXPECT_FALSE(Parse({}).options.profile);  // closed loop stays the default
}

TEST(OptionsTest, OpenLoopFlagsRefuseNonsenseWithAReason) {
  EXPECT_NE(Parse({"--rate", "10"}).error.find("--duration"), std::string::npos);
  EXPECT_NE(Parse({"--duration", "10s"}).error.find("--rate"), std::string::npos);
  EXPECT_NE(Parse({"--rate", "-1", "--duration", "1s"}).error.find("--rate"), std::string::npos);
  EXPECT_NE(Parse({"--rate", "1", "--duration", "0s"}).error.find("--duration"), std::string::npos);
  EXPECT_NE(Parse({"--rate", "1", "--duration", "1s", "--profile", "a:1s@1"}).error.find("exclude"),
            std::string::npos);
  EXPECT_NE(Parse({"--profile", "a:1s@1", "--read-mix", "5"}).error.find("--read-mix"), std::string::npos);
  EXPECT_NE(Parse({"--profile", "a:1s"}).error.find("DURATION@RATE"), std::string::npos);
  EXPECT_NE(Parse({"--max-in-flight", "0"}).error, "");
  EXPECT_NE(Parse({"--timeseries", "out.txt"}).error.find(".csv or .json"), std::string::npos);
}

TEST(OptionsTest, ProfileQuietAndTimeSeries) {
  const OptionsResult r = Parse({"--profile", "warm:30s@20,step:120s@150,drop:60s@0", "--quiet", "--timeseries",
                                 "run.json", "--max-in-flight", "64"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.options.profile->segments.size(), 3u);
  EXPECT_TRUE(r.options.quiet);
  EXPECT_EQ(r.options.timeseries_path, "run.json");
  EXPECT_EQ(r.options.max_in_flight, 64u);
}

}  // namespace
}  // namespace minitwit::sim
