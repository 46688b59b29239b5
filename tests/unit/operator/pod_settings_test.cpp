// spec.pod and spec.expose: parsing, the operator's own validation, the Secrets a spec names.
#include <gtest/gtest.h>

#include <algorithm>

#include "api/minitwit.hpp"

namespace minitwit::api {
namespace {

Parsed<MiniTwit> ParseSpec(const Json& extra) {
  Json spec = {{"image", "minitwit:1.0"}, {"database", {{"external", {{"secretName", "pg"}}}}}};
  spec.update(extra);
  return MiniTwitFromJson({{"metadata", {{"name", "prod"}, {"namespace", "mt"}}}, {"spec", spec}});
}

MiniTwitSpec Spec(const Json& extra) {
  Parsed<MiniTwit> parsed = ParseSpec(extra);
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  return parsed.ok() ? parsed.value->spec : MiniTwitSpec{};
}

bool HasError(const std::vector<std::string>& errors, const std::string& fragment) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const std::string& error) { return error.find(fragment) != std::string::npos; });
}

std::string Joined(const std::vector<std::string>& errors) {
  std::string text;
  for (const std::string& error : errors) text += error + "; ";
  return text;
}

const Json kFullPod = Json::parse(R"({"pod": {
  "imagePullSecrets": [{"name": "registry"}],
  "nodeSelector": {"kubernetes.io/os": "linux"},
  "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
  "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}},
  "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway"}],
  "annotations": {"example.com/team": "course"},
  "labels": {"tier": "web"},
  "extraEnv": [{"name": "HTTP_THREADS", "value": "4"},
               {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "tokens", "key": "api"}}}]}})");

TEST(PodSettings, ReadsEveryFieldAndRoundTrips) {
  const MiniTwitSpec spec = Spec(kFullPod);
  EXPECT_EQ(spec.pod.image_pull_secrets, std::vector<std::string>{"registry"});
  EXPECT_EQ(spec.pod.node_selector.at("kubernetes.io/os"), "linux");
  EXPECT_EQ(spec.pod.tolerations.size(), 1u);
  EXPECT_TRUE(spec.pod.affinity.contains("nodeAffinity"));
  EXPECT_EQ(spec.pod.topology_spread_constraints.size(), 1u);
  EXPECT_EQ(spec.pod.annotations.at("example.com/team"), "course");
  EXPECT_EQ(spec.pod.labels.at("tier"), "web");
  EXPECT_EQ(spec.pod.extra_env.size(), 2u);
  EXPECT_TRUE(Validate(spec).empty()) << Joined(Validate(spec));
  EXPECT_EQ(SpecToJson(spec)["pod"], kFullPod["pod"]);
  // Absent: empty, and left out of the spec's JSON.
  EXPECT_TRUE(Spec(Json::object()).pod.empty());
  EXPECT_FALSE(SpecToJson(Spec(Json::object())).contains("pod"));
}

TEST(PodSettings, WrongTypesAreParseErrorsNamingTheField) {
  Parsed<MiniTwit> parsed = ParseSpec({{"pod", {{"nodeSelector", {{"zone", 3}}}}}});
  EXPECT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error.find("spec.pod.nodeSelector.zone"), std::string::npos) << parsed.error;
  parsed = ParseSpec({{"pod", {{"tolerations", {"NoSchedule"}}}}});
  EXPECT_NE(parsed.error.find("spec.pod.tolerations[0] must be an object"), std::string::npos) << parsed.error;
  parsed = ParseSpec({{"pod", {{"affinity", Json::array()}}}});
  EXPECT_NE(parsed.error.find("spec.pod.affinity must be an object"), std::string::npos) << parsed.error;
}

TEST(PodSettings, ReservedEnvNamesCannotBeOverridden) {
  for (std::string_view name : kReservedEnvNames) {
    const MiniTwitSpec spec = Spec({{"pod", {{"extraEnv", {{{"name", std::string(name)}, {"value", "x"}}}}}}});
    const std::vector<std::string> errors = Validate(spec);
    EXPECT_TRUE(HasError(errors, std::string(name) + " is set by the operator and cannot be overridden"))
        << name << ": " << Joined(errors);
  }
}

