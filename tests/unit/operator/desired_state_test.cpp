#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "api/minitwit.hpp"
#include "api/resource_types.hpp"
#include "controller/desired_state.hpp"

namespace minitwit::controller {
namespace {

api::MiniTwit MakeMiniTwit(const char* spec_json) {
  Json object = {{"apiVersion", "minitwit.dev/v1alpha1"},
                 {"kind", "MiniTwit"},
                 {"metadata", {{"name", "prod"}, {"namespace", "mt"}, {"uid", "uid-1"}, {"generation", 1}}},
                 {"spec", Json::parse(spec_json)}};
  api::Parsed<api::MiniTwit> parsed = api::MiniTwitFromJson(object);
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  return *parsed.value;
}

api::MiniTwit ScaledExternal() {
  return MakeMiniTwit(R"({"image": "minitwit:1.0", "database": {"external": {"secretName": "pg"}}})");
}

DesiredInputs Inputs(const api::MiniTwit& mt) {
  DesiredInputs inputs = DefaultInputs(mt);
  inputs.session_secret_value = "session-value";
  inputs.database_password = "db-password";
  return inputs;
}

const Json& Container(const Json& deployment) { return deployment["spec"]["template"]["spec"]["containers"][0]; }

const Json* Env(const Json& container, const std::string& name) {
  for (const Json& env : container["env"]) {
    if (env["name"] == name) return &env;
  }
  return nullptr;
}

TEST(DesiredState, DeploymentMetadataLabelsAndOwner) {
  const api::MiniTwit mt = ScaledExternal();
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  EXPECT_EQ(deployment["apiVersion"], "apps/v1");
  EXPECT_EQ(deployment["kind"], "Deployment");
  EXPECT_EQ(deployment["metadata"]["name"], "prod");
  EXPECT_EQ(deployment["metadata"]["namespace"], "mt");
  EXPECT_EQ(deployment["metadata"]["labels"]["app.kubernetes.io/name"], "minitwit");
  EXPECT_EQ(deployment["metadata"]["labels"]["app.kubernetes.io/instance"], "prod");
  EXPECT_EQ(deployment["metadata"]["labels"]["app.kubernetes.io/managed-by"], "minitwit-operator");
  const Json expected_owner = {{"apiVersion", "minitwit.dev/v1alpha1"}, {"kind", "MiniTwit"}, {"name", "prod"},
                               {"uid", "uid-1"}, {"controller", true}, {"blockOwnerDeletion", true}};
  EXPECT_EQ(deployment["metadata"]["ownerReferences"], Json::array({expected_owner}));
  EXPECT_EQ(deployment["spec"]["selector"]["matchLabels"],
            Json({{"app.kubernetes.io/name", "minitwit"}, {"app.kubernetes.io/instance", "prod"},
                  {"app.kubernetes.io/component", "app"}}));
  EXPECT_FALSE(deployment.contains("status"));
}

TEST(DesiredState, DeploymentSecurityContext) {
  const api::MiniTwit mt = ScaledExternal();
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  const Json& pod = deployment["spec"]["template"]["spec"];
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["securityContext"]["runAsUser"], 65532);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  const Json expected = {{"runAsNonRoot", true},
                         {"runAsUser", 65532},
                         {"runAsGroup", 65532},
                         {"readOnlyRootFilesystem", true},
                         {"allowPrivilegeEscalation", false},
                         {"capabilities", {{"drop", {"ALL"}}}},
                         {"seccompProfile", {{"type", "RuntimeDefault"}}}};
  EXPECT_EQ(Container(deployment)["securityContext"], expected);
}

TEST(DesiredState, DeploymentProbesLifecycleAndEnv) {
  const api::MiniTwit mt = ScaledExternal();
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  const Json& container = Container(deployment);
  EXPECT_EQ(container["image"], "minitwit:1.0");
  EXPECT_EQ(container["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(container["ports"][0]["containerPort"], 5000);
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(container["startupProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(container["lifecycle"]["preStop"], Json({{"sleep", {{"seconds", 5}}}}));
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(container["resources"]["requests"]["cpu"], "100m");

  const Json* database_url = Env(container, "DATABASE_URL");
  ASSERT_NE(database_url, nullptr);
  EXPECT_EQ((*database_url)["valueFrom"]["secretKeyRef"], Json({{"name", "pg"}, {"key", "uri"}}));
  const Json* session = Env(container, "SESSION_SECRET");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ((*session)["valueFrom"]["secretKeyRef"], Json({{"name", "prod-session"}, {"key", "sessionSecret"}}));
  ASSERT_NE(Env(container, "PORT"), nullptr);
  EXPECT_EQ((*Env(container, "PORT"))["value"], "5000");
  EXPECT_EQ((*Env(container, "DB_POOL_SIZE"))["value"], "4");
  EXPECT_EQ((*Env(container, "LOG_LEVEL"))["value"], "info");
}

// An external database's CA comes from its Secret; the app verifies the server with it.
TEST(DesiredState, ExternalDatabaseCaIsMountedAndVerified) {
  const api::MiniTwit mt =
      MakeMiniTwit(R"({"image": "m:1", "database": {"external": {"secretName": "pg", "caKey": "root.crt"}}})");
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  const Json& container = Container(deployment);
  const Json* mode = Env(container, "DATABASE_SSLMODE");
  const Json* root_cert = Env(container, "DATABASE_SSLROOTCERT");
  ASSERT_NE(mode, nullptr);
  ASSERT_NE(root_cert, nullptr);
  EXPECT_EQ((*mode)["value"], "verify-full");
  EXPECT_EQ((*root_cert)["value"], "/etc/minitwit/database-ca/ca.crt");
  EXPECT_EQ(container["volumeMounts"].back(),
            Json({{"name", "database-ca"}, {"mountPath", "/etc/minitwit/database-ca"}, {"readOnly", true}}));
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["volumes"].back()["secret"],
            Json({{"secretName", "pg"}, {"items", Json::array({{{"key", "root.crt"}, {"path", "ca.crt"}}})}}));
  // Without caKey nothing changes.
  const api::MiniTwit plain = MakeMiniTwit(R"({"image": "m:1", "database": {"external": {"secretName": "pg"}}})");
  EXPECT_EQ(Env(Container(BuildDeployment(plain, Inputs(plain))), "DATABASE_SSLMODE"), nullptr);
}

TEST(DesiredState, RolloutStrategy) {
  const api::MiniTwit mt = MakeMiniTwit(R"({"image": "m:1", "database": {"external": {"secretName": "pg"}},
      "rollout": {"maxSurge": "25%", "maxUnavailable": 1, "progressDeadlineSeconds": 90}})");
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  EXPECT_EQ(deployment["spec"]["strategy"],
            Json({{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", 1}}}}));
  EXPECT_EQ(deployment["spec"]["progressDeadlineSeconds"], 90);
}

TEST(DesiredState, ReplicasSetOnlyWithoutAutoscaling) {
  const api::MiniTwit fixed = MakeMiniTwit(R"({"image": "m:1", "replicas": 4, "database": {"external": {"secretName": "pg"}}})");
  EXPECT_EQ(BuildDeployment(fixed, Inputs(fixed))["spec"]["replicas"], 4);
  EXPECT_FALSE(BuildHorizontalPodAutoscaler(fixed).has_value());

  const api::MiniTwit scaled = MakeMiniTwit(R"({"image": "m:1", "replicas": 4,
      "autoscaling": {"minReplicas": 2, "maxReplicas": 8, "scaleDownStabilizationSeconds": 120},
      "database": {"external": {"secretName": "pg"}}})");
  EXPECT_FALSE(BuildDeployment(scaled, Inputs(scaled))["spec"].contains("replicas"));
  std::optional<Json> hpa = BuildHorizontalPodAutoscaler(scaled);
  ASSERT_TRUE(hpa.has_value());
  EXPECT_EQ((*hpa)["apiVersion"], "autoscaling/v2");
  EXPECT_EQ((*hpa)["spec"]["scaleTargetRef"], Json({{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "prod"}}));
  EXPECT_EQ((*hpa)["spec"]["minReplicas"], 2);
  EXPECT_EQ((*hpa)["spec"]["maxReplicas"], 8);
  EXPECT_EQ((*hpa)["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 60);
  EXPECT_EQ((*hpa)["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"], 120);
  EXPECT_EQ((*hpa)["spec"]["behavior"]["scaleUp"]["stabilizationWindowSeconds"], 0);
  EXPECT_EQ((*hpa)["metadata"]["ownerReferences"][0]["uid"], "uid-1");
}

TEST(DesiredState, HpaBehaviorDefaultsAreComplete) {
  const api::MiniTwit mt = MakeMiniTwit(R"({"image": "m:1", "autoscaling": {"maxReplicas": 8},
      "database": {"external": {"secretName": "pg"}}})");
  const std::optional<Json> hpa = BuildHorizontalPodAutoscaler(mt);
  ASSERT_TRUE(hpa.has_value());
  EXPECT_EQ((*hpa)["spec"]["behavior"], Json::parse(R"({
      "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                  "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15},
                               {"type": "Pods", "value": 4, "periodSeconds": 15}]},
      "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                    "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]}})"));
}

TEST(DesiredState, HpaBehaviorTakesTheGivenRulesAndFillsTheRest) {
  const api::MiniTwit mt = MakeMiniTwit(R"({"image": "m:1", "database": {"external": {"secretName": "pg"}},
      "autoscaling": {"maxReplicas": 8, "scaleDownStabilizationSeconds": 45, "behavior": {
        "scaleUp": {"policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]},
        "scaleDown": {"selectPolicy": "Disabled"}}}})");
  const Json behavior = (*BuildHorizontalPodAutoscaler(mt))["spec"]["behavior"];
  EXPECT_EQ(behavior["scaleUp"], Json::parse(R"({"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
      "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]})"));
  EXPECT_EQ(behavior["scaleDown"], Json::parse(R"({"stabilizationWindowSeconds": 45, "selectPolicy": "Disabled",
      "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]})"));
}

// YAML as the API server would read it: integers and booleans typed, everything else a string.
Json YamlToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    Json object = Json::object();
    for (const auto& entry : node) object[entry.first.as<std::string>()] = YamlToJson(entry.second);
    return object;
  }
  if (node.IsSequence()) {
    Json array = Json::array();
    for (const YAML::Node& item : node) array.push_back(YamlToJson(item));
    return array;
  }
  int64_t number = 0;
  if (node.Tag() != "!" && YAML::convert<int64_t>::decode(node, number)) return number;  // "4" stays a string
  bool flag = false;
  if (node.Tag() != "!" && YAML::convert<bool>::decode(node, flag)) return flag;
  return node.as<std::string>();
}

