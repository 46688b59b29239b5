#include <gtest/gtest.h>

#include <algorithm>

#include "reconciler_fixture.hpp"

namespace minitwit::controller {
namespace {

TEST_F(ReconcilerTest, MissingMiniTwitIsDone) {
  const ReconcileResult result = reconciler_.Reconcile("mt", "gone");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kDone);
  EXPECT_TRUE(client_.MutatingCalls().empty());
}

TEST_F(ReconcilerTest, CreatesChildrenWithOneFieldManagerAndWritesStatus) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);

  std::vector<std::string> applied;
  for (const auto& call : client_.CallsOf("apply")) {
    applied.push_back(call.plural + "/" + call.name + (call.subresource.empty() ? "" : "/" + call.subresource));
  }
  // The Deployment first (what users wait for), status once at the end.
  EXPECT_EQ(applied, (std::vector<std::string>{"deployments/prod", "secrets/prod-session", "services/prod",
                                               "poddisruptionbudgets/prod", "minitwits/prod/status"}));
  EXPECT_EQ(Image(), "minitwit:1");
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventCreated});

  const Json status = Status();
  EXPECT_EQ(status["observedGeneration"], 1);
  EXPECT_EQ(status["phase"], kPhaseProgressing);
  EXPECT_EQ(status["selector"],
            "app.kubernetes.io/component=app,app.kubernetes.io/instance=prod,app.kubernetes.io/name=minitwit");
  EXPECT_EQ(status["image"], "minitwit:1");
  EXPECT_FALSE(status.contains("lastGoodImage"));
  ASSERT_NE(Condition(kConditionDatabaseReady), nullptr);
  EXPECT_EQ((*Condition(kConditionDatabaseReady))["status"], "True");
  EXPECT_EQ((*Condition(kConditionProgressing))["reason"], kReasonRolloutInProgress);
}

TEST_F(ReconcilerTest, ConvergedResourceMakesZeroWrites) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  Converge();
  EXPECT_EQ(Status()["phase"], kPhaseReady);
  EXPECT_EQ(Status()["lastGoodImage"], "minitwit:1");
  EXPECT_EQ(Status()["readyReplicas"], 2);

  client_.ClearCalls();
  clock_.now += 10min;
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kDone);
  EXPECT_TRUE(client_.MutatingCalls().empty()) << client_.MutatingCalls().front().verb << " "
                                               << client_.MutatingCalls().front().plural;
}

TEST_F(ReconcilerTest, StatusWrittenOnlyOnChangeAndTransitionTimeKept) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  Converge();
  const std::string available_since = (*Condition(kConditionAvailable))["lastTransitionTime"];

  clock_.now += 1h;
  client_.SetStatus(api::kDeploymentType, "mt", "prod", {{"readyReplicas", 1}});  // one pod not ready
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  ASSERT_EQ(client_.CallsOf("apply", "minitwits").size(), 1u);
  EXPECT_EQ(client_.CallsOf("apply", "minitwits")[0].subresource, "status");
  EXPECT_EQ(Status()["readyReplicas"], 1);
  // Still available: the transition time must not move.
  EXPECT_EQ((*Condition(kConditionAvailable))["lastTransitionTime"], available_since);

  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(client_.CallsOf("apply", "minitwits").empty());
}

