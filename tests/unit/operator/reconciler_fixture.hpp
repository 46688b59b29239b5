#pragma once

// The fixture of the reconciler's unit tests: a MiniTwitReconciler on a FakeKubeClient with a
// fixed wall clock, and helpers that play the API server's and the Deployment controller's part.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "api/resource_types.hpp"
#include "controller/conditions.hpp"
#include "controller/desired_state.hpp"
#include "controller/reconciler.hpp"
#include "fake_kube_client.hpp"

namespace minitwit::controller {


class FakeWallClock : public WallClock {
 public:
  std::chrono::system_clock::time_point Now() const override { return now; }
  std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'800'000'000);
};

class ReconcilerTest : public ::testing::Test {
 protected:
  ReconcilerTest() : reconciler_(client_, clock_, {}, Options()) {}

  ReconcilerOptions Options() {
    ReconcilerOptions options;
    options.generate_secret = [this] { return "generated-" + std::to_string(++generated_); };
    return options;
  }

  void PutMiniTwit(const char* spec_json) {
    client_.Put(api::kMiniTwitType,
                {{"apiVersion", "minitwit.dev/v1alpha1"},
                 {"kind", "MiniTwit"},
                 {"metadata", {{"name", "prod"}, {"namespace", "mt"}, {"uid", "uid-1"}}},
                 {"spec", Json::parse(spec_json)}});
  }

  void EditSpec(const std::function<void(Json&)>& edit) {
    Json object = *client_.Object(api::kMiniTwitType, "mt", "prod");
    edit(object["spec"]);
    client_.Put(api::kMiniTwitType, object);
  }

  void PutDatabaseSecret() {
    client_.Put(api::kSecretType, {{"apiVersion", "v1"},
                                   {"kind", "Secret"},
                                   {"metadata", {{"name", "pg"}, {"namespace", "mt"}}},
                                   {"data", {{"uri", Base64Encode("postgresql://u:p@db/minitwit")}}}});
  }

  Json Deployment() { return client_.Object(api::kDeploymentType, "mt", "prod").value_or(Json()); }
  Json Status() { return client_.Object(api::kMiniTwitType, "mt", "prod").value()["status"]; }
  std::string Image() { return Deployment()["spec"]["template"]["spec"]["containers"][0]["image"]; }

  // The Deployment controller finished: every replica of the template is available.
  void DeploymentRolledOut(int replicas) {
    const int64_t generation = Deployment()["metadata"]["generation"];
    client_.SetStatus(api::kDeploymentType, "mt", "prod",
                      {{"observedGeneration", generation},
                       {"replicas", replicas},
                       {"updatedReplicas", replicas},
                       {"readyReplicas", replicas},
                       {"availableReplicas", replicas},
                       {"conditions", Json::array({{{"type", "Progressing"}, {"status", "True"},
                                                    {"reason", "NewReplicaSetAvailable"}},
                                                   {{"type", "Available"}, {"status", "True"},
                                                    {"reason", "MinimumReplicasAvailable"}}})}});
  }

  // The Deployment controller gave up on the new template; old pods still serve.
  void DeploymentMissedDeadline(int replicas) {
    const int64_t generation = Deployment()["metadata"]["generation"];
    client_.SetStatus(api::kDeploymentType, "mt", "prod",
                      {{"observedGeneration", generation},
                       {"replicas", replicas + 1},
                       {"updatedReplicas", 1},
                       {"readyReplicas", replicas},
                       {"availableReplicas", replicas},
                       {"conditions", Json::array({{{"type", "Progressing"}, {"status", "False"},
                                                    {"reason", "ProgressDeadlineExceeded"}},
                                                   {{"type", "Available"}, {"status", "True"},
                                                    {"reason", "MinimumReplicasAvailable"}}})}});
  }

  const Json* Condition(const std::string& type) {
    static Json holder;
    holder = Status()["conditions"];
    return FindCondition(holder, type);
  }

  std::vector<std::string> EventReasons() {
    std::vector<std::string> reasons;
    for (const auto& call : client_.CallsOf("create", "events")) reasons.push_back(call.body["reason"]);
    return reasons;
  }

  // Reconciles, then lets the Deployment roll out, then reconciles again.
  void Converge(int replicas = 2) {
    ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
    DeploymentRolledOut(replicas);
    ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  }

  minitwit::testing::FakeKubeClient client_;
  FakeWallClock clock_;
  int generated_ = 0;
  MiniTwitReconciler reconciler_;
};

inline constexpr char kExternal[] = R"({"image": "minitwit:1", "database": {"external": {"secretName": "pg"}}})";

}  // namespace minitwit::controller
