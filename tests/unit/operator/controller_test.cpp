// The control loop's decisions: which key a child event enqueues, and what each reconcile
// result does to the queue.
#include "controller/controller.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "api/resource_types.hpp"
#include "fake_clock.hpp"
#include "fake_kube_client.hpp"
#include "kube/rest_kube_client.hpp"

namespace minitwit::controller {
namespace {

using namespace std::chrono_literals;
using kube::Json;

TEST(OwnerKeyTest, FollowsTheMiniTwitOwnerReference) {
  Json child = {{"metadata",
                 {{"namespace", "prod"},
                  {"name", "site-app"},
                  {"ownerReferences",
                   {{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "rs"}},
                    {{"apiVersion", "minitwit.dev/v1alpha1"}, {"kind", "MiniTwit"}, {"name", "site"}}}}}}};
  EXPECT_EQ(OwnerKey(child), "prod/site");
}

TEST(OwnerKeyTest, FallsBackToTheInstanceLabelOfManagedObjects) {
  Json pod = {{"metadata",
               {{"namespace", "prod"},
                {"name", "site-app-xyz"},
                {"ownerReferences", {{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "rs"}}}},
                {"labels", {{"app.kubernetes.io/instance", "site"}, {"app.kubernetes.io/managed-by", "minitwit-operator"}}}}}};
  EXPECT_EQ(OwnerKey(pod), "prod/site");
  Json foreign = pod;
  foreign["metadata"]["labels"]["app.kubernetes.io/managed-by"] = "helm";
  EXPECT_EQ(OwnerKey(foreign), std::nullopt);
  EXPECT_EQ(OwnerKey(Json{{"metadata", {{"name", "x"}}}}), std::nullopt);
  EXPECT_EQ(OwnerKey(Json::object()), std::nullopt);
}

Json Versioned(Json object, const std::string& version) {
  object["metadata"]["resourceVersion"] = version;
  return object;
}

TEST(UpdateNeedsReconcileTest, OwnStatusWritesToAMiniTwitAreIgnored) {
  const Json minitwit = {{"metadata", {{"name", "site"}, {"namespace", "prod"}, {"generation", 1}}},
                         {"spec", {{"image", "minitwit:1"}}},
                         {"status", {{"observedGeneration", 0}}}};
  const Json old_object = Versioned(minitwit, "10");
  Json status_written = Versioned(minitwit, "11");
  status_written["status"]["observedGeneration"] = 1;
  EXPECT_FALSE(UpdateNeedsReconcile(api::kMiniTwitType, old_object, status_written));

  Json spec_changed = Versioned(minitwit, "12");
  spec_changed["spec"]["image"] = "minitwit:2";
  spec_changed["metadata"]["generation"] = 2;
  EXPECT_TRUE(UpdateNeedsReconcile(api::kMiniTwitType, old_object, spec_changed));
  Json relabelled = Versioned(minitwit, "13");
  relabelled["metadata"]["labels"] = {{"team", "a"}};
  EXPECT_TRUE(UpdateNeedsReconcile(api::kMiniTwitType, old_object, relabelled));
  Json deleting = Versioned(minitwit, "14");
  deleting["metadata"]["deletionTimestamp"] = "2026-11-23T18:00:00Z";
  EXPECT_TRUE(UpdateNeedsReconcile(api::kMiniTwitType, old_object, deleting));
  // A periodic resync hands over the same version: always reconciled.
  EXPECT_TRUE(UpdateNeedsReconcile(api::kMiniTwitType, old_object, old_object));
}