TEST_F(ReconcilerTest, RollsBackWhenProgressDeadlineExceeded) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  Converge();
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2-broken"; });
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Image(), "minitwit:2-broken");
  EXPECT_EQ(Status()["phase"], kPhaseProgressing);

  DeploymentMissedDeadline(2);
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Image(), "minitwit:1");  // the last good image, applied again
  ASSERT_EQ(client_.CallsOf("apply", "deployments").size(), 1u);
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventRolledBack});
  const Json* rolled_back = Condition(kConditionRolledBack);
  ASSERT_NE(rolled_back, nullptr);
  EXPECT_EQ((*rolled_back)["status"], "True");
  EXPECT_NE((*rolled_back)["message"].get<std::string>().find("minitwit:2-broken"), std::string::npos);
  EXPECT_EQ(Status()["failedImage"], "minitwit:2-broken");
  EXPECT_EQ(Status()["lastGoodImage"], "minitwit:1");
  EXPECT_EQ(Status()["phase"], kPhaseDegraded);

  // The old image rolls out again; spec.image still names the failed one: nothing re-rolls.
  DeploymentRolledOut(2);
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(client_.CallsOf("apply", "deployments").empty());
  EXPECT_TRUE(EventReasons().empty());
  EXPECT_EQ(Image(), "minitwit:1");

  // A new image clears the rollback.
  EditSpec([](Json& spec) { spec["image"] = "minitwit:3"; });
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Image(), "minitwit:3");
  DeploymentRolledOut(2);
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Status()["lastGoodImage"], "minitwit:3");
  EXPECT_FALSE(Status().contains("failedImage"));
  EXPECT_EQ((*Condition(kConditionRolledBack))["status"], "False");
  EXPECT_EQ(Status()["phase"], kPhaseReady);
}

TEST_F(ReconcilerTest, PauseLeavesTheDeploymentAndSetsDegraded) {
  PutMiniTwit(R"({"image": "minitwit:1", "rollout": {"onFailure": "Pause"},
                  "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  Converge();
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2-broken"; });
  reconciler_.Reconcile("mt", "prod");
  DeploymentMissedDeadline(2);
  client_.ClearCalls();
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kDone);
  EXPECT_EQ(Image(), "minitwit:2-broken");
  EXPECT_TRUE(client_.CallsOf("apply", "deployments").empty());
  EXPECT_EQ((*Condition(kConditionDegraded))["status"], "True");
  EXPECT_EQ((*Condition(kConditionDegraded))["reason"], kReasonRolloutPaused);
  EXPECT_EQ((*Condition(kConditionRolledBack))["status"], "False");
  EXPECT_EQ(Status()["phase"], kPhaseDegraded);
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventRolloutFailed});

  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(client_.MutatingCalls().empty());  // the event is not repeated
}

TEST_F(ReconcilerTest, NoRollbackWithoutLastGoodImage) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  DeploymentMissedDeadline(0);
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Image(), "minitwit:1");
  EXPECT_EQ((*Condition(kConditionDegraded))["reason"], kReasonNoLastGoodImage);
}

