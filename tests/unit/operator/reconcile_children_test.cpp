// Children: drift of what the operator owns, names owned by another MiniTwit, field manager.
#include <gtest/gtest.h>

#include "reconciler_fixture.hpp"

namespace minitwit::controller {
namespace {

TEST_F(ReconcilerTest, EnvAddedBySomeoneElseCausesNoApply) {
  PutMiniTwit(kExternal);
  PutDatabaseSecret();
  Converge();
  Json deployment = Deployment();  // `kubectl set env deployment/prod EXTRA=1`
  deployment["spec"]["template"]["spec"]["containers"][0]["env"].push_back({{"name", "EXTRA"}, {"value", "1"}});
  client_.Put(api::kDeploymentType, deployment);
  client_.ClearCalls();
  reconciler_.Reconcile("mt", "prod");
  EXPECT_TRUE(client_.CallsOf("apply", "deployments").empty());
}

// The app Service of a MiniTwit named foo-db and the database Service of a MiniTwit named foo
// have the same name: the second MiniTwit must not take the first one's object over.
TEST_F(ReconcilerTest, ChildOwnedByAnotherMiniTwitIsNotTakenOver) {
  auto minitwit = [](const std::string& name, const std::string& uid, const Json& database) {
    return Json{{"apiVersion", "minitwit.dev/v1alpha1"},
                {"kind", "MiniTwit"},
                {"metadata", {{"name", name}, {"namespace", "mt"}, {"uid", uid}}},
                {"spec", {{"image", "minitwit:1"}, {"database", database}}}};
  };
  client_.Put(api::kMiniTwitType, minitwit("foo", "uid-foo", {{"inCluster", Json::object()}}));
  client_.Put(api::kMiniTwitType, minitwit("foo-db", "uid-foo-db", {{"external", {{"secretName", "pg"}}}}));
  PutDatabaseSecret();
  reconciler_.Reconcile("mt", "foo");
  const Json before = *client_.Object(api::kServiceType, "mt", "foo-db");
  ASSERT_EQ(before["metadata"]["ownerReferences"][0]["uid"], "uid-foo");

  const ReconcileResult result = reconciler_.Reconcile("mt", "foo-db");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kError);
  const Json after = *client_.Object(api::kServiceType, "mt", "foo-db");
  EXPECT_EQ(after["metadata"]["ownerReferences"], before["metadata"]["ownerReferences"]);
  EXPECT_EQ(after["spec"], before["spec"]);
  const Json status = (*client_.Object(api::kMiniTwitType, "mt", "foo-db"))["status"];
  const Json* degraded = FindCondition(status["conditions"], kConditionDegraded);
  ASSERT_NE(degraded, nullptr);
  EXPECT_EQ((*degraded)["reason"], kReasonNameConflict);
}

TEST_F(ReconcilerTest, FieldManagerOptionNamesEveryWrite) {
  ReconcilerOptions options = Options();
  options.field_manager = "team-ops";
  MiniTwitReconciler reconciler(client_, clock_, {}, options);
  PutMiniTwit(R"({"image": "minitwit:1", "autoscaling": {"minReplicas": 2, "maxReplicas": 4},
                  "database": {"external": {"secretName": "pg"}}})");
  PutDatabaseSecret();
  reconciler.Reconcile("mt", "prod");
  const auto applies = client_.CallsOf("apply");
  ASSERT_FALSE(applies.empty());
  for (const auto& call : applies) {
    EXPECT_EQ(call.field_manager.rfind("team-ops", 0), 0u) << call.plural << " " << call.field_manager;
  }
}

}  // namespace
}  // namespace minitwit::controller