TEST(UpdateNeedsReconcileTest, ChildStatusCountsOnlyWhereTheReconcilerReadsIt) {
  const Json child = {{"metadata", {{"name", "site"}, {"namespace", "prod"}}}, {"spec", {{"x", 1}}}, {"status", Json::object()}};
  Json status_moved = Versioned(child, "21");
  status_moved["status"]["currentHealthy"] = 2;
  const Json old_object = Versioned(child, "20");
  EXPECT_TRUE(UpdateNeedsReconcile(api::kDeploymentType, old_object, status_moved));
  EXPECT_TRUE(UpdateNeedsReconcile(api::kStatefulSetType, old_object, status_moved));
  EXPECT_TRUE(UpdateNeedsReconcile(api::kPodType, old_object, status_moved));
  EXPECT_FALSE(UpdateNeedsReconcile(api::kPodDisruptionBudgetType, old_object, status_moved));
  EXPECT_FALSE(UpdateNeedsReconcile(api::kServiceType, old_object, status_moved));
  EXPECT_FALSE(UpdateNeedsReconcile(api::kHorizontalPodAutoscalerType, old_object, status_moved));
  // An HPA's status counts when its replicas or last scale time move, not its metrics.
  Json hpa = Versioned(child, "30");
  hpa["status"] = {{"currentReplicas", 2}, {"desiredReplicas", 2}, {"currentMetrics", Json::array()}};
  Json metrics_moved = Versioned(hpa, "31");
  metrics_moved["status"]["currentMetrics"] = Json::array({{{"type", "Resource"}}});
  EXPECT_FALSE(UpdateNeedsReconcile(api::kHorizontalPodAutoscalerType, hpa, metrics_moved));
  for (const char* key : {"currentReplicas", "desiredReplicas"}) {
    Json scaled = Versioned(hpa, "32");
    scaled["status"][key] = 4;
    EXPECT_TRUE(UpdateNeedsReconcile(api::kHorizontalPodAutoscalerType, hpa, scaled)) << key;
  }
  Json scaled_at = Versioned(hpa, "33");
  scaled_at["status"]["lastScaleTime"] = "2026-11-30T12:00:00Z";
  EXPECT_TRUE(UpdateNeedsReconcile(api::kHorizontalPodAutoscalerType, hpa, scaled_at));
  // Someone edits a child's spec: the operator puts it back.
  Json edited = Versioned(child, "22");
  edited["spec"]["x"] = 2;
  EXPECT_TRUE(UpdateNeedsReconcile(api::kServiceType, old_object, edited));
}

class ScriptedReconciler : public Reconciler {
 public:
  ReconcileResult Reconcile(const std::string& ns, const std::string& name) override {
    calls.push_back(ns + "/" + name);
    if (results.empty()) return {ReconcileResult::Kind::kDone, {}, ""};
    auto result = results.front();
    results.erase(results.begin());
    return result;
  }
  std::vector<ReconcileResult> results;
  std::vector<std::string> calls;
};

class ControllerTest : public ::testing::Test {
 protected:
  testing::FakeKubeClient client_;
  observability::Registry registry_;
  observability::OperatorMetrics metrics_{registry_};
  testing::FakeClock clock_;
  Controller controller_{client_, metrics_, clock_, ControllerOptions{}};
  ScriptedReconciler reconciler_;
};

TEST_F(ControllerTest, ErrorsBackOffRequeueAfterWaitsAndDoneForgets) {
  reconciler_.results = {{ReconcileResult::Kind::kError, {}, "boom"},
                         {ReconcileResult::Kind::kError, {}, "boom"},
                         {ReconcileResult::Kind::kRequeueAfter, 30s, ""},
                         {ReconcileResult::Kind::kDone, {}, ""}};
  controller_.Queue().Add("prod/site");
  ASSERT_TRUE(controller_.ProcessNext(reconciler_));
  EXPECT_EQ(reconciler_.calls, std::vector<std::string>{"prod/site"});
  EXPECT_FALSE(controller_.ProcessNext(reconciler_)) << "an error waits for its back-off";
  clock_.Advance(5ms);
  ASSERT_TRUE(controller_.ProcessNext(reconciler_));
  clock_.Advance(5ms);
  EXPECT_FALSE(controller_.ProcessNext(reconciler_)) << "the second back-off is 10 ms";
  clock_.Advance(5ms);
  ASSERT_TRUE(controller_.ProcessNext(reconciler_));  // requeue after 30 s, back-off forgotten
  EXPECT_EQ(controller_.Queue().NumRequeues("prod/site"), 0);
  clock_.Advance(29s);
  EXPECT_FALSE(controller_.ProcessNext(reconciler_));
  clock_.Advance(1s);
  ASSERT_TRUE(controller_.ProcessNext(reconciler_));
  EXPECT_FALSE(controller_.ProcessNext(reconciler_));
  EXPECT_EQ(reconciler_.calls.size(), 4u);
  EXPECT_EQ(metrics_.reconciles.Value({"error"}), 2.0);
  EXPECT_EQ(metrics_.reconciles.Value({"requeue"}), 1.0);
  EXPECT_EQ(metrics_.reconciles.Value({"success"}), 1.0);
  EXPECT_EQ(metrics_.reconcile_duration.Count({}), 4u);
}

