// Status: a Ready condition with kstatus semantics; phase, Ready and Degraded agree.
#include <gtest/gtest.h>

#include "reconciler_fixture.hpp"

namespace minitwit::controller {
namespace {

void ExpectConsistent(const Json& status) {
  const Json* ready = FindCondition(status["conditions"], kConditionReady);
  const Json* degraded = FindCondition(status["conditions"], kConditionDegraded);
  ASSERT_NE(ready, nullptr);
  ASSERT_NE(degraded, nullptr);
  const std::string phase = status["phase"];
  EXPECT_EQ((*ready)["status"] == "True", phase == kPhaseReady) << status.dump();
  EXPECT_EQ((*degraded)["status"] == "True", phase == kPhaseDegraded) << status.dump();
  EXPECT_EQ((*ready)["observedGeneration"], status["observedGeneration"]);
}

TEST_F(ReconcilerTest, ReadyConditionFollowsAvailabilityAndGeneration) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ((*Condition(kConditionReady))["status"], "False");
  ExpectConsistent(Status());
  DeploymentRolledOut(2);
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ((*Condition(kConditionReady))["status"], "True");
  ExpectConsistent(Status());
}

TEST_F(ReconcilerTest, ApplyFailureIsACondition) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  Converge();
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2"; });
  client_.FailNext("apply", "deployments", {422, "Invalid", "spec.template: refused"});
  reconciler_.Reconcile("mt", "prod");
  const Json* degraded = Condition(kConditionDegraded);
  ASSERT_NE(degraded, nullptr);
  EXPECT_EQ((*degraded)["status"], "True");
  EXPECT_EQ((*degraded)["reason"], kReasonApplyFailed);
  EXPECT_NE((*degraded)["message"].get<std::string>().find("refused"), std::string::npos);
  EXPECT_EQ((*Condition(kConditionReady))["status"], "False");
  ExpectConsistent(Status());

  // The next reconcile applies: the failure is gone from the conditions.
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ((*Condition(kConditionDegraded))["status"], "False");
  ExpectConsistent(Status());
}

TEST_F(ReconcilerTest, InClusterDatabaseGoingDownIsDegraded) {
  PutMiniTwit(R"({"image": "minitwit:1", "database": {"inCluster": {}}})");
  reconciler_.Reconcile("mt", "prod");
  client_.SetStatus(api::kStatefulSetType, "mt", "prod-db", {{"readyReplicas", 1}});
  Converge();
  ASSERT_EQ(Status()["phase"], kPhaseReady);
  ExpectConsistent(Status());

  client_.SetStatus(api::kStatefulSetType, "mt", "prod-db", {{"readyReplicas", 0}});
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Status()["phase"], kPhaseDegraded);
  EXPECT_EQ((*Condition(kConditionDegraded))["reason"], kReasonDatabaseUnavailable);
  EXPECT_EQ((*Condition(kConditionDatabaseReady))["status"], "False");
  ExpectConsistent(Status());
  reconciler_.Reconcile("mt", "prod");  // still down: still Degraded
  EXPECT_EQ(Status()["phase"], kPhaseDegraded);

  client_.SetStatus(api::kStatefulSetType, "mt", "prod-db", {{"readyReplicas", 1}});
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Status()["phase"], kPhaseReady);
  ExpectConsistent(Status());
}

}  // namespace
}  // namespace minitwit::controller
