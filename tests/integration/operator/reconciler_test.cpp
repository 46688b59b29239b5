// The reconciler against a real API server where its correctness rests on the server's
// behaviour: the HotStandby handover gate is a JSON patch of pods/status that the kubelet
// leaves alone, next to the kubelet's own conditions.
#include "controller/reconciler.hpp"

#include <gtest/gtest.h>

#include "api/resource_types.hpp"
#include "controller/conditions.hpp"
#include "controller/desired_state.hpp"
#include "kube_test_env.hpp"

namespace minitwit::controller {
namespace {

using kube::Json;

class ReconcilerIntegrationTest : public testing::KubeTest {
 protected:
  // A pod of the pair as the Deployment would make it (no node here: the control plane alone),
  // with the kubelet's conditions written through /status.
  void PutPod(const std::string& name, const Json& template_metadata, bool containers_ready) {
    Json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", name}, {"labels", template_metadata["labels"]},
                              {"annotations", template_metadata["annotations"]}}},
                {"spec",
                 {{"containers", Json::array({{{"name", "minitwit"}, {"image", "minitwit:1"}}})},
                  {"readinessGates", Json::array({{{"conditionType", kConditionHandover}}})}}}};
    // Retried: a new namespace gets its default ServiceAccount, which pods need, a moment later.
    kube::ApiError last;
    ASSERT_TRUE(Eventually([&] {
      auto created = client_->Create(api::kPodType, ns_, pod);
      if (!created.ok()) last = created.error();
      return created.ok();
    })) << last.status << " " << last.message;
    const char* ready = containers_ready ? "True" : "False";
    Json status = {{"status",
                    {{"phase", "Running"},
                     {"conditions", Json::array({{{"type", "ContainersReady"}, {"status", ready}},
                                                 {{"type", "Ready"}, {"status", "False"}}})}}}};
    auto patched = client_->Patch(api::kPodType, ns_, name, status, kube::PatchType::kStrategicMerge, "status");
    ASSERT_TRUE(patched.ok()) << patched.error().status << " " << patched.error().message;
  }

  Json Conditions(const std::string& pod) {
    auto read = client_->Get(api::kPodType, ns_, pod);
    EXPECT_TRUE(read.ok());
    return read.ok() ? read.value()["status"]["conditions"] : Json::array();
  }
};

TEST_F(ReconcilerIntegrationTest, HandoverGateOpensThroughPodStatusBesideTheKubeletsConditions) {
  InstallCrd();
  SystemWallClock clock;
  MiniTwitReconciler reconciler(*client_, clock);
  Json secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "pg"}}},
                 {"stringData", {{"uri", "postgresql://u:p@db/minitwit"}}}};
  ASSERT_TRUE(client_->Create(api::kSecretType, ns_, secret).ok());
  Json minitwit = {{"apiVersion", "minitwit.dev/v1alpha1"},
                   {"kind", "MiniTwit"},
                   {"metadata", {{"name", "pair"}}},
                   {"spec", {{"image", "minitwit:1"}, {"mode", "HotStandby"},
                             {"database", {{"external", {{"secretName", "pg"}}}}}}}};
  ASSERT_TRUE(client_->Create(api::kMiniTwitType, ns_, minitwit).ok());
  ASSERT_NE(reconciler.Reconcile(ns_, "pair").kind, ReconcileResult::Kind::kError);
  auto deployment = client_->Get(api::kDeploymentType, ns_, "pair");
  ASSERT_TRUE(deployment.ok());
  const Json template_metadata = deployment.value()["spec"]["template"]["metadata"];

  PutPod("pair-a", template_metadata, true);
  PutPod("pair-b", template_metadata, false);
  reconciler.Reconcile(ns_, "pair");
  const Json a = Conditions("pair-a");
  EXPECT_TRUE(IsConditionTrue(a, kConditionHandover)) << a.dump();
  EXPECT_TRUE(IsConditionTrue(a, "ContainersReady")) << a.dump();  // the kubelet's condition kept
  EXPECT_EQ(FindCondition(Conditions("pair-b"), kConditionHandover), nullptr);  // containers not ready

  // A second reconcile adds nothing: one gate condition, not two.
  reconciler.Reconcile(ns_, "pair");
  int gates = 0;
  for (const Json& condition : Conditions("pair-a")) gates += condition.value("type", "") == kConditionHandover;
  EXPECT_EQ(gates, 1);
  client_->Delete(api::kMiniTwitType, ns_, "pair");
}

}  // namespace
}  // namespace minitwit::controller
