// Rollout tracking: rollback memory and failed rollouts whatever changed.
#include <gtest/gtest.h>

#include "reconciler_fixture.hpp"

namespace minitwit::controller {
namespace {

// A reconcile that runs before the informer delivers the rollback's own status write must not
// re-apply the broken image, and must not erase failedImage.
TEST_F(ReconcilerTest, RollbackMemorySurvivesAStaleCacheRead) {
  LaggingCache cache(client_, api::kMiniTwitType);
  auto reconciler_with_cache = ReconcilerWithCache(cache);
  MiniTwitReconciler& reconciler = *reconciler_with_cache;
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  reconciler.Reconcile("mt", "prod");
  DeploymentRolledOut(2);
  reconciler.Reconcile("mt", "prod");
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2-broken"; });
  reconciler.Reconcile("mt", "prod");
  ASSERT_EQ(Image(), "minitwit:2-broken");

  DeploymentMissedDeadline(2);
  cache.Freeze("mt", "prod");  // the watch has not delivered the rollback's status write
  reconciler.Reconcile("mt", "prod");
  ASSERT_EQ(Image(), "minitwit:1");
  ASSERT_EQ(Status()["failedImage"], "minitwit:2-broken");

  reconciler.Reconcile("mt", "prod");
  EXPECT_EQ(Image(), "minitwit:1");
  EXPECT_EQ(Status()["failedImage"], "minitwit:2-broken");
  cache.Thaw();
  reconciler.Reconcile("mt", "prod");
  EXPECT_EQ(Image(), "minitwit:1");
  EXPECT_EQ(Status()["failedImage"], "minitwit:2-broken");
}

// Optimistic concurrency: a status write carries the resourceVersion it was computed from, so
// a write based on an object older than the stored one is refused (409) instead of erasing
// what a newer write recorded.
TEST_F(ReconcilerTest, StatusWriteBasedOnAStaleObjectIsRefused) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  Converge();
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2-broken"; });
  reconciler_.Reconcile("mt", "prod");
  LaggingCache cache(client_, api::kMiniTwitType);
  cache.Freeze("mt", "prod");
  DeploymentMissedDeadline(2);
  reconciler_.Reconcile("mt", "prod");  // the rollback, recorded in status
  ASSERT_EQ(Status()["failedImage"], "minitwit:2-broken");

  // Another reconciler (a new leader whose informer lags) starts from the older object.
  auto other = ReconcilerWithCache(cache);
  client_.ClearCalls();
  other->Reconcile("mt", "prod");
  for (const auto& call : client_.CallsOf("apply", "minitwits")) {
    EXPECT_EQ(call.body["metadata"]["resourceVersion"], cache.Get("mt", "prod").value()["metadata"]["resourceVersion"]);
  }
  EXPECT_EQ(Status()["failedImage"], "minitwit:2-broken");
}

// A change that is not an image (resources, env) that misses its progress deadline is
// reported: Degraded with the reason, and an event.
TEST_F(ReconcilerTest, NonImageChangeMissingItsDeadlineIsDegraded) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  Converge();
  EditSpec([](Json& spec) { spec["resources"] = {{"requests", {{"cpu", "64"}}}}; });
  reconciler_.Reconcile("mt", "prod");
  DeploymentMissedDeadline(2);
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  const Json* degraded = Condition(kConditionDegraded);
  ASSERT_NE(degraded, nullptr);
  EXPECT_EQ((*degraded)["status"], "True");
  EXPECT_EQ((*degraded)["reason"], kReasonProgressDeadlineExceeded);
  EXPECT_EQ(Status()["phase"], kPhaseDegraded);
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventRolloutFailed});
  EXPECT_EQ((*Condition(kConditionReady))["status"], "False");
}

}  // namespace
}  // namespace minitwit::controller
