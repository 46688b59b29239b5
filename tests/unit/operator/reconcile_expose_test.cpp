// The reconciler with spec.expose, spec.pod and referenced Secrets: the Ingress comes and goes
// with the field, a rotated Secret value changes the pod template, and the controller's
// Secret watch finds the MiniTwits that read a Secret.
#include "reconciler_fixture.hpp"

#include "controller/controller.hpp"

namespace minitwit::controller {
namespace {

std::string SecretsHashOf(const Json& deployment) {
  return deployment["spec"]["template"]["metadata"]["annotations"].value(kAnnotationSecretsHash, "");
}

TEST_F(ReconcilerTest, IngressIsAppliedAndDeletedWhenExposeIsRemoved) {
  PutDatabaseSecret();
  PutMiniTwit(R"({"image": "minitwit:1", "database": {"external": {"secretName": "pg"}},
                  "expose": {"ingress": {"host": "minitwit.example.com", "tlsSecretName": "tls"}}})");
  Converge();
  std::optional<Json> ingress = client_.Object(api::kIngressType, "mt", "prod");
  ASSERT_TRUE(ingress);
  EXPECT_EQ((*ingress)["spec"]["tls"][0]["secretName"], "tls");
  EXPECT_EQ((*ingress)["metadata"]["ownerReferences"][0]["uid"], "uid-1");

  EditSpec([](Json& spec) { spec.erase("expose"); });
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_FALSE(client_.Object(api::kIngressType, "mt", "prod"));
  EXPECT_EQ(client_.CallsOf("delete", "ingresses").size(), 1u);
}

TEST_F(ReconcilerTest, IngressOfSomeoneElseIsNotDeleted) {
  PutDatabaseSecret();
  client_.Put(api::kIngressType, {{"apiVersion", "networking.k8s.io/v1"},
                                  {"kind", "Ingress"},
                                  {"metadata", {{"name", "prod"}, {"namespace", "mt"}}}});
  PutMiniTwit(kExternal);
  Converge();
  EXPECT_TRUE(client_.Object(api::kIngressType, "mt", "prod"));
  EXPECT_TRUE(client_.CallsOf("delete", "ingresses").empty());
}

constexpr char kHttpRoute[] = R"({"image": "minitwit:1", "database": {"external": {"secretName": "pg"}},
                  "expose": {"httpRoute": {"parentRefs": [{"name": "public"}], "hostnames": ["minitwit.example.com"]}}})";

TEST_F(ReconcilerTest, HttpRouteWithoutGatewayApiIsDegradedAndTheRestRuns) {
  PutDatabaseSecret();
  PutMiniTwit(kHttpRoute);
  client_.FailNext("apply", "httproutes", kube::ApiError{404, "NotFound", "the server could not find the requested resource"});
  const ReconcileResult result = reconciler_.Reconcile("mt", "prod");
  EXPECT_EQ(result.kind, ReconcileResult::Kind::kRequeueAfter);
  EXPECT_EQ(result.after, std::chrono::milliseconds(std::chrono::seconds(60)));
  EXPECT_TRUE(client_.Object(api::kDeploymentType, "mt", "prod"));
  EXPECT_TRUE(client_.Object(api::kServiceType, "mt", "prod"));
  const Json* degraded = Condition(kConditionDegraded);
  ASSERT_NE(degraded, nullptr);
  EXPECT_EQ((*degraded)["status"], "True");
  EXPECT_EQ((*degraded)["reason"], kReasonGatewayApiMissing);
  EXPECT_NE((*degraded)["message"].get<std::string>().find("install the Gateway API CRDs"), std::string::npos);
  EXPECT_EQ(EventReasons(), std::vector<std::string>({"Created", kEventGatewayApiMissing}));

  // The CRDs are installed: the next reconcile applies the route and the condition clears.
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_TRUE(client_.Object(api::kHttpRouteType, "mt", "prod"));
  EXPECT_NE((*Condition(kConditionDegraded))["reason"], kReasonGatewayApiMissing);

  // Switching to an Ingress deletes the route.
  EditSpec([](Json& spec) { spec["expose"] = {{"ingress", {{"host", "minitwit.example.com"}}}}; });
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_FALSE(client_.Object(api::kHttpRouteType, "mt", "prod"));
  EXPECT_TRUE(client_.Object(api::kIngressType, "mt", "prod"));
}