TEST_F(ReconcilerTest, HorizontalPodAutoscalerOwnsReplicas) {
  PutMiniTwit(R"({"image": "minitwit:1", "autoscaling": {"minReplicas": 2, "maxReplicas": 10},
                  "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  ASSERT_EQ(client_.CallsOf("apply", "deployments").size(), 2u);  // the apply, then the bootstrap
  EXPECT_EQ(client_.CallsOf("apply", "deployments")[0].field_manager, kFieldManager);
  EXPECT_FALSE(client_.CallsOf("apply", "deployments")[0].body["spec"].contains("replicas"));
  ASSERT_EQ(client_.CallsOf("apply", "horizontalpodautoscalers").size(), 1u);

  // The HPA scales the Deployment to 7; the operator leaves that alone.
  Json deployment = Deployment();
  deployment["spec"]["replicas"] = 7;
  client_.Put(api::kDeploymentType, deployment);
  DeploymentRolledOut(7);
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(client_.CallsOf("apply", "deployments").empty());
  EXPECT_EQ(Deployment()["spec"]["replicas"], 7);
  EXPECT_EQ(Status()["replicas"], 7);
  EXPECT_EQ(Status()["phase"], kPhaseReady);

  // Autoscaling off: the HPA goes, spec.replicas comes back.
  EditSpec([](Json& spec) {
    spec.erase("autoscaling");
    spec["replicas"] = 3;
  });
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  ASSERT_EQ(client_.CallsOf("delete", "horizontalpodautoscalers").size(), 1u);
  EXPECT_EQ(Deployment()["spec"]["replicas"], 3);
}

TEST_F(ReconcilerTest, NewAutoscaledDeploymentStartsAtMinReplicasUnderABootstrapManager) {
  PutMiniTwit(R"({"image": "minitwit:1", "autoscaling": {"minReplicas": 3, "maxReplicas": 10},
                  "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");

  const auto applies = client_.CallsOf("apply", "deployments");
  ASSERT_EQ(applies.size(), 2u);
  // The main field manager never carries spec.replicas; the bootstrap manager carries only it.
  EXPECT_EQ(applies[0].field_manager, kFieldManager);
  EXPECT_FALSE(applies[0].body["spec"].contains("replicas"));
  EXPECT_EQ(applies[1].field_manager, kBootstrapFieldManager);
  EXPECT_EQ(applies[1].body["spec"], (Json{{"replicas", 3}}));
  EXPECT_EQ(Deployment()["spec"]["replicas"], 3);
  // The Deployment is the first child applied: it is what the user waits for.
  const auto mutating = client_.MutatingCalls();
  ASSERT_FALSE(mutating.empty());
  EXPECT_EQ(mutating[0].plural, "deployments");

  // Once the Deployment exists the bootstrap is not repeated, even after the HPA scaled it.
  Json deployment = Deployment();
  deployment["spec"]["replicas"] = 5;
  client_.Put(api::kDeploymentType, deployment);
  EditSpec([](Json& spec) { spec["image"] = "minitwit:2"; });
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  for (const auto& call : client_.CallsOf("apply", "deployments")) {
    EXPECT_EQ(call.field_manager, kFieldManager);
    EXPECT_FALSE(call.body["spec"].contains("replicas"));
  }
  EXPECT_EQ(Deployment()["spec"]["replicas"], 5);
}

TEST_F(ReconcilerTest, FixedReplicasNeedNoBootstrap) {
  PutMiniTwit(R"({"image": "minitwit:1", "replicas": 3, "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  const auto applies = client_.CallsOf("apply", "deployments");
  ASSERT_EQ(applies.size(), 1u);
  EXPECT_EQ(applies[0].field_manager, kFieldManager);
  EXPECT_EQ(applies[0].body["spec"]["replicas"], 3);
}

TEST_F(ReconcilerTest, MissingSecretSetsDatabaseNotReadyAndRequeues) {
  PutMiniTwit(kExternal);
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(result.after, 10s);
  EXPECT_TRUE(client_.CallsOf("apply", "deployments").empty());
  const Json* database = Condition(kConditionDatabaseReady);
  ASSERT_NE(database, nullptr);
  EXPECT_EQ((*database)["status"], "False");
  EXPECT_EQ((*database)["reason"], kReasonSecretNotFound);
  // Degraded (it needs the user), and phase says so too: phase and Degraded never disagree.
  EXPECT_EQ((*Condition(kConditionDegraded))["status"], "True");
  EXPECT_EQ(Status()["phase"], kPhaseDegraded);
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventSecretNotFound});

  // Secret without the key.
  client_.Put(api::kSecretType, {{"apiVersion", "v1"},
                                 {"kind", "Secret"},
                                 {"metadata", {{"name", "pg"}, {"namespace", "mt"}}},
                                 {"data", {{"url", Base64Encode("x")}}}});
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ((*Condition(kConditionDatabaseReady))["reason"], kReasonSecretKeyMissing);

  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ((*Condition(kConditionDatabaseReady))["status"], "True");
  EXPECT_EQ(Image(), "minitwit:1");
}

