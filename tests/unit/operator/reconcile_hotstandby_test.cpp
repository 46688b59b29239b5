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
  auto reconciler_with_cache = ReconcilerWithCache(cache);
  MiniTwitReconciler& reconciler = *reconciler_with_cache;
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


// A pod of the pair as the kubelet reports it: `template_hash` names its pod template;
// containers ready or not; the handover readiness gate True or absent (Ready needs both).
Json PairPod(const std::string& name, const std::string& template_hash, bool containers_ready, bool gate,
             const std::string& role) {
  Json pod = HotStandbyPod(name, containers_ready && gate, role);
  pod["metadata"]["annotations"] = {{kAnnotationTemplateHash, template_hash}};
  pod["status"]["conditions"].push_back({{"type", "ContainersReady"}, {"status", containers_ready ? "True" : "False"}});
  if (gate) pod["status"]["conditions"].push_back({{"type", kConditionHandover}, {"status", "True"}});
  return pod;
}

bool GateOpen(FakeKubeClient& client, const std::string& pod) {
  const Json conditions = (*client.Object(api::kPodType, "mt", pod))["status"]["conditions"];
  return IsConditionTrue(conditions, kConditionHandover);
}

std::string TemplateHash(const Json& deployment) {
  return deployment["spec"]["template"]["metadata"]["annotations"][kAnnotationTemplateHash];
}

// A rollout of the pair hands the active role to an updated, Ready pod before the old active
// pod can be removed: the readiness gate keeps a second updated pod from becoming available
// (which is what lets the Deployment remove the last old pod) until the role has moved, and
// the active pod carries the higher deletion cost so the old standby goes first.
TEST_F(ReconcilerTest, HotStandbyRolloutHandsOverBeforeTheOldActiveCanGo) {
  PutMiniTwit(kPair);
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  const std::string old_hash = TemplateHash(Deployment());
  ASSERT_FALSE(old_hash.empty());
  EXPECT_EQ(Deployment()["spec"]["template"]["spec"]["readinessGates"],
            Json::array({{{"conditionType", kConditionHandover}}}));
  client_.Put(api::kPodType, PairPod("a", old_hash, true, true, "active"));
  client_.Put(api::kPodType, PairPod("b", old_hash, true, true, "standby"));
  reconciler_.Reconcile("mt", "prod");
  ASSERT_EQ(Status()["activePod"], "a");
  EXPECT_EQ((*client_.Object(api::kPodType, "mt", "a"))["metadata"]["annotations"]["controller.kubernetes.io/pod-deletion-cost"],
            "1000");

  EditSpec([](Json& spec) { spec["resources"] = {{"requests", {{"cpu", "200m"}}}}; });
  reconciler_.Reconcile("mt", "prod");
  const std::string new_hash = TemplateHash(Deployment());
  ASSERT_NE(new_hash, old_hash);

  // The first updated pod: its gate opens; the role stays until it is Ready.
  client_.Put(api::kPodType, PairPod("c", new_hash, true, false, ""));
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(GateOpen(client_, "c"));
  EXPECT_EQ(Status()["activePod"], "a");

  // Before the role moves, a second updated pod stays unavailable: the old active one stays.
  client_.Put(api::kPodType, PairPod("c", new_hash, false, true, ""));  // c not ready (yet)
  client_.Put(api::kPodType, PairPod("d", new_hash, true, false, ""));
  reconciler_.Reconcile("mt", "prod");
  EXPECT_FALSE(GateOpen(client_, "d"));
  EXPECT_EQ(Status()["activePod"], "a");

  // c is Ready: the role moves to it (c labelled active before a is labelled standby).
  client_.Put(api::kPodType, PairPod("c", new_hash, true, true, "standby"));
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Status()["activePod"], "c");
  EXPECT_EQ(Role(client_, "c"), "active");
  EXPECT_EQ(Role(client_, "a"), "standby");
  std::vector<std::string> labelled;
  for (const auto& call : client_.CallsOf("patch", "pods")) {
    if (call.subresource.empty()) labelled.push_back(call.name);
  }
  ASSERT_GE(labelled.size(), 2u);
  EXPECT_EQ(labelled[0], "c");
  // Now the second updated pod may become available, and with it the old pods may go.
  EXPECT_TRUE(GateOpen(client_, "d"));
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventHandover});
}

}  // namespace
}  // namespace minitwit::controller