TEST(DesiredState, CourseExampleBecomesTheDocumentedHpaBehavior) {
  const std::filesystem::path file =
      std::filesystem::path(MINITWIT_SOURCE_DIR) / "examples" / "minitwit-course-autoscaling.yaml";
  std::optional<Json> object;
  for (const YAML::Node& document : YAML::LoadAllFromFile(file.string())) {
    if (document["kind"].as<std::string>() == "MiniTwit") object = YamlToJson(document);
  }
  ASSERT_TRUE(object.has_value()) << file;
  const api::MiniTwit mt = MakeMiniTwit((*object)["spec"].dump().c_str());
  EXPECT_TRUE(api::Validate(mt.spec).empty()) << api::Validate(mt.spec).front();
  // "above 60% CPU add 50% more pods; below 20% for 5 minutes remove 50%" (docs/crd.md).
  const Json spec = (*BuildHorizontalPodAutoscaler(mt))["spec"];
  EXPECT_EQ(spec["metrics"][0]["resource"]["target"]["averageUtilization"], 60);
  EXPECT_EQ(spec["behavior"]["scaleUp"], Json::parse(R"({"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
      "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]})"));
  EXPECT_EQ(spec["behavior"]["scaleDown"], Json::parse(R"({"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
      "policies": [{"type": "Percent", "value": 50, "periodSeconds": 300}]})"));
}