TEST_F(ReconcilerTest, InClusterSecretsAreGeneratedOnceAndReused) {
  PutMiniTwit(R"({"image": "minitwit:1", "database": {"inCluster": {}}})");
  reconciler_.Reconcile("mt", "prod");
  const Json db_secret = *client_.Object(api::kSecretType, "mt", "prod-db");
  const std::string password = *Base64Decode(db_secret["data"]["password"].get<std::string>());
  EXPECT_FALSE(password.empty());
  EXPECT_EQ(Status()["phase"], kPhasePending);  // the database is not ready yet
  EXPECT_EQ((*Condition(kConditionDatabaseReady))["reason"], kReasonDatabaseStarting);
  ASSERT_TRUE(client_.Object(api::kStatefulSetType, "mt", "prod-db").has_value());
  ASSERT_TRUE(client_.Object(api::kNetworkPolicyType, "mt", "prod-db").has_value());
  ASSERT_TRUE(client_.Object(api::kPersistentVolumeClaimType, "mt", "prod-db-data").has_value());

  client_.SetStatus(api::kStatefulSetType, "mt", "prod-db", {{"readyReplicas", 1}});
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(client_.CallsOf("apply", "secrets").empty());
  EXPECT_EQ(*Base64Decode((*client_.Object(api::kSecretType, "mt", "prod-db"))["data"]["password"].get<std::string>()),
            password);
  EXPECT_EQ((*Condition(kConditionDatabaseReady))["status"], "True");
}

TEST_F(ReconcilerTest, HotStandbyFailoverMovesTheRoleLabel) {
  PutMiniTwit(R"({"image": "minitwit:1", "mode": "HotStandby", "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Deployment()["spec"]["replicas"], 2);

  client_.Put(api::kPodType, HotStandbyPod("prod-a", true, ""));
  client_.Put(api::kPodType, HotStandbyPod("prod-b", true, ""));
  ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(result.after, 1s);
  const std::string first = Status()["activePod"];
  const std::string second = first == "prod-a" ? "prod-b" : "prod-a";
  EXPECT_EQ((*client_.Object(api::kPodType, "mt", first))["metadata"]["labels"]["minitwit.dev/role"], "active");
  EXPECT_EQ((*client_.Object(api::kPodType, "mt", second))["metadata"]["labels"]["minitwit.dev/role"], "standby");

  // The active pod stops being ready.
  client_.Put(api::kPodType, HotStandbyPod(first, false, "active"));
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(Status()["activePod"], second);
  EXPECT_EQ((*client_.Object(api::kPodType, "mt", second))["metadata"]["labels"]["minitwit.dev/role"], "active");
  EXPECT_EQ((*client_.Object(api::kPodType, "mt", first))["metadata"]["labels"]["minitwit.dev/role"], "standby");
  EXPECT_EQ(client_.CallsOf("patch", "pods").size(), 2u);
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventFailover});

  // Stable: nothing more to patch.
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(client_.CallsOf("patch", "pods").empty());
}

TEST_F(ReconcilerTest, InvalidSpecIsReportedNotApplied) {
  PutMiniTwit(R"({"image": "minitwit:1", "mode": "HotStandby", "autoscaling": {"maxReplicas": 4},
                  "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kDone);
  EXPECT_TRUE(client_.CallsOf("apply", "deployments").empty());
  EXPECT_EQ(Status()["phase"], kPhaseDegraded);
  EXPECT_EQ((*Condition(kConditionDegraded))["reason"], kReasonInvalidSpec);
  EXPECT_EQ(EventReasons(), std::vector<std::string>{kEventInvalidSpec});
}

TEST_F(ReconcilerTest, ApplyErrorIsReturnedForBackoff) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  client_.FailNext("apply", "deployments", {500, "InternalError", "etcd is sad"});
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kError);
  EXPECT_NE(result.error.find("etcd is sad"), std::string::npos);
  const std::vector<std::string> reasons = EventReasons();
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), kEventApplyFailed), reasons.end());
}

