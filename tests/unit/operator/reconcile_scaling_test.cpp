// Reconcile decisions about scaling (reconcile_scaling.cpp, and where scaling meets the other
// phases): spec.replicas handed over to the HPA without a drop, the HPA deleted before fixed
// replicas return, scaling that is not a rollout, status.autoscaler, Scaled -> HotStandby.
// The real API server's field ownership is tested in tests/e2e/scaling_transitions_test.sh.
#include <gtest/gtest.h>

#include "reconciler_fixture.hpp"

namespace minitwit::controller {
namespace {

constexpr char kFixed3[] = R"({"image": "minitwit:1", "replicas": 3, "database": {"external": {"secretName": "pg"}}})";
constexpr char kAutoscaled[] = R"({"image": "minitwit:1", "autoscaling": {"minReplicas": 2, "maxReplicas": 6},
                                   "database": {"external": {"secretName": "pg"}}})";

class ReconcilerScalingTest : public ReconcilerTest {
 protected:
  // What the API server records for the last apply of `manager` that set spec.replicas.
  void ReplicasManagedBy(const std::string& manager, const std::string& operation) {
    Json deployment = Deployment();
    deployment["metadata"]["managedFields"] = Json::array(
        {{{"manager", manager}, {"operation", operation}, {"apiVersion", "apps/v1"}, {"fieldsType", "FieldsV1"},
          {"fieldsV1", {{"f:spec", {{"f:replicas", Json::object()}, {"f:template", Json::object()}}}}}}});
    client_.Put(api::kDeploymentType, deployment);
  }

  // The HPA (or kubectl scale) set the Deployment's spec.replicas; the pods exist, `available` serve.
  void DeploymentScaledTo(int replicas, int available) {
    Json deployment = Deployment();
    deployment["spec"]["replicas"] = replicas;
    client_.Put(api::kDeploymentType, deployment);
    const int64_t generation = Deployment()["metadata"]["generation"];
    client_.SetStatus(api::kDeploymentType, "mt", "prod",
                      {{"observedGeneration", generation},
                       {"replicas", replicas},
                       {"updatedReplicas", replicas},
                       {"readyReplicas", available},
                       {"availableReplicas", available}});
  }

  std::vector<std::string> MutatingOrder() {
    std::vector<std::string> order;
    for (const auto& call : client_.MutatingCalls()) {
      if (call.plural == "events" || call.subresource == "status") continue;
      order.push_back(call.verb + " " + call.plural);
    }
    return order;
  }
};

TEST_F(ReconcilerScalingTest, FixedToAutoscaledHandsReplicasOverBeforeTheApplyDropsThem) {
  PutMiniTwit(kFixed3);
  PutDatabaseSecret();
  Converge(3);
  ReplicasManagedBy(kFieldManager, "Apply");
  const std::string version = Deployment()["metadata"]["resourceVersion"];
  EditSpec([](Json& spec) { spec["autoscaling"] = {{"minReplicas", 4}, {"maxReplicas", 6}}; });
  client_.ClearCalls();
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);

  const auto applies = client_.CallsOf("apply", "deployments");
  ASSERT_EQ(applies.size(), 2u);
  // First the field gets a second owner: the live 3 raised to minReplicas, guarded by the
  // resourceVersion it was read at; then the main apply leaves it out.
  EXPECT_EQ(applies[0].field_manager, kBootstrapFieldManager);
  EXPECT_EQ(applies[0].body["spec"], (Json{{"replicas", 4}}));
  EXPECT_EQ(applies[0].body["metadata"]["resourceVersion"], version);
  EXPECT_EQ(applies[1].field_manager, kFieldManager);
  EXPECT_FALSE(applies[1].body["spec"].contains("replicas"));
  EXPECT_EQ(Deployment()["spec"]["replicas"], 4);
  EXPECT_EQ(client_.CallsOf("apply", "horizontalpodautoscalers").size(), 1u);
}