TEST_F(ReconcilerTest, LeftoverHttpRouteIsLookedForOncePerGeneration) {
  PutDatabaseSecret();
  PutMiniTwit(kExternal);
  Converge();
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(client_.CallsOf("get", "httproutes").size(), 1u);
  // A failed look is repeated; a new generation looks again.
  EditSpec([](Json& spec) { spec["logLevel"] = "debug"; });
  client_.FailNext("get", "httproutes", kube::ApiError{500, "InternalError", "etcd is away"});
  EXPECT_EQ(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(client_.CallsOf("get", "httproutes").size(), 3u);
}

TEST_F(ReconcilerTest, RotatedSecretValuesChangeThePodTemplate) {
  PutDatabaseSecret();
  client_.Put(api::kSecretType, {{"apiVersion", "v1"},
                                 {"kind", "Secret"},
                                 {"metadata", {{"name", "tokens"}, {"namespace", "mt"}}},
                                 {"data", {{"api", Base64Encode("one")}, {"unused", Base64Encode("x")}}}});
  PutMiniTwit(R"({"image": "minitwit:1", "database": {"external": {"secretName": "pg"}},
                  "pod": {"extraEnv": [{"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "tokens", "key": "api"}}}]}})");
  Converge();
  const std::string first = SecretsHashOf(Deployment());
  ASSERT_EQ(first.size(), 32u);

  // Unchanged values: reconciling again keeps the template (no rollout).
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(SecretsHashOf(Deployment()), first);

  // A key no pod reads changes nothing.
  Json tokens = *client_.Object(api::kSecretType, "mt", "tokens");
  tokens["data"]["unused"] = Base64Encode("y");
  client_.Put(api::kSecretType, tokens);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_EQ(SecretsHashOf(Deployment()), first);

  // The extraEnv Secret rotates, then the database URL.
  tokens["data"]["api"] = Base64Encode("two");
  client_.Put(api::kSecretType, tokens);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  const std::string second = SecretsHashOf(Deployment());
  EXPECT_NE(second, first);
  Json pg = *client_.Object(api::kSecretType, "mt", "pg");
  pg["data"]["uri"] = Base64Encode("postgresql://u:rotated@db/minitwit");
  client_.Put(api::kSecretType, pg);
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  EXPECT_NE(SecretsHashOf(Deployment()), second);
}

TEST_F(ReconcilerTest, InvalidPodSettingsAreReportedInStatus) {
  PutDatabaseSecret();
  PutMiniTwit(R"({"image": "minitwit:1", "database": {"external": {"secretName": "pg"}},
                  "pod": {"extraEnv": [{"name": "DATABASE_URL", "value": "postgresql://elsewhere"}]}})");
  ASSERT_NE(reconciler_.Reconcile("mt", "prod").kind, ReconcileResult::Kind::kError);
  const Json* degraded = Condition(kConditionDegraded);
  ASSERT_NE(degraded, nullptr);
  EXPECT_EQ((*degraded)["reason"], kReasonInvalidSpec);
  EXPECT_NE((*degraded)["message"].get<std::string>().find("DATABASE_URL is set by the operator and cannot be overridden"),
            std::string::npos);
  EXPECT_FALSE(client_.Object(api::kDeploymentType, "mt", "prod"));
}

Json MiniTwitObject(const std::string& name, const Json& spec) {
  return {{"apiVersion", "minitwit.dev/v1alpha1"},
          {"kind", "MiniTwit"},
          {"metadata", {{"name", name}, {"namespace", "mt"}}},
          {"spec", spec}};
}

TEST(MiniTwitsReadingSecret, FindsEveryReaderOfTheSecret) {
  const std::vector<Json> minitwits = {
      MiniTwitObject("a", Json::parse(R"({"image": "i", "database": {"external": {"secretName": "shared-pg"}}})")),
      MiniTwitObject("b", Json::parse(R"({"image": "i", "database": {"inCluster": {}},
                                          "sessionSecretRef": {"name": "shared-pg", "key": "session"}})")),
      MiniTwitObject("c", Json::parse(R"({"image": "i", "database": {"inCluster": {}},
          "pod": {"extraEnv": [{"name": "T", "valueFrom": {"secretKeyRef": {"name": "token", "key": "t"}}}]}})")),
      MiniTwitObject("d", Json::parse(R"({"image": "i", "database": {"inCluster": {}}})")),
  };
  EXPECT_EQ(MiniTwitsReadingSecret(minitwits, "shared-pg"), (std::vector<std::string>{"mt/a", "mt/b"}));
  EXPECT_EQ(MiniTwitsReadingSecret(minitwits, "token"), std::vector<std::string>{"mt/c"});
  EXPECT_TRUE(MiniTwitsReadingSecret(minitwits, "d-session").empty());
}

}  // namespace
}  // namespace minitwit::controller