TEST_F(ReconcilerTest, DeletingMiniTwitIsLeftToTheGarbageCollector) {
  PutMiniTwit(kExternal);
  Json object = *client_.Object(api::kMiniTwitType, "mt", "prod");
  object["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  client_.Put(api::kMiniTwitType, object);
  EXPECT_EQ(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kDone);
  EXPECT_TRUE(client_.MutatingCalls().empty());
}

// An informer cache that has not seen anything yet.
class EmptyCache : public kube::ObjectCache {
 public:
  std::optional<Json> Get(const std::string&, const std::string&) const override { return std::nullopt; }
  std::vector<Json> List(const std::string&, const std::map<std::string, std::string>&) const override { return {}; }
  bool HasSynced() const override { return true; }
};

TEST(ReconcilerCacheTest, GeneratedSecretIsConfirmedBeforeRegenerating) {
  FakeKubeClient client;
  FakeWallClock clock;
  EmptyCache secrets;
  ReconcilerCaches caches;
  caches.Set(api::kSecretType, &secrets);
  int generated = 0;
  ReconcilerOptions options;
  options.generate_secret = [&] { return "generated-" + std::to_string(++generated); };
  MiniTwitReconciler reconciler(client, clock, caches, options);
  client.Put(api::kMiniTwitType, {{"apiVersion", "minitwit.dev/v1alpha1"},
                                  {"kind", "MiniTwit"},
                                  {"metadata", {{"name", "prod"}, {"namespace", "mt"}, {"uid", "uid-1"}}},
                                  {"spec", {{"image", "m:1"}, {"database", {{"inCluster", Json::object()}}}}}});
  reconciler.Reconcile("mt", "prod");
  const Json first = *client.Object(api::kSecretType, "mt", "prod-db");
  // The cache still misses the Secret; the reconciler must not generate a second password.
  reconciler.Reconcile("mt", "prod");
  EXPECT_EQ((*client.Object(api::kSecretType, "mt", "prod-db"))["data"]["password"], first["data"]["password"]);
  EXPECT_EQ(generated, 2);  // one database password, one session secret
}

TEST(ReconcilerCacheTest, ExternalSecretOutsideTheCacheIsRead) {
  FakeKubeClient client;
  FakeWallClock clock;
  EmptyCache secrets;  // the informer only holds Secrets labelled as the operator's
  ReconcilerCaches caches;
  caches.Set(api::kSecretType, &secrets);
  MiniTwitReconciler reconciler(client, clock, caches);
  client.Put(api::kMiniTwitType, {{"apiVersion", "minitwit.dev/v1alpha1"},
                                  {"kind", "MiniTwit"},
                                  {"metadata", {{"name", "prod"}, {"namespace", "mt"}, {"uid", "uid-1"}}},
                                  {"spec", {{"image", "m:1"}, {"database", {{"external", {{"secretName", "pg"}}}}}}}});
  client.Put(api::kSecretType, {{"apiVersion", "v1"},
                                {"kind", "Secret"},
                                {"metadata", {{"name", "pg"}, {"namespace", "mt"}}},
                                {"data", {{"uri", Base64Encode("postgresql://u:p@db/minitwit")}}}});
  reconciler.Reconcile("mt", "prod");
  const Json status = (*client.Object(api::kMiniTwitType, "mt", "prod"))["status"];
  EXPECT_TRUE(IsConditionTrue(status["conditions"], kConditionDatabaseReady));
  EXPECT_TRUE(client.Object(api::kDeploymentType, "mt", "prod").has_value());
}

TEST_F(ReconcilerTest, EventsNameTheMiniTwit) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "prod");
  const auto events = client_.CallsOf("create", "events");
  ASSERT_EQ(events.size(), 1u);
  const Json& event = events[0].body;
  EXPECT_EQ(events[0].ns, "mt");
  EXPECT_EQ(event["involvedObject"],
            Json({{"apiVersion", "minitwit.dev/v1alpha1"}, {"kind", "MiniTwit"}, {"name", "prod"},
                  {"namespace", "mt"}, {"uid", "uid-1"}}));
  EXPECT_EQ(event["type"], "Normal");
  EXPECT_EQ(event["firstTimestamp"], FormatTime(clock_.now));
  EXPECT_EQ(event["metadata"]["name"].get<std::string>().rfind("prod.", 0), 0u);
}

TEST(FormatTime, Rfc3339Utc) {
  EXPECT_EQ(FormatTime(std::chrono::system_clock::from_time_t(0)), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace minitwit::controller