// examples/environments/: valid as the operator reads them, and the environments they promise.
TEST(DesiredState, EnvironmentExamplesAreValidAndApart) {
  std::map<std::string, Json> minitwits;  // file stem -> MiniTwit object
  for (const char* name : {"production", "staging"}) {
    const std::filesystem::path file =
        std::filesystem::path(MINITWIT_SOURCE_DIR) / "examples" / "environments" / (std::string(name) + ".yaml");
    for (const YAML::Node& document : YAML::LoadAllFromFile(file.string())) {
      if (document["kind"].as<std::string>() == "MiniTwit") minitwits[name] = YamlToJson(document);
    }
    ASSERT_TRUE(minitwits.contains(name)) << file;
  }
  api::Parsed<api::MiniTwit> production = api::MiniTwitFromJson(minitwits["production"]);
  api::Parsed<api::MiniTwit> staging = api::MiniTwitFromJson(minitwits["staging"]);
  ASSERT_TRUE(production.ok() && staging.ok()) << production.error << staging.error;
  for (const api::MiniTwit* mt : {&*production.value, &*staging.value}) {
    const std::vector<std::string> errors = api::Validate(mt->spec);
    EXPECT_TRUE(errors.empty()) << mt->ns << ": " << errors.front();
  }
  const api::MiniTwitSpec& prod = production.value->spec;
  EXPECT_TRUE(prod.autoscaling && prod.database.external);
  ASSERT_TRUE(prod.expose && prod.expose->ingress);
  EXPECT_FALSE(prod.expose->ingress->tls_secret_name.empty());
  EXPECT_TRUE(staging.value->spec.database.in_cluster);
  EXPECT_NE(production.value->ns, staging.value->ns);
}

