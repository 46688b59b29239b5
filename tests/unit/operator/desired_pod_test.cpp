// spec.pod on the pod templates, the secrets hash annotation, and the Ingress of spec.expose.
#include <gtest/gtest.h>

#include <set>

#include "api/minitwit.hpp"
#include "api/resource_types.hpp"
#include "controller/desired_state.hpp"

namespace minitwit::controller {
namespace {

api::MiniTwit Make(const Json& extra) {
  Json spec = {{"image", "minitwit:1.0"}, {"database", {{"external", {{"secretName", "pg"}}}}}};
  spec.update(extra);
  api::Parsed<api::MiniTwit> parsed = api::MiniTwitFromJson(
      {{"metadata", {{"name", "prod"}, {"namespace", "mt"}, {"uid", "uid-1"}}}, {"spec", spec}});
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  return *parsed.value;
}

DesiredInputs Inputs(const api::MiniTwit& mt) {
  DesiredInputs inputs = DefaultInputs(mt);
  inputs.session_secret_value = "session-value";
  inputs.database_password = "db-password";
  inputs.secrets_hash = "0123abcd";
  return inputs;
}

const Json kPod = Json::parse(R"({"pod": {
  "imagePullSecrets": [{"name": "registry"}],
  "nodeSelector": {"kubernetes.io/hostname": "node-1"},
  "tolerations": [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}],
  "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}},
  "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway"},
    {"maxSkew": 2, "topologyKey": "host", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"a": "b"}}}],
  "annotations": {"example.com/team": "course"},
  "labels": {"tier": "web"},
  "extraEnv": [{"name": "HTTP_THREADS", "value": "4"},
               {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}})");

TEST(DesiredPod, AppPodGetsEverySetting) {
  const api::MiniTwit mt = Make(kPod);
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  const Json& pod = deployment["spec"]["template"];
  EXPECT_EQ(pod["spec"]["imagePullSecrets"], Json::parse(R"([{"name": "registry"}])"));
  EXPECT_EQ(pod["spec"]["nodeSelector"], kPod["pod"]["nodeSelector"]);
  EXPECT_EQ(pod["spec"]["tolerations"], kPod["pod"]["tolerations"]);
  EXPECT_EQ(pod["spec"]["affinity"], kPod["pod"]["affinity"]);
  // A constraint without a selector spreads this MiniTwit's pods; a given selector is kept.
  EXPECT_EQ(pod["spec"]["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"],
            Json(AppSelectorLabels(mt)));
  EXPECT_EQ(pod["spec"]["topologySpreadConstraints"][1]["labelSelector"], Json::parse(R"({"matchLabels": {"a": "b"}})"));
  EXPECT_EQ(pod["metadata"]["annotations"]["example.com/team"], "course");
  EXPECT_EQ(pod["metadata"]["annotations"][kAnnotationSecretsHash], "0123abcd");
  EXPECT_EQ(pod["metadata"]["labels"]["tier"], "web");
  EXPECT_EQ(pod["metadata"]["labels"]["app.kubernetes.io/instance"], "prod");
  // Extra env after the operator's own, which stay first and unchanged.
  const Json& env = pod["spec"]["containers"][0]["env"];
  ASSERT_GE(env.size(), 3u);
  EXPECT_EQ(env[0]["name"], "PORT");
  EXPECT_EQ(env[env.size() - 2], kPod["pod"]["extraEnv"][0]);
  EXPECT_EQ(env[env.size() - 1], kPod["pod"]["extraEnv"][1]);
  // The selector does not change: new labels never orphan the ReplicaSets.
  EXPECT_EQ(deployment["spec"]["selector"]["matchLabels"], Json(AppSelectorLabels(mt)));
}