TEST_F(ReconcilerScalingTest, HandOverClampsToMaxReplicas) {
  PutMiniTwit(R"({"image": "minitwit:1", "replicas": 9, "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  Converge(9);
  ReplicasManagedBy(kFieldManager, "Apply");
  EditSpec([](Json& spec) { spec["autoscaling"] = {{"minReplicas", 2}, {"maxReplicas", 6}}; });
  client_.ClearCalls();
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  const auto applies = client_.CallsOf("apply", "deployments");
  ASSERT_EQ(applies.size(), 2u);
  EXPECT_EQ(applies[0].body["spec"], (Json{{"replicas", 6}}));
}

TEST_F(ReconcilerScalingTest, NoHandOverOnceTheAutoscalerOwnsReplicas) {
  PutMiniTwit(kAutoscaled);
  PutDatabaseSecret();
  Converge(2);
  ReplicasManagedBy("kube-controller-manager", "Update");
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2"; });
  client_.ClearCalls();
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  const auto applies = client_.CallsOf("apply", "deployments");
  ASSERT_EQ(applies.size(), 1u);
  EXPECT_EQ(applies[0].field_manager, kFieldManager);
  EXPECT_FALSE(applies[0].body["spec"].contains("replicas"));
}

TEST_F(ReconcilerScalingTest, HandOverConflictIsRetriedNotForced) {
  PutMiniTwit(kFixed3);
  PutDatabaseSecret();
  Converge(3);
  ReplicasManagedBy(kFieldManager, "Apply");
  EditSpec([](Json& spec) { spec["autoscaling"] = {{"minReplicas", 2}, {"maxReplicas", 6}}; });
  client_.ClearCalls();
  client_.FailNext("apply", "deployments", {409, "Conflict", "the object has been modified"});
  EXPECT_EQ(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  // The main apply did not run: spec.replicas still has its old owner.
  ASSERT_EQ(client_.CallsOf("apply", "deployments").size(), 1u);
  EXPECT_EQ(client_.CallsOf("apply", "deployments")[0].body["spec"], (Json{{"replicas", 3}}));
  EXPECT_EQ(Deployment()["spec"]["replicas"], 3);
}

TEST_F(ReconcilerScalingTest, AutoscaledToFixedDeletesTheAutoscalerBeforeSettingReplicas) {
  PutMiniTwit(kAutoscaled);
  PutDatabaseSecret();
  Converge(2);
  DeploymentScaledTo(5, 5);
  EditSpec([](Json& spec) {
    spec.erase("autoscaling");
    spec["replicas"] = 4;
  });
  client_.ClearCalls();
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(MutatingOrder(), (std::vector<std::string>{"delete horizontalpodautoscalers", "apply deployments"}));
  EXPECT_EQ(Deployment()["spec"]["replicas"], 4);
  EXPECT_FALSE(Status().contains("autoscaler"));
  EXPECT_EQ(Status()["desiredReplicas"], 4);
}

TEST_F(ReconcilerScalingTest, AutoscalerScaleUpIsNotARollout) {
  PutMiniTwit(kAutoscaled);
  PutDatabaseSecret();
  Converge(2);
  ASSERT_EQ(Status()["phase"], kPhaseReady);
  // The HPA asks for 6; 4 new pods start.
  DeploymentScaledTo(6, 2);
  client_.SetStatus(api::kHorizontalPodAutoscalerType, "mt", "prod",
                    {{"currentReplicas", 2}, {"desiredReplicas", 6}, {"lastScaleTime", "2027-01-15T08:00:00Z"}});
  client_.ClearCalls();
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  const Json status = Status();
  EXPECT_EQ(status["phase"], kPhaseReady);
  EXPECT_EQ((*Condition(kConditionProgressing))["status"], "False");
  EXPECT_EQ(status["desiredReplicas"], 6);
  EXPECT_EQ(status["autoscaler"], Json::parse(R"({"currentReplicas": 2, "desiredReplicas": 6,
                                                  "lastScaleTime": "2027-01-15T08:00:00Z"})"));
  EXPECT_TRUE(client_.CallsOf("apply", "deployments").empty());
  EXPECT_EQ(EventReasons(), std::vector<std::string>{});

  // And down again: pods removed, still Ready.
  DeploymentScaledTo(3, 3);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(Status()["phase"], kPhaseReady);
  EXPECT_EQ(Status()["desiredReplicas"], 3);
}

TEST_F(ReconcilerScalingTest, NewReplicasAreNotARollout) {
  PutMiniTwit(kFixed3);
  PutDatabaseSecret();
  Converge(3);
  EditSpec([](Json& spec) { spec["replicas"] = 5; });
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(Deployment()["spec"]["replicas"], 5);
  EXPECT_EQ(Status()["phase"], kPhaseReady);  // the Deployment controller has not seen it yet
  DeploymentScaledTo(5, 3);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(Status()["phase"], kPhaseReady);
  EXPECT_EQ((*Condition(kConditionProgressing))["status"], "False");
}

TEST_F(ReconcilerScalingTest, ATemplateChangeIsStillARollout) {
  PutMiniTwit(kFixed3);
  PutDatabaseSecret();
  Converge(3);
  // Same image, new resources: a new pod template.
  EditSpec([](Json& spec) { spec["resources"] = {{"requests", {{"cpu", "200m"}}}}; });
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(Status()["phase"], kPhaseProgressing);
  // One new pod, three old ones still serving.
  const int64_t generation = Deployment()["metadata"]["generation"];
  client_.SetStatus(api::kDeploymentType, "mt", "prod",
                    {{"observedGeneration", generation}, {"replicas", 4}, {"updatedReplicas", 1},
                     {"readyReplicas", 3}, {"availableReplicas", 3}});
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(Status()["phase"], kPhaseProgressing);
  EXPECT_EQ((*Condition(kConditionProgressing))["status"], "True");
  DeploymentRolledOut(3);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(Status()["phase"], kPhaseReady);
}

TEST_F(ReconcilerScalingTest, ScaledToHotStandbyLabelsTheActivePodBeforeTheServiceSelectsIt) {
  PutMiniTwit(R"({"image": "minitwit:1", "replicas": 4, "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  Converge(4);
  for (const char* name : {"prod-a", "prod-b", "prod-c", "prod-d"}) client_.Put(api::kPodType, HotStandbyPod(name, true, ""));
  EditSpec([](Json& spec) {
    spec["mode"] = "HotStandby";
    spec["replicas"] = 2;
  });
  client_.ClearCalls();
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(MutatingOrder(), (std::vector<std::string>{"patch pods", "patch pods", "patch pods", "patch pods",
                                                       "apply deployments", "apply services",
                                                       "apply poddisruptionbudgets"}));
  // The Deployment shrinks to 2; the ReplicaSet deletes pods of the lowest cost first.
  const std::string active = Status()["activePod"];
  int costly = 0;
  for (const Json& pod : client_.Objects(api::kPodType)) {
    const bool is_active = pod["metadata"]["name"] == active;
    EXPECT_EQ(pod["metadata"]["annotations"][kAnnotationPodDeletionCost], is_active ? "1000" : "0");
    costly += is_active ? 1 : 0;
  }
  EXPECT_EQ(costly, 1);
}

}  // namespace
}  // namespace minitwit::controller