TEST(PodSettings, InvalidValuesGiveOneClearErrorEach) {
  const MiniTwitSpec spec = Spec(Json::parse(R"({"pod": {
    "imagePullSecrets": [{"name": "Not_A_Name"}],
    "nodeSelector": {"bad key!": "x"},
    "tolerations": [{"operator": "Equal"}, {"key": "k", "operator": "Sometimes"},
                    {"key": "k", "effect": "NoSchedule", "tolerationSeconds": 5}],
    "affinity": {"nodeAfinity": {}},
    "topologySpreadConstraints": [{"maxSkew": 0, "topologyKey": "", "whenUnsatisfiable": "Maybe"}],
    "annotations": {"minitwit.dev/secrets-hash": "forged"},
    "labels": {"app.kubernetes.io/instance": "other"},
    "extraEnv": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}, {"name": "B=C"},
                 {"name": "D", "value": "1", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                 {"name": "E", "valueFrom": {"secretKeyRef": {"name": "s"}}}]}})"));
  const std::vector<std::string> errors = Validate(spec);
  for (const char* expected : {
           "spec.pod.imagePullSecrets[0].name must be a valid Secret name",
           "spec.pod.nodeSelector: \"bad key!\" is not a valid label key",
           "spec.pod.tolerations[0]: an empty key needs operator Exists",
           "spec.pod.tolerations[1].operator must be Equal or Exists",
           "spec.pod.tolerations[2].tolerationSeconds needs effect NoExecute",
           "spec.pod.affinity.nodeAfinity is not nodeAffinity, podAffinity or podAntiAffinity",
           "spec.pod.topologySpreadConstraints[0].maxSkew must be an integer of at least 1",
           "spec.pod.topologySpreadConstraints[0].topologyKey must not be empty",
           "spec.pod.topologySpreadConstraints[0].whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway",
           "the prefix minitwit.dev/ is reserved for the operator",
           "spec.pod.labels: app.kubernetes.io/instance is set by the operator",
           "spec.pod.extraEnv[1]: A is set twice",
           "spec.pod.extraEnv[2].name must be a non-empty name",
           "spec.pod.extraEnv[3]: set value or valueFrom, not both",
           "spec.pod.extraEnv[4].valueFrom.secretKeyRef needs a valid name and a key",
       }) {
    EXPECT_TRUE(HasError(errors, expected)) << "missing: " << expected << "\n got: " << Joined(errors);
  }
  EXPECT_EQ(errors.size(), 15u) << Joined(errors);
}

TEST(Expose, ReadsIngressWithDefaultsAndRoundTrips) {
  const MiniTwitSpec spec = Spec(Json::parse(R"({"expose": {"ingress": {"host": "minitwit.example.com"}}})"));
  ASSERT_TRUE(spec.expose && spec.expose->ingress);
  EXPECT_EQ(spec.expose->ingress->path, "/");
  EXPECT_EQ(spec.expose->ingress->path_type, "Prefix");
  EXPECT_TRUE(spec.expose->ingress->tls_secret_name.empty());
  EXPECT_TRUE(Validate(spec).empty()) << Joined(Validate(spec));
  const Json full = Json::parse(R"({"ingress": {"host": "*.example.com", "path": "/app", "pathType": "Exact",
    "ingressClassName": "nginx", "tlsSecretName": "minitwit-tls", "annotations": {"cert-manager.io/cluster-issuer": "le"}}})");
  const MiniTwitSpec round = Spec({{"expose", full}});
  EXPECT_TRUE(Validate(round).empty()) << Joined(Validate(round));
  EXPECT_EQ(SpecToJson(round)["expose"], full);
}