TEST(DesiredPod, DatabasePodGetsPlacementOnly) {
  Json extra = kPod;
  extra["database"] = {{"inCluster", Json::object()}};
  const api::MiniTwit mt = Make(extra);
  const Json statefulset = BuildDatabaseStatefulSet(mt, Inputs(mt));
  const Json& pod = statefulset["spec"]["template"];
  EXPECT_EQ(pod["spec"]["nodeSelector"], kPod["pod"]["nodeSelector"]);
  EXPECT_EQ(pod["spec"]["tolerations"], kPod["pod"]["tolerations"]);
  EXPECT_EQ(pod["spec"]["affinity"], kPod["pod"]["affinity"]);
  EXPECT_EQ(pod["spec"]["imagePullSecrets"], Json::parse(R"([{"name": "registry"}])"));
  EXPECT_FALSE(pod["spec"].contains("topologySpreadConstraints"));
  EXPECT_FALSE(pod["metadata"].contains("annotations"));
  EXPECT_FALSE(pod["metadata"]["labels"].contains("tier"));
  for (const Json& env : pod["spec"]["containers"][0]["env"]) EXPECT_NE(env["name"], "HTTP_THREADS");
}

TEST(DesiredPod, NoSettingsLeaveTheTemplateAsBefore) {
  const api::MiniTwit mt = Make(Json::object());
  DesiredInputs inputs = Inputs(mt);
  inputs.secrets_hash.clear();
  const Json deployment = BuildDeployment(mt, inputs);
  const Json& pod = deployment["spec"]["template"];
  for (const char* field : {"imagePullSecrets", "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints"}) {
    EXPECT_FALSE(pod["spec"].contains(field)) << field;
  }
  EXPECT_FALSE(pod["metadata"].contains("annotations"));
}

// The reserved list is what the builder sets: every env the operator writes is reserved, so
// extraEnv can never shadow one (and the list names nothing the operator does not set).
TEST(DesiredPod, ReservedEnvNamesAreTheOperatorsOwn) {
  const api::MiniTwit mt = Make(Json::parse(R"({"database": {"external": {"secretName": "pg", "caKey": "ca"}}})"));
  std::set<std::string> set_by_operator;
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  for (const Json& env : deployment["spec"]["template"]["spec"]["containers"][0]["env"]) {
    set_by_operator.insert(env["name"].get<std::string>());
  }
  const std::set<std::string> reserved(api::kReservedEnvNames.begin(), api::kReservedEnvNames.end());
  EXPECT_EQ(set_by_operator, reserved);
}

TEST(DesiredPod, HotStandbyTemplateHashCoversPodSettings) {
  Json extra = {{"mode", "HotStandby"}};
  const api::MiniTwit plain = Make(extra);
  extra["pod"] = {{"annotations", {{"example.com/team", "course"}}}};
  const api::MiniTwit annotated = Make(extra);
  const Json a = BuildDeployment(plain, Inputs(plain))["spec"]["template"]["metadata"]["annotations"];
  const Json b = BuildDeployment(annotated, Inputs(annotated))["spec"]["template"]["metadata"]["annotations"];
  EXPECT_EQ(b["example.com/team"], "course");
  EXPECT_EQ(b[kAnnotationSecretsHash], "0123abcd");
  EXPECT_NE(a[kAnnotationTemplateHash], b[kAnnotationTemplateHash]);
}

TEST(SecretsHash, ChangesWithAnyValueAndNeverContainsIt) {
  using Values = std::vector<std::pair<api::SecretKeyRef, std::string>>;
  const Values base = {{{"pg", "uri"}, "cG9zdGdyZXM6Ly9h"}, {{"prod-session", "sessionSecret"}, "c2VjcmV0"}};
  const std::string hash = SecretsHash(base);
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_EQ(hash, SecretsHash(base));
  Values rotated = base;
  rotated[0].second = "cG9zdGdyZXM6Ly9i";
  EXPECT_NE(SecretsHash(rotated), hash);
  Values renamed = base;
  renamed[1].first.name = "other";
  EXPECT_NE(SecretsHash(renamed), hash);
  EXPECT_EQ(hash.find("c2VjcmV0"), std::string::npos);
  // Field boundaries count: ("ab","c") and ("a","bc") differ.
  EXPECT_NE(SecretsHash({{{"ab", "c"}, ""}}), SecretsHash({{{"a", "bc"}, ""}}));
}