TEST(DesiredState, ServiceSelectsActivePodOnlyInHotStandby) {
  const api::MiniTwit scaled = ScaledExternal();
  const Json service = BuildService(scaled);
  EXPECT_EQ(service["spec"]["type"], "ClusterIP");
  EXPECT_EQ(service["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"], "http");
  EXPECT_FALSE(service["spec"]["selector"].contains("minitwit.dev/role"));

  const api::MiniTwit hot =
      MakeMiniTwit(R"({"image": "m:1", "mode": "HotStandby", "database": {"external": {"secretName": "pg"}}})");
  const Json hot_service = BuildService(hot);
  EXPECT_EQ(hot_service["spec"]["selector"]["minitwit.dev/role"], "active");
  EXPECT_EQ(hot_service["spec"]["selector"]["app.kubernetes.io/instance"], "prod");
  const Json deployment = BuildDeployment(hot, Inputs(hot));
  EXPECT_EQ(deployment["spec"]["replicas"], 2);
  // The role label is patched onto pods, never put in the template (that would roll the pods).
  EXPECT_FALSE(deployment["spec"]["template"]["metadata"]["labels"].contains("minitwit.dev/role"));
  EXPECT_FALSE(deployment["spec"]["selector"]["matchLabels"].contains("minitwit.dev/role"));
  EXPECT_EQ(BuildPodDisruptionBudget(hot)["spec"]["minAvailable"], 1);
  EXPECT_EQ(BuildPodDisruptionBudget(scaled)["spec"]["maxUnavailable"], 1);
  EXPECT_EQ(BuildPodDisruptionBudget(scaled)["apiVersion"], "policy/v1");
}

TEST(DesiredState, ExternalDatabaseHasNoDatabaseChildren) {
  const api::MiniTwit mt = ScaledExternal();
  std::vector<std::string> kinds;
  for (const DesiredObject& object : BuildDesiredState(mt, Inputs(mt))) {
    kinds.push_back(object.object["kind"].get<std::string>() + "/" + object.object["metadata"]["name"].get<std::string>());
    EXPECT_EQ(object.object["kind"], object.type.kind);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"Secret/prod-session", "Deployment/prod", "Service/prod",
                                             "PodDisruptionBudget/prod"}));
}

TEST(DesiredState, SessionSecretRefSkipsGeneratedSecret) {
  const api::MiniTwit mt = MakeMiniTwit(R"({"image": "m:1", "sessionSecretRef": {"name": "mine", "key": "k"},
      "database": {"external": {"secretName": "pg"}}})");
  EXPECT_FALSE(BuildSessionSecret(mt, Inputs(mt)).has_value());
  const Json deployment = BuildDeployment(mt, Inputs(mt));
  EXPECT_EQ((*Env(Container(deployment), "SESSION_SECRET"))["valueFrom"]["secretKeyRef"],
            Json({{"name", "mine"}, {"key", "k"}}));
}