TEST_F(ControllerTest, AnExceptionIsAnError) {
  struct Throwing : Reconciler {
    ReconcileResult Reconcile(const std::string&, const std::string&) override { throw std::runtime_error("bug"); }
  } throwing;
  controller_.Queue().Add("prod/site");
  ASSERT_TRUE(controller_.ProcessNext(throwing));
  EXPECT_EQ(metrics_.reconciles.Value({"error"}), 1.0);
  EXPECT_EQ(controller_.Queue().NumRequeues("prod/site"), 1);
}

TEST_F(ControllerTest, CachesCoverEveryChildTypeAndAreNotSyncedBeforeStart) {
  auto caches = controller_.Caches();
  for (const api::KindUse& kind : api::Kinds()) {
    EXPECT_EQ(caches.For(kind.type) != nullptr, kind.watched) << kind.type.plural;
  }
  EXPECT_FALSE(controller_.HasSynced());
}

// WATCH_NAMESPACES: each watched kind is listed per watched namespace (a Role there is
// enough); with none, across the cluster (a ClusterRole is needed).
std::set<std::string> ListedPaths(const std::vector<std::string>& namespaces) {
  testing::FakeKubeClient client;
  observability::Registry registry;
  observability::OperatorMetrics metrics{registry};
  testing::FakeClock clock;
  ControllerOptions options;
  options.namespaces = namespaces;
  Controller controller{client, metrics, clock, options};
  controller.StartInformers();
  for (int i = 0; i < 500 && !controller.HasSynced(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(controller.HasSynced());
  controller.StopInformers();
  std::set<std::string> paths;
  for (const auto& call : client.Calls()) {
    if (call.verb != "list" && call.verb != "watch") continue;
    for (const api::KindUse& kind : api::Kinds()) {
      if (kind.type.plural == call.plural) paths.insert(kube::ResourcePath(kind.type, call.ns));
    }
  }
  return paths;
}

TEST(ControllerNamespaces, NamespacedModeListsAndWatchesOnlyTheWatchedNamespaces) {
  std::set<std::string> want;
  for (const api::KindUse& kind : api::Kinds()) {
    if (!kind.watched) continue;
    for (const char* ns : {"team-a", "team-b"}) want.insert(kube::ResourcePath(kind.type, ns));
  }
  const std::set<std::string> paths = ListedPaths({"team-a", "team-b"});
  EXPECT_EQ(paths, want);
  EXPECT_TRUE(paths.contains("/api/v1/namespaces/team-a/secrets"));
  EXPECT_FALSE(paths.contains("/api/v1/secrets")) << "no cluster-wide Secret list in namespaced mode";
  EXPECT_TRUE(paths.contains("/apis/minitwit.dev/v1alpha1/namespaces/team-b/minitwits"));
}

TEST(ControllerNamespaces, NoNamespacesListsAndWatchesClusterWide) {
  std::set<std::string> want;
  for (const api::KindUse& kind : api::Kinds()) {
    if (kind.watched) want.insert(kube::ResourcePath(kind.type, ""));
  }
  const std::set<std::string> paths = ListedPaths({});
  EXPECT_EQ(paths, want);
  EXPECT_TRUE(paths.contains("/api/v1/secrets"));
  EXPECT_TRUE(paths.contains("/apis/minitwit.dev/v1alpha1/minitwits"));
}

}  // namespace
}  // namespace minitwit::controller