TEST(Expose, InvalidIngress) {
  const MiniTwitSpec spec = Spec(Json::parse(R"({"expose": {"ingress": {"host": "localhost", "path": "app",
    "pathType": "Regex", "ingressClassName": "Nginx", "tlsSecretName": "TLS"}}})"));
  const std::vector<std::string> errors = Validate(spec);
  EXPECT_TRUE(HasError(errors, "spec.expose.ingress.host must be a fully qualified DNS name")) << Joined(errors);
  EXPECT_TRUE(HasError(errors, "spec.expose.ingress.path must start with /"));
  EXPECT_TRUE(HasError(errors, "spec.expose.ingress.pathType must be Prefix, Exact or ImplementationSpecific"));
  EXPECT_TRUE(HasError(errors, "spec.expose.ingress.ingressClassName must be a valid IngressClass name"));
  EXPECT_TRUE(HasError(errors, "spec.expose.ingress.tlsSecretName must be a valid Secret name"));
  EXPECT_TRUE(HasError(Validate(Spec({{"expose", Json::object()}})),
                       "spec.expose must set exactly one of ingress and httpRoute"));
}

TEST(Expose, ReadsHttpRouteAndRoundTrips) {
  const Json route = Json::parse(R"({"httpRoute": {"parentRefs": [{"name": "public", "namespace": "gateways",
    "sectionName": "https"}, {"name": "internal"}], "hostnames": ["minitwit.example.com"], "path": "/"}})");
  const MiniTwitSpec spec = Spec({{"expose", route}});
  ASSERT_TRUE(spec.expose && spec.expose->http_route);
  EXPECT_FALSE(spec.expose->ingress);
  EXPECT_EQ(spec.expose->http_route->parent_refs.size(), 2u);
  EXPECT_EQ(spec.expose->http_route->parent_refs[0].ns, "gateways");
  EXPECT_TRUE(Validate(spec).empty()) << Joined(Validate(spec));
  EXPECT_EQ(SpecToJson(spec)["expose"], route);
}

TEST(Expose, InvalidHttpRouteAndBothOrNeither) {
  const MiniTwitSpec spec = Spec(Json::parse(R"({"expose": {"httpRoute": {"parentRefs": [{"name": "Public_GW",
    "namespace": "Gateways"}], "hostnames": ["localhost"], "path": "app"}}})"));
  const std::vector<std::string> errors = Validate(spec);
  EXPECT_TRUE(HasError(errors, "spec.expose.httpRoute.parentRefs[0].name must be a valid Gateway name")) << Joined(errors);
  EXPECT_TRUE(HasError(errors, "spec.expose.httpRoute.parentRefs[0].namespace must be a valid namespace name"));
  EXPECT_TRUE(HasError(errors, "spec.expose.httpRoute.hostnames[0] must be a fully qualified DNS name"));
  EXPECT_TRUE(HasError(errors, "spec.expose.httpRoute.path must start with /"));
  EXPECT_TRUE(HasError(Validate(Spec(Json::parse(R"({"expose": {"httpRoute": {"parentRefs": []}}})"))),
                       "spec.expose.httpRoute.parentRefs must name at least one Gateway"));
  EXPECT_TRUE(HasError(Validate(Spec(Json::parse(R"({"expose": {"ingress": {"host": "a.example.com"},
    "httpRoute": {"parentRefs": [{"name": "gw"}]}}})"))), "spec.expose must set exactly one of ingress and httpRoute"));
}

TEST(ReferencedSecretKeys, NamesEverySecretThePodsRead) {
  MiniTwitSpec spec = Spec(kFullPod);
  spec.database.external->ca_key = "ca.crt";
  spec.session_secret_ref = SecretKeySelector{"session", "key"};
  const std::vector<SecretKeyRef> refs = ReferencedSecretKeys(spec);
  const std::vector<SecretKeyRef> expected = {{"pg", "uri"}, {"pg", "ca.crt"}, {"session", "key"}, {"tokens", "api"}};
  EXPECT_EQ(refs, expected);
  // In-cluster database and generated session secret: the operator's own Secrets, not listed.
  const MiniTwitSpec own = Spec({{"database", {{"inCluster", Json::object()}}}});
  EXPECT_TRUE(ReferencedSecretKeys(own).empty());
}

}  // namespace
}  // namespace minitwit::api