TEST(DesiredIngress, HostTlsClassAnnotationsAndOwner) {
  const api::MiniTwit mt = Make(Json::parse(R"({"expose": {"ingress": {"host": "minitwit.example.com",
    "ingressClassName": "nginx", "tlsSecretName": "minitwit-tls", "annotations": {"cert-manager.io/cluster-issuer": "le"}}}})"));
  const std::optional<Json> ingress = BuildIngress(mt);
  ASSERT_TRUE(ingress);
  EXPECT_EQ((*ingress)["apiVersion"], "networking.k8s.io/v1");
  EXPECT_EQ((*ingress)["kind"], "Ingress");
  EXPECT_EQ((*ingress)["metadata"]["name"], "prod");
  EXPECT_EQ((*ingress)["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ((*ingress)["metadata"]["annotations"]["cert-manager.io/cluster-issuer"], "le");
  const Json& spec = (*ingress)["spec"];
  EXPECT_EQ(spec["ingressClassName"], "nginx");
  EXPECT_EQ(spec["tls"], Json::parse(R"([{"hosts": ["minitwit.example.com"], "secretName": "minitwit-tls"}])"));
  EXPECT_EQ(spec["rules"], Json::parse(R"([{"host": "minitwit.example.com", "http": {"paths": [{"path": "/",
    "pathType": "Prefix", "backend": {"service": {"name": "prod", "port": {"number": 80}}}}]}}])"));
}

TEST(DesiredIngress, OnlyWithExposeAndInTheDesiredState) {
  const api::MiniTwit without = Make(Json::object());
  EXPECT_FALSE(BuildIngress(without));
  auto has_ingress = [](const std::vector<DesiredObject>& objects) {
    for (const DesiredObject& object : objects) {
      if (object.type.plural == api::kIngressType.plural) return true;
    }
    return false;
  };
  EXPECT_FALSE(has_ingress(BuildDesiredState(without, Inputs(without))));
  const api::MiniTwit with = Make(Json::parse(R"({"expose": {"ingress": {"host": "a.example.com"}}})"));
  const Json ingress = *BuildIngress(with);
  EXPECT_FALSE(ingress["spec"].contains("tls"));
  EXPECT_FALSE(ingress["spec"].contains("ingressClassName"));
  EXPECT_TRUE(has_ingress(BuildDesiredState(with, Inputs(with))));
}

TEST(DesiredHttpRoute, GatewaysHostnamesAndTheAppService) {
  const api::MiniTwit mt = Make(Json::parse(R"({"expose": {"httpRoute": {"parentRefs": [{"name": "public",
    "namespace": "gateways", "sectionName": "https"}], "hostnames": ["minitwit.example.com"]}}})"));
  EXPECT_FALSE(BuildIngress(mt));
  const std::optional<Json> route = BuildHttpRoute(mt);
  ASSERT_TRUE(route);
  EXPECT_EQ((*route)["apiVersion"], "gateway.networking.k8s.io/v1");
  EXPECT_EQ((*route)["kind"], "HTTPRoute");
  EXPECT_EQ((*route)["metadata"]["name"], "prod");
  EXPECT_EQ((*route)["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ((*route)["spec"]["parentRefs"], Json::parse(R"([{"group": "gateway.networking.k8s.io", "kind": "Gateway",
    "name": "public", "namespace": "gateways", "sectionName": "https"}])"));
  EXPECT_EQ((*route)["spec"]["hostnames"], Json::parse(R"(["minitwit.example.com"])"));
  EXPECT_EQ((*route)["spec"]["rules"], Json::parse(R"([{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
    "backendRefs": [{"group": "", "kind": "Service", "name": "prod", "port": 80, "weight": 1}]}])"));
  // The one child whose kind may be unserved goes last.
  const std::vector<DesiredObject> objects = BuildDesiredState(mt, Inputs(mt));
  EXPECT_EQ(objects.back().type.plural, api::kHttpRouteType.plural);
}

}  // namespace
}  // namespace minitwit::controller
