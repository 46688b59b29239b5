#pragma once

// The reconciler's unit-test fixture, shared by the tests of its files (one per phase).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/resource_types.hpp"
#include "controller/conditions.hpp"
#include "controller/desired_state.hpp"
#include "controller/reconciler.hpp"
#include "fake_kube_client.hpp"
#include "kube/object_cache.hpp"

namespace minitwit::controller {

using minitwit::testing::FakeKubeClient;
using namespace std::chrono_literals;

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

  // A reconciler whose MiniTwit reads go through `cache` (other kinds through the client).
  std::unique_ptr<MiniTwitReconciler> ReconcilerWithCache(const kube::ObjectCache& cache) {
    ReconcilerCaches caches;
    caches.Set(api::kMiniTwitType, &cache);
    return std::make_unique<MiniTwitReconciler>(client_, clock_, caches, Options());
  }

  FakeKubeClient client_;
  FakeWallClock clock_;
  int generated_ = 0;
  MiniTwitReconciler reconciler_;
};

inline constexpr char kExternal[] = R"({"image": "minitwit:1", "database": {"external": {"secretName": "pg"}}})";

// An informer cache of one type that can fall behind the API server: it reads through to the
// fake client until Freeze(), then keeps answering with what it held at that moment, as an
// informer does before the watch delivers the latest write.
class LaggingCache : public kube::ObjectCache {
 public:
  LaggingCache(const FakeKubeClient& client, kube::ResourceType type) : client_(client), type_(std::move(type)) {}
  void Freeze(const std::string& ns, const std::string& name) { frozen_ = client_.Object(type_, ns, name); }
  void Thaw() { frozen_.reset(); }
  std::optional<Json> Get(const std::string& ns, const std::string& name) const override {
    if (frozen_) return frozen_;
    return client_.Object(type_, ns, name);
  }
  std::vector<Json> List(const std::string&, const std::map<std::string, std::string>&) const override {
    return client_.Objects(type_);
  }
  bool HasSynced() const override { return true; }

 private:
  const FakeKubeClient& client_;
  kube::ResourceType type_;
  std::optional<Json> frozen_;
};

// A HotStandby pod of the MiniTwit "prod" running `image`.
inline Json HotStandbyPod(const std::string& name, bool ready, const std::string& role,
                          const std::string& image = "minitwit:1") {
  Json labels = {{"app.kubernetes.io/name", "minitwit"}, {"app.kubernetes.io/instance", "prod"},
                 {"app.kubernetes.io/component", "app"}};
  if (!role.empty()) labels["minitwit.dev/role"] = role;
  return Json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "mt"}, {"labels", labels}}},
              {"spec", {{"containers", Json::array({{{"name", "minitwit"}, {"image", image}}})}}},
              {"status",
               {{"phase", "Running"},
                {"conditions", Json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

}  // namespace minitwit::controller
