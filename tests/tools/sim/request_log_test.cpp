#include "sim/request_log.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/options.hpp"

namespace minitwit::sim {
namespace {

RequestSpec Tweet(std::int64_t id) {
  RequestSpec spec;
  spec.kind = RequestKind::kTweet;
  spec.post = true;
  spec.id = id;
  return spec;
}

TEST(RequestLogTest, LineNamesSendTimeLatencyKindIdOutcomeAndStatus) {
  Exchange acknowledged;
  acknowledged.status = 204;
  acknowledged.latency_ms = 3.25;
  EXPECT_EQ(FormatRequestLogLine(1700000000123, Tweet(17), acknowledged, Outcome::kOk),
            "1700000000123 3.2 tweet 17 ok 204\n");
  Exchange refused;
  refused.error = TransportError::kConnectTimeout;
  refused.latency_ms = 300;
  EXPECT_EQ(FormatRequestLogLine(5, Tweet(18), refused, Outcome::kConnectionError),
            "5 300.0 tweet 18 ConnectionError 0\n");
}

TEST(RequestLogTest, WritesOneFlushedLinePerRequest) {
  const auto path = std::filesystem::temp_directory_path() / ("request-log-test-" + std::to_string(::getpid()));
  std::string error;
  auto log = RequestLog::Open(path.string(), &error);
  ASSERT_NE(log, nullptr) << error;
  Exchange exchange;
  exchange.status = 503;
  log->Write(Tweet(1), exchange, Outcome::kWrongStatus);
  log->Write(Tweet(2), exchange, Outcome::kWrongStatus);
  // Read while the log is still open: lines must not wait for the end of the run.
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(" tweet 1 status 503\n"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(" tweet 2 status 503\n"), std::string::npos) << text.str();
  std::filesystem::remove(path);
}

TEST(RequestLogTest, UnwritablePathIsAnError) {
  std::string error;
  EXPECT_EQ(RequestLog::Open("/nonexistent-dir/log", &error), nullptr);
  EXPECT_NE(error.find("/nonexistent-dir/log"), std::string::npos);
}

TEST(RequestLogTest, OptionTakesAFile) {
  const OptionsResult r = ParseOptions({"--url", "http://h:1", "--generate", "1", "--request-log", "/tmp/x"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.options.request_log_path, "/tmp/x");
  EXPECT_FALSE(ParseOptions({"--url", "http://h:1", "--generate", "1", "--request-log"}).error.empty());
}

}  // namespace
}  // namespace minitwit::sim