TEST(DesiredState, InClusterDatabaseChildren) {
  const api::MiniTwit mt = MakeMiniTwit(R"({"image": "m:1", "database": {"inCluster": {"storage": "2Gi"}}})");
  const DesiredInputs inputs = Inputs(mt);
  std::vector<std::string> kinds;
  for (const DesiredObject& object : BuildDesiredState(mt, inputs)) {
    kinds.push_back(object.object["kind"].get<std::string>() + "/" + object.object["metadata"]["name"].get<std::string>());
    EXPECT_TRUE(object.object["metadata"]["annotations"].contains(kAnnotationSpecHash));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"Secret/prod-session", "Secret/prod-db", "PersistentVolumeClaim/prod-db-data",
                                             "Service/prod-db", "NetworkPolicy/prod-db", "StatefulSet/prod-db",
                                             "Deployment/prod", "Service/prod", "PodDisruptionBudget/prod"}));

  const Json deployment = BuildDeployment(mt, inputs);
  EXPECT_EQ((*Env(Container(deployment), "DATABASE_URL"))["valueFrom"]["secretKeyRef"],
            Json({{"name", "prod-db"}, {"key", "uri"}}));

  const Json secret = BuildDatabaseSecret(mt, inputs);
  EXPECT_EQ(Base64Decode(secret["data"]["uri"].get<std::string>()),
            "postgresql://minitwit:db-password@prod-db:5432/minitwit?sslmode=disable");
  EXPECT_EQ(Base64Decode(secret["data"]["password"].get<std::string>()), "db-password");
  // retainOnDelete (the default): credentials and claim outlive the MiniTwit.
  EXPECT_FALSE(secret["metadata"].contains("ownerReferences"));
  const Json claim = BuildDatabaseClaim(mt);
  EXPECT_FALSE(claim["metadata"].contains("ownerReferences"));
  EXPECT_EQ(claim["spec"]["resources"]["requests"]["storage"], "2Gi");

  const Json statefulset = BuildDatabaseStatefulSet(mt, inputs);
  EXPECT_EQ(statefulset["spec"]["replicas"], 1);
  EXPECT_EQ(statefulset["metadata"]["ownerReferences"][0]["controller"], true);
  const Json& pod = statefulset["spec"]["template"]["spec"];
  EXPECT_EQ(pod["containers"][0]["image"], "minitwit.local/postgres:15");
  EXPECT_EQ(pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"], true);
  // The app's role is not the superuser: the image makes it owner of its database only.
  const Json& postgres = pod["containers"][0];
  EXPECT_EQ((*Env(postgres, "POSTGRES_USER"))["value"], "postgres");
  const Json* app_user = Env(postgres, "POSTGRES_APP_USER");
  const Json* app_password = Env(postgres, "POSTGRES_APP_PASSWORD");
  ASSERT_NE(app_user, nullptr);
  ASSERT_NE(app_password, nullptr);
  EXPECT_EQ((*app_user)["value"], "minitwit");
  EXPECT_EQ((*app_password)["valueFrom"]["secretKeyRef"], Json({{"name", "prod-db"}, {"key", "password"}}));
  EXPECT_EQ(Env(postgres, "POSTGRES_PASSWORD"), nullptr) << "the app's password would open the superuser";
  EXPECT_EQ(pod["volumes"][0]["persistentVolumeClaim"]["claimName"], "prod-db-data");
  EXPECT_EQ(statefulset["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"], "database");

  const Json service = BuildDatabaseService(mt);
  EXPECT_EQ(service["spec"]["ports"][0]["port"], 5432);
  EXPECT_EQ(service["spec"]["selector"]["app.kubernetes.io/component"], "database");
}

TEST(DesiredState, InClusterWithoutRetainIsGarbageCollected) {
  const api::MiniTwit mt =
      MakeMiniTwit(R"({"image": "m:1", "database": {"inCluster": {"retainOnDelete": false}}})");
  EXPECT_EQ(BuildDatabaseClaim(mt)["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ(BuildDatabaseSecret(mt, Inputs(mt))["metadata"]["ownerReferences"][0]["uid"], "uid-1");
}

TEST(DesiredState, NetworkPolicyAdmitsOnlyThisMiniTwitsPods) {
  const api::MiniTwit mt = MakeMiniTwit(R"({"image": "m:1", "database": {"inCluster": {}}})");
  const Json policy = BuildDatabaseNetworkPolicy(mt);
  EXPECT_EQ(policy["apiVersion"], "networking.k8s.io/v1");
  const Json expected_spec = Json::parse(R"({
    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "minitwit", "app.kubernetes.io/instance": "prod",
                                    "app.kubernetes.io/component": "database"}},
    "policyTypes": ["Ingress"],
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "minitwit",
                                                           "app.kubernetes.io/instance": "prod",
                                                           "app.kubernetes.io/component": "app"}}}],
                 "ports": [{"protocol": "TCP", "port": 5432}]}]
  })");
  EXPECT_EQ(policy["spec"], expected_spec);
}

