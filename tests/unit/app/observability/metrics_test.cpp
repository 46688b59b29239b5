#include "observability/metrics.hpp"

#include <gtest/gtest.h>

#include "observability/logging.hpp"

namespace minitwit {
namespace {

bool Contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(MetricsTest, RendersCountersHistogramAndGauges) {
  Metrics metrics;
  metrics.ObserveRequest("GET", "/msgs/<username>", 200, 0.003);
  metrics.ObserveRequest("GET", "/msgs/<username>", 200, 0.2);
  metrics.ObserveRequest("POST", "/msgs/<username>", 403, 0.0005);
  metrics.AddInFlight(2);
  const auto text = metrics.Render(PoolStats{3, 4, 10}, 1234, TimelineCacheStats{7, 2, true});
  EXPECT_TRUE(Contains(text, "# TYPE minitwit_http_requests_total counter\n"));
  EXPECT_TRUE(Contains(text, "minitwit_http_requests_total{route=\"/msgs/<username>\",method=\"GET\",code=\"200\"} 2\n"));
  EXPECT_TRUE(Contains(text, "minitwit_http_requests_total{route=\"/msgs/<username>\",method=\"POST\",code=\"403\"} 1\n"));
  // Buckets are cumulative: 0.0005 and 0.003 are <= 0.005, 0.2 only from 0.25 on.
  EXPECT_TRUE(Contains(text, "minitwit_http_request_duration_seconds_bucket{route=\"/msgs/<username>\",le=\"0.005\"} 2\n"));
  EXPECT_TRUE(Contains(text, "minitwit_http_request_duration_seconds_bucket{route=\"/msgs/<username>\",le=\"0.1\"} 2\n"));
  EXPECT_TRUE(Contains(text, "minitwit_http_request_duration_seconds_bucket{route=\"/msgs/<username>\",le=\"0.25\"} 3\n"));
  EXPECT_TRUE(Contains(text, "minitwit_http_request_duration_seconds_bucket{route=\"/msgs/<username>\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(Contains(text, "minitwit_http_request_duration_seconds_count{route=\"/msgs/<username>\"} 3\n"));
  EXPECT_TRUE(Contains(text, "minitwit_http_requests_in_flight 2\n"));
  EXPECT_TRUE(Contains(text, "minitwit_db_pool_connections{state=\"in_use\"} 3\n"));
  EXPECT_TRUE(Contains(text, "minitwit_db_pool_connections{state=\"idle\"} 4\n"));
  EXPECT_TRUE(Contains(text, "minitwit_latest 1234\n"));
  EXPECT_TRUE(Contains(text, "minitwit_public_timeline_reads_total{source=\"cache\"} 7\n"));
  EXPECT_TRUE(Contains(text, "minitwit_public_timeline_reads_total{source=\"database\"} 2\n"));
  EXPECT_TRUE(Contains(text, "minitwit_public_timeline_cache_live 1\n"));
}

TEST(MetricsTest, OmitsLatestWhenUnknownAndEscapesLabels) {
  Metrics metrics;
  metrics.ObserveRequest("GET", "we\"ird\\", 404, 0.001);
  const auto text = metrics.Render({}, std::nullopt);
  EXPECT_FALSE(Contains(text, "minitwit_latest "));
  EXPECT_TRUE(Contains(text, "route=\"we\\\"ird\\\\\""));
}

TEST(MetricsTest, UnknownMethodsShareOneLabel) {
  EXPECT_EQ(MethodLabel("GET"), "GET");
  EXPECT_EQ(MethodLabel("OPTIONS"), "OPTIONS");
  EXPECT_EQ(MethodLabel("FOO"), "other");
  EXPECT_EQ(MethodLabel("get"), "other");
  EXPECT_EQ(MethodLabel(""), "other");
  Metrics metrics;
  metrics.ObserveRequest("FOO", "unmatched", 404, 0.001);
  metrics.ObserveRequest("BAR", "unmatched", 404, 0.001);
  metrics.ObserveRequest("PATCH", "unmatched", 404, 0.001);
  const auto text = metrics.Render({}, std::nullopt);
  EXPECT_TRUE(Contains(text, "minitwit_http_requests_total{route=\"unmatched\",method=\"other\",code=\"404\"} 2\n"));
  EXPECT_TRUE(Contains(text, "method=\"PATCH\""));
  EXPECT_FALSE(Contains(text, "FOO"));
  EXPECT_FALSE(Contains(text, "BAR"));
}

TEST(LoggingTest, FormatsFieldsAsJsonMembers) {
  const auto line = "{" + FormatLogFields("request", {{"status", 204}, {"route", "/msgs/<username>"}}) + "}";
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["msg"], "request");
  EXPECT_EQ(parsed["status"], 204);
  EXPECT_EQ(parsed["route"], "/msgs/<username>");
}

}  // namespace
}  // namespace minitwit
