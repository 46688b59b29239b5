// The control loop's decisions: which key a child event enqueues, and what each reconcile
// result does to the queue.
#include "controller/controller.hpp"

#include <gtest/gtest.h>

#include "fake_clock.hpp"
#include "fake_kube_client.hpp"

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
  EXPECT_NE(caches.minitwits, nullptr);
  EXPECT_NE(caches.deployments, nullptr);
  EXPECT_NE(caches.pods, nullptr);
  EXPECT_NE(caches.horizontal_pod_autoscalers, nullptr);
  EXPECT_NE(caches.network_policies, nullptr);
  EXPECT_FALSE(controller_.HasSynced());
}

}  // namespace
}  // namespace minitwit::controller
