// HotStandby: the active role, whatever else fails, and its events.
#include <gtest/gtest.h>

#include "reconciler_fixture.hpp"

namespace minitwit::controller {
namespace {

constexpr char kPair[] = R"({"image": "minitwit:1", "mode": "HotStandby", "database": {"external": {"secretName": "pg"}}})";

std::string Role(FakeKubeClient& client, const std::string& pod) {
  return (*client.Object(api::kPodType, "mt", pod))["metadata"]["labels"].value("minitwit.dev/role", "");
}

// A failed apply of an unrelated change must not keep the role on an unready pod.
TEST_F(ReconcilerTest, ApplyFailureDoesNotStopFailover) {
  PutMiniTwit(kPair);
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  client_.Put(api::kPodType, HotStandbyPod("prod-a", true, "active"));
  client_.Put(api::kPodType, HotStandbyPod("prod-b", true, "standby"));
  reconciler_.Reconcile("mt", "prod");
  ASSERT_EQ(Status()["activePod"], "prod-a");

  client_.Put(api::kPodType, HotStandbyPod("prod-a", false, "active"));
  EditSpec([](Json& spec) { spec["resources"] = {{"requests", {{"cpu", "200m"}}}}; });
  client_.FailNext("apply", "deployments", {422, "Invalid", "refused"});
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(Status()["activePod"], "prod-b");
  EXPECT_EQ(Role(client_, "prod-b"), "active");
  EXPECT_EQ(Role(client_, "prod-a"), "standby");
}

// The first choice of an active pod is one event, even when the next reconcile reads a
// MiniTwit from a cache that has not yet seen the status naming the active pod.
TEST_F(ReconcilerTest, ActivePodSelectedIsRecordedOnce) {
  LaggingCache cache(client_, api::kMiniTwitType);
  ReconcilerCaches caches;
  caches.minitwits = &cache;
  MiniTwitReconciler reconciler(client_, clock_, caches, Options());
  PutMiniTwit(kPair);
  PutDatabaseSecret();
  reconciler.Reconcile("mt", "prod");
  client_.Put(api::kPodType, HotStandbyPod("prod-a", true, ""));
  client_.Put(api::kPodType, HotStandbyPod("prod-b", true, ""));
  cache.Freeze("mt", "prod");
  client_.ClearCalls();
  reconciler.Reconcile("mt", "prod");
  reconciler.Reconcile("mt", "prod");
  cache.Thaw();
  reconciler.Reconcile("mt", "prod");
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventActivePodSelected});
}

}  // namespace
}  // namespace minitwit::controller
