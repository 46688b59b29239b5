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
            "reconcile_seconds_bucket{le=\"0.1\"} 1\n"
            "reconcile_seconds_bucket{le=\"1\"} 2\n"
            "reconcile_seconds_bucket{le=\"+Inf\"} 3\n"
            "reconcile_seconds_sum 5.55\n"
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
}

// The names, labels and types that controller-runtime and client-go export, so that their
// dashboards and alerts work unchanged; every series a dashboard plots exists from the start.
TEST(MetricsTest, OperatorMetricsUseControllerRuntimeAndClientGoNames) {
  Registry registry;
  OperatorMetrics metrics(registry);
  std::string text = registry.Render();
  for (const char* line :
       {"# TYPE controller_runtime_reconcile_total counter\n",
        "controller_runtime_reconcile_total{controller=\"minitwit\",result=\"success\"} 0\n",
        "controller_runtime_reconcile_total{controller=\"minitwit\",result=\"error\"} 0\n",
        "controller_runtime_reconcile_total{controller=\"minitwit\",result=\"requeue\"} 0\n",
        "controller_runtime_reconcile_total{controller=\"minitwit\",result=\"requeue_after\"} 0\n",
        "controller_runtime_reconcile_errors_total{controller=\"minitwit\"} 0\n",
        "# TYPE controller_runtime_reconcile_time_seconds histogram\n",
        "controller_runtime_reconcile_time_seconds_bucket{controller=\"minitwit\",le=\"+Inf\"} 0\n",
        "controller_runtime_active_workers{controller=\"minitwit\"} 0\n",
        "controller_runtime_max_concurrent_reconciles{controller=\"minitwit\"} 0\n",
        "workqueue_depth{name=\"minitwit\"} 0\n", "workqueue_adds_total{name=\"minitwit\"} 0\n",
        "workqueue_retries_total{name=\"minitwit\"} 0\n",
        "# TYPE workqueue_queue_duration_seconds histogram\n",
        "workqueue_queue_duration_seconds_count{name=\"minitwit\"} 0\n",
        "# TYPE workqueue_work_duration_seconds histogram\n",
        "workqueue_work_duration_seconds_count{name=\"minitwit\"} 0\n",
        "# TYPE leader_election_master_status gauge\n", "# TYPE rest_client_requests_total counter\n",
        "# TYPE minitwit_operator_watch_restarts_total counter\n", "# TYPE minitwit_operator_informer_synced gauge\n",
        "# TYPE minitwit_operator_resource_ready gauge\n", "# TYPE minitwit_operator_database_ready gauge\n",
        "# TYPE minitwit_operator_rollbacks_total counter\n", "# TYPE minitwit_operator_replicas gauge\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  for (const char* old_name : {"minitwit_operator_reconcile_total", "minitwit_operator_workqueue_depth",
                               "minitwit_operator_leader ", "minitwit_operator_api_errors_total"}) {
    EXPECT_EQ(text.find(old_name), std::string::npos) << old_name;
  }
}

TEST(MetricsTest, ForgetResourceDropsOnlyThatResourcesSeries) {
  Registry registry;
  OperatorMetrics metrics(registry);
  for (const char* name : {"a", "b"}) {
    metrics.resource_ready.Set({"ns", name}, 1);
    metrics.database_ready.Set({"ns", name}, 1);
    metrics.rollbacks.Add({"ns", name});
    for (const char* type : {"desired", "ready", "min", "max"}) metrics.replicas.Set({"ns", name, type}, 2);
  }
  metrics.ForgetResource("ns", "a");
  std::string text = registry.Render();
  EXPECT_EQ(text.find("name=\"a\""), std::string::npos) << text;
  EXPECT_EQ(metrics.replicas.SeriesCount(), 4u);
  EXPECT_EQ(metrics.resource_ready.Value({"ns", "b"}), 1.0);
}

TEST(MetricsTest, SumWhereMatchesTheGivenLabelsOnly) {
  Registry registry;
  auto& requests = registry.Counter("r_total", "help", {"code", "method"});
  requests.Add({"200", "GET"}, 3);
  requests.Add({"404", "GET"});
  requests.Add({"200", "PATCH"});
  EXPECT_EQ(requests.SumWhere({{"method", "GET"}}), 4.0);
  EXPECT_EQ(requests.SumWhere({{"code", "200"}, {"method", "PATCH"}}), 1.0);
  EXPECT_EQ(requests.SumWhere({}), 5.0);
}

}  // namespace
}  // namespace minitwit::observability