TEST(DesiredState, EveryChildIsOwnedOrDeliberatelyRetained) {
  const api::MiniTwit mt = MakeMiniTwit(R"({"image": "m:1", "autoscaling": {"maxReplicas": 4},
      "database": {"inCluster": {"retainOnDelete": false}}})");
  for (const DesiredObject& object : BuildDesiredState(mt, Inputs(mt))) {
    EXPECT_EQ(object.object["metadata"]["ownerReferences"][0]["blockOwnerDeletion"], true)
        << object.object["kind"];
    EXPECT_EQ(object.object["metadata"]["namespace"], "mt");
  }
}

TEST(DesiredState, SpecHashChangesWithContent) {
  const api::MiniTwit mt = ScaledExternal();
  Json a = BuildService(mt);
  Json b = a;
  StampSpecHash(a);
  StampSpecHash(b);
  EXPECT_EQ(a, b);
  Json c = BuildService(mt);
  c["spec"]["selector"]["x"] = "y";
  StampSpecHash(c);
  EXPECT_NE(a["metadata"]["annotations"][kAnnotationSpecHash], c["metadata"]["annotations"][kAnnotationSpecHash]);
  StampSpecHash(a);  // stamping twice is stable
  EXPECT_EQ(a, b);
}

TEST(IsSubset, IgnoresServerFieldsAndNormalisedQuantities) {
  const Json desired = Json::parse(R"({"spec": {"resources": {"requests": {"cpu": "0.5", "memory": "1Gi"}},
                                      "ports": [{"port": 80}], "volumes": [{"emptyDir": {}}]}})");
  const Json live = Json::parse(R"({"spec": {"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}},
                                   "ports": [{"port": 80, "protocol": "TCP"}], "volumes": [{"emptyDir": {}}],
                                   "clusterIP": "10.0.0.1"}, "status": {}})");
  EXPECT_TRUE(IsSubset(desired, live));
  Json changed = live;
  changed["spec"]["ports"][0]["port"] = 81;
  EXPECT_FALSE(IsSubset(desired, changed));
  changed = live;
  changed["spec"]["ports"].push_back({{"port", 443}});
  EXPECT_FALSE(IsSubset(desired, changed));
  EXPECT_FALSE(IsSubset(Json({{"a", "x"}}), Json({{"a", "y"}})));
}

// Drift is measured on what the operator sets: an entry someone else added to a keyed list
// (`kubectl set env`) is theirs and must not make every reconcile re-apply.
TEST(IsSubset, KeyedListsIgnoreEntriesAddedBySomeoneElse) {
  const Json desired = {{"env", Json::array({{{"name", "A"}, {"value", "1"}}, {{"name", "B"}, {"value", "2"}}})}};
  const Json added = {{"env", Json::array({{{"name", "A"}, {"value", "1"}},
                                           {{"name", "EXTRA"}, {"value", "x"}},
                                           {{"name", "B"}, {"value", "2"}}})}};
  EXPECT_TRUE(IsSubset(desired, added));
  // A value the operator set, changed by someone else, is drift.
  const Json changed = {{"env", Json::array({{{"name", "A"}, {"value", "1"}}, {{"name", "B"}, {"value", "3"}}})}};
  EXPECT_FALSE(IsSubset(desired, changed));
  // An entry the operator sets, removed by someone else, is drift.
  const Json removed = {{"env", Json::array({{{"name", "A"}, {"value", "1"}}})}};
  EXPECT_FALSE(IsSubset(desired, removed));
  // Lists without a merge key still compare element by element.
  EXPECT_FALSE(IsSubset(Json({{"args", Json::array({"a"})}}), Json({{"args", Json::array({"a", "b"})}})));
}

TEST(Base64, RoundTrips) {
  for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "p@ss:w/rd?"}) {
    EXPECT_EQ(Base64Decode(Base64Encode(text)), text);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(Base64Decode("abc").has_value());
  EXPECT_FALSE(Base64Decode("ab!d").has_value());
}

}  // namespace
}  // namespace minitwit::controller
