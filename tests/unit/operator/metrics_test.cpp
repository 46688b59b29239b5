#include "observability/metrics.hpp"

#include <gtest/gtest.h>

namespace minitwit::observability {
namespace {

TEST(MetricsTest, RendersPrometheusTextFormat) {
  Registry registry;
  auto& requests = registry.Counter("api_requests_total", "Requests by verb.", {"verb"});
  auto& depth = registry.Gauge("queue_depth", "Keys waiting.");
  requests.Add({"get"});
  requests.Add({"get"});
  requests.Add({"apply"}, 3);
  depth.Set({}, 4);
  EXPECT_EQ(registry.Render(),
            "# HELP api_requests_total Requests by verb.\n"
            "# TYPE api_requests_total counter\n"
            "api_requests_total{verb=\"apply\"} 3\n"
            "api_requests_total{verb=\"get\"} 2\n"
            "# HELP queue_depth Keys waiting.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth 4\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry registry;
  auto& duration = registry.Histogram("reconcile_seconds", "Reconcile time.", {0.1, 1});
  duration.Observe({}, 0.05);
  duration.Observe({}, 0.5);
  duration.Observe({}, 5);
  EXPECT_EQ(registry.Render(),
            "# HELP reconcile_seconds Reconcile time.\n"
            "# TYPE reconcile_seconds histogram\n"
            "reconcile_seconds_bucket{le=\"0.10000000000000001\"} 1\n"
            "reconcile_seconds_bucket{le=\"1\"} 2\n"
            "reconcile_seconds_bucket{le=\"+Inf\"} 3\n"
            "reconcile_seconds_sum 5.5499999999999998\n"
            "reconcile_seconds_count 3\n");
  EXPECT_EQ(duration.Count({}), 3u);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Registry registry;
  registry.Counter("c", "help", {"l"}).Add({"a\"b\\c\nd"});
  EXPECT_NE(registry.Render().find("c{l=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, OperatorMetricsCountWrites) {
  Registry registry;
  OperatorMetrics metrics(registry);
  metrics.api_requests.Add({"controller", "get"}, 10);
  metrics.api_requests.Add({"controller", "list"}, 2);
  metrics.api_requests.Add({"controller", "watch"}, 2);
  EXPECT_EQ(metrics.WriteRequests(), 0.0);
  metrics.api_requests.Add({"controller", "apply"});
  metrics.api_requests.Add({"controller", "update"});
  EXPECT_EQ(metrics.WriteRequests(), 2.0);
  std::string text = registry.Render();
  for (const char* name : {"minitwit_operator_reconcile_total", "minitwit_operator_reconcile_duration_seconds_bucket",
                           "minitwit_operator_workqueue_depth 0", "minitwit_operator_workqueue_adds_total 0",
                           "minitwit_operator_workqueue_retries_total 0", "minitwit_operator_watch_restarts_total",
                           "minitwit_operator_leader 0", "minitwit_operator_api_requests_total{client=\"controller\",verb=\"apply\"} 1"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace minitwit::observability
