// The per-MiniTwit metrics the reconciler exports (controller/reconcile_metrics.cpp).
#include "observability/metrics.hpp"
#include "reconciler_fixture.hpp"

namespace minitwit::controller {
namespace {

class ReconcileMetricsTest : public ReconcilerTest {
 protected:
  ReconcileMetricsTest() : measured_(client_, clock_, {}, MeasuredOptions()) {}
  ReconcilerOptions MeasuredOptions() {
    ReconcilerOptions options = Options();
    options.metrics = &metrics_;
    return options;
  }
  double Replicas(const char* type) { return metrics_.replicas.Value({"mt", "prod", type}); }

  observability::Registry registry_;
  observability::OperatorMetrics metrics_{registry_};
  MiniTwitReconciler measured_;
};

TEST_F(ReconcileMetricsTest, ReadyDatabaseAndReplicasFollowTheStatus) {
  PutMiniTwit(R"({"image": "minitwit:1", "replicas": 3, "database": {"external": {"secretName": "pg"}}})");
  measured_.Reconcile("mt", "prod");  // the database Secret is missing
  EXPECT_EQ(metrics_.resource_ready.Value({"mt", "prod"}), 0.0);
  EXPECT_EQ(metrics_.database_ready.Value({"mt", "prod"}), 0.0);

  PutDatabaseSecret();
  measured_.Reconcile("mt", "prod");
  DeploymentRolledOut(3);
  measured_.Reconcile("mt", "prod");
  EXPECT_EQ(metrics_.resource_ready.Value({"mt", "prod"}), 1.0);
  EXPECT_EQ(metrics_.database_ready.Value({"mt", "prod"}), 1.0);
  EXPECT_EQ(Replicas("desired"), 3.0);
  EXPECT_EQ(Replicas("ready"), 3.0);
  EXPECT_EQ(Replicas("min"), 3.0) << "without autoscaling, min and max are the fixed replicas";
  EXPECT_EQ(Replicas("max"), 3.0);
  EXPECT_EQ(metrics_.rollbacks.Value({"mt", "prod"}), 0.0);
  EXPECT_NE(registry_.Render().find("minitwit_operator_rollbacks_total{namespace=\"mt\",name=\"prod\"} 0\n"),
            std::string::npos)
      << "exported at 0 before the first rollback, so that increase() sees it";
}

TEST_F(ReconcileMetricsTest, MinAndMaxAreTheAutoscalersBounds) {
  PutMiniTwit(R"({"image": "minitwit:1", "autoscaling": {"minReplicas": 2, "maxReplicas": 10},
                  "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  measured_.Reconcile("mt", "prod");
  EXPECT_EQ(Replicas("min"), 2.0);
  EXPECT_EQ(Replicas("max"), 10.0);
}

TEST_F(ReconcileMetricsTest, ARollbackIsCountedOnce) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  measured_.Reconcile("mt", "prod");
  DeploymentRolledOut(2);
  measured_.Reconcile("mt", "prod");
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2-broken"; });
  measured_.Reconcile("mt", "prod");
  DeploymentMissedDeadline(2);
  measured_.Reconcile("mt", "prod");
  EXPECT_EQ(Image(), "minitwit:1");
  EXPECT_EQ(metrics_.rollbacks.Value({"mt", "prod"}), 1.0);
  DeploymentRolledOut(2);
  measured_.Reconcile("mt", "prod");
  EXPECT_EQ(metrics_.rollbacks.Value({"mt", "prod"}), 1.0);
}

TEST_F(ReconcileMetricsTest, ADeletedMiniTwitsSeriesAreDropped) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  measured_.Reconcile("mt", "prod");
  ASSERT_EQ(metrics_.replicas.SeriesCount(), 4u);
  ASSERT_TRUE(client_.Delete(api::kMiniTwitType, "mt", "prod").ok());
  EXPECT_EQ(measured_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kDone);
  EXPECT_EQ(metrics_.replicas.SeriesCount(), 0u);
  EXPECT_EQ(metrics_.resource_ready.SeriesCount(), 0u);
  EXPECT_EQ(metrics_.database_ready.SeriesCount(), 0u);
  EXPECT_EQ(metrics_.rollbacks.SeriesCount(), 0u);
}

}  // namespace
}  // namespace minitwit::controller
