#include "controller/desired_state.hpp"

#include <algorithm>
#include <cstdint>

#include "api/quantity.hpp"
#include "api/resource_types.hpp"

namespace minitwit::controller {
namespace {

Json Labels(const api::MiniTwit& minitwit, const char* component) {
  return {{kLabelName, kAppName},
          {kLabelInstance, minitwit.name},
          {kLabelManagedBy, kManagedBy},
          {kLabelComponent, component}};
}

// metadata for a namespaced child; `owned` adds the controller owner reference.
Json Metadata(const api::MiniTwit& minitwit, const std::string& name, const char* component, bool owned = true) {
  Json metadata = {{"name", name}, {"namespace", minitwit.ns}, {"labels", Labels(minitwit, component)}};
  if (owned) metadata["ownerReferences"] = Json::array({BuildOwnerReference(minitwit)});
  return metadata;
}

Json RestrictedContainerSecurityContext(int32_t uid) {
  return {{"runAsNonRoot", true},
          {"runAsUser", uid},
          {"runAsGroup", uid},
          {"readOnlyRootFilesystem", true},
          {"allowPrivilegeEscalation", false},
          {"capabilities", {{"drop", Json::array({"ALL"})}}},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

Json PodSecurityContext(int32_t uid) {
  return {{"runAsNonRoot", true},
          {"runAsUser", uid},
          {"runAsGroup", uid},
          {"fsGroup", uid},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

Json SecretEnv(const std::string& name, const std::string& secret, const std::string& key) {
  return {{"name", name}, {"valueFrom", {{"secretKeyRef", {{"name", secret}, {"key", key}}}}}};
}

Json HttpProbe(const char* path, int period, int failures, int timeout) {
  return {{"httpGet", {{"path", path}, {"port", "http"}}},
          {"periodSeconds", period},
          {"failureThreshold", failures},
          {"timeoutSeconds", timeout}};
}

uint64_t Fnv1a(std::string_view data) {
  uint64_t hash = 14695981039346656037ULL;
  for (char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string Hex(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i) {
    text[static_cast<size_t>(i)] = kDigits[value & 0xF];
    value >>= 4;
  }
  return text;
}

}  // namespace

std::string DeploymentName(const api::MiniTwit& minitwit) { return minitwit.name; }
std::string ServiceName(const api::MiniTwit& minitwit) { return minitwit.name; }
std::string SessionSecretName(const api::MiniTwit& minitwit) { return minitwit.name + "-session"; }
std::string DatabaseName(const api::MiniTwit& minitwit) { return minitwit.name + "-db"; }
std::string DatabaseClaimName(const api::MiniTwit& minitwit) { return minitwit.name + "-db-data"; }
std::string IngressName(const api::MiniTwit& minitwit) { return minitwit.name; }

Json ChildMetadata(const api::MiniTwit& minitwit, const std::string& name, const char* component, bool owned) {
  return Metadata(minitwit, name, component, owned);
}

std::map<std::string, std::string> AppSelectorLabels(const api::MiniTwit& minitwit) {
  return {{kLabelName, kAppName}, {kLabelInstance, minitwit.name}, {kLabelComponent, kComponentApp}};
}

std::map<std::string, std::string> DatabaseSelectorLabels(const api::MiniTwit& minitwit) {
  return {{kLabelName, kAppName}, {kLabelInstance, minitwit.name}, {kLabelComponent, kComponentDatabase}};
}

std::string LabelSelectorString(const std::map<std::string, std::string>& labels) {
  std::string selector;
  for (const auto& [key, value] : labels) {
    if (!selector.empty()) selector += ",";
    selector += key + "=" + value;
  }
  return selector;
}

std::string AppSelectorString(const api::MiniTwit& minitwit) { return LabelSelectorString(AppSelectorLabels(minitwit)); }

DesiredInputs DefaultInputs(const api::MiniTwit& minitwit) {
  DesiredInputs inputs;
  inputs.image = minitwit.spec.image;
  if (minitwit.spec.database.external) {
    inputs.database_secret_name = minitwit.spec.database.external->secret_name;
    inputs.database_secret_key = minitwit.spec.database.external->key;
  } else {
    inputs.database_secret_name = DatabaseName(minitwit);
    inputs.database_secret_key = kDatabaseUriKey;
  }
  if (minitwit.spec.session_secret_ref) {
    inputs.session_secret_name = minitwit.spec.session_secret_ref->name;
    inputs.session_secret_key = minitwit.spec.session_secret_ref->key;
  } else {
    inputs.session_secret_name = SessionSecretName(minitwit);
    inputs.session_secret_key = kSessionSecretKey;
  }
  return inputs;
}

Json BuildOwnerReference(const api::MiniTwit& minitwit) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", api::kKind},
          {"name", minitwit.name},
          {"uid", minitwit.uid},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

Json BuildDeployment(const api::MiniTwit& minitwit, const DesiredInputs& inputs) {
  const api::MiniTwitSpec& spec = minitwit.spec;
  const bool hot_standby = spec.mode == api::Mode::kHotStandby;

  Json env = Json::array({
      {{"name", "PORT"}, {"value", std::to_string(spec.port)}},
      SecretEnv("DATABASE_URL", inputs.database_secret_name, inputs.database_secret_key),
      SecretEnv("SESSION_SECRET", inputs.session_secret_name, inputs.session_secret_key),
      {{"name", "LOG_LEVEL"}, {"value", spec.log_level}},
      {{"name", "DB_POOL_SIZE"}, {"value", std::to_string(spec.database.pool_size)}},
  });
  Json container = {
      {"name", "minitwit"},
      {"image", inputs.image},
      {"imagePullPolicy", spec.image_pull_policy},
      {"ports", Json::array({{{"name", "http"}, {"containerPort", spec.port}, {"protocol", "TCP"}}})},
      {"env", env},
      {"readinessProbe", HttpProbe("/readyz", 5, 2, 2)},
      {"livenessProbe", HttpProbe("/healthz", 10, 3, 2)},
      // Up to 2 s x 60 for start-up, which includes schema migrations.
      {"startupProbe", HttpProbe("/healthz", 2, 60, 2)},
      // Distroless images have no `sleep` binary: the kubelet's sleep action keeps the pod
      // serving while endpoints drop it, before SIGTERM starts the graceful shutdown.
      {"lifecycle", {{"preStop", {{"sleep", {{"seconds", kPreStopSleepSeconds}}}}}}},
      {"securityContext", RestrictedContainerSecurityContext(kAppUid)},
      {"volumeMounts", Json::array({{{"name", "tmp"}, {"mountPath", "/tmp"}}})},
  };
  Json resources = api::ResourcesToJson(spec.resources);
  if (!resources.empty()) container["resources"] = resources;
  Json volumes = Json::array({{{"name", "tmp"}, {"emptyDir", Json::object()}}});
  // An external database's CA: the app verifies the server's certificate and name with it.
  if (spec.database.external && !spec.database.external->ca_key.empty()) {
    const std::string ca_dir = "/etc/minitwit/database-ca";
    container["env"].push_back({{"name", "DATABASE_SSLMODE"}, {"value", "verify-full"}});
    container["env"].push_back({{"name", "DATABASE_SSLROOTCERT"}, {"value", ca_dir + "/ca.crt"}});
    container["volumeMounts"].push_back({{"name", "database-ca"}, {"mountPath", ca_dir}, {"readOnly", true}});
    volumes.push_back(
        {{"name", "database-ca"},
         {"secret",
          {{"secretName", spec.database.external->secret_name},
           {"items", Json::array({{{"key", spec.database.external->ca_key}, {"path", "ca.crt"}}})}}}});
  }

  Json deployment_spec = {
      {"selector", {{"matchLabels", AppSelectorLabels(minitwit)}}},
      {"strategy",
       {{"type", "RollingUpdate"},
        {"rollingUpdate",
         {{"maxSurge", spec.rollout.max_surge.ToJson()}, {"maxUnavailable", spec.rollout.max_unavailable.ToJson()}}}}},
      {"progressDeadlineSeconds", spec.rollout.progress_deadline_seconds},
      {"revisionHistoryLimit", 5},
      {"template",
       {{"metadata", {{"labels", Labels(minitwit, kComponentApp)}}},
        {"spec",
         {{"automountServiceAccountToken", false},
          {"enableServiceLinks", false},
          {"terminationGracePeriodSeconds", spec.termination_grace_period_seconds},
          {"securityContext", PodSecurityContext(kAppUid)},
          {"containers", Json::array({container})},
          {"volumes", volumes}}}}},
  };
  Json& app_template = deployment_spec["template"];
  if (!inputs.secrets_hash.empty()) app_template["metadata"]["annotations"][kAnnotationSecretsHash] = inputs.secrets_hash;
  ApplyPodSettings(minitwit, PodRole::kApp, app_template);
  // With autoscaling the HPA owns spec.replicas: leaving it out of the apply configuration
  // means this field manager never fights the HPA over it.
  if (hot_standby) {
    deployment_spec["replicas"] = api::kHotStandbyReplicas;
    // The handover gate (reconcile_hotstandby.cpp) and a hash that tells updated pods apart.
    Json& pod_template = deployment_spec["template"];
    pod_template["spec"]["readinessGates"] = Json::array({{{"conditionType", kConditionHandover}}});
    // The handover relies on one extra pod and none missing, whatever spec.rollout says.
    deployment_spec["strategy"]["rollingUpdate"] = {{"maxSurge", 1}, {"maxUnavailable", 0}};
    const std::string template_hash = Hex(Fnv1a(pod_template.dump()));
    pod_template["metadata"]["annotations"][kAnnotationTemplateHash] = template_hash;
  } else if (!spec.autoscaling) {
    deployment_spec["replicas"] = spec.replicas;
  }
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", Metadata(minitwit, DeploymentName(minitwit), kComponentApp)},
          {"spec", deployment_spec}};
}

Json BuildService(const api::MiniTwit& minitwit) {
  Json selector = AppSelectorLabels(minitwit);
  if (minitwit.spec.mode == api::Mode::kHotStandby) selector[kLabelRole] = kRoleActive;
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", Metadata(minitwit, ServiceName(minitwit), kComponentApp)},
          {"spec",
           {{"type", "ClusterIP"},
            {"selector", selector},
            {"ports", Json::array({{{"name", "http"},
                                    {"port", kServicePort},
                                    {"targetPort", "http"},
                                    {"protocol", "TCP"}}})}}}};
}

Json BuildPodDisruptionBudget(const api::MiniTwit& minitwit) {
  Json spec = {{"selector", {{"matchLabels", AppSelectorLabels(minitwit)}}}};
  // HotStandby: keep one of the two pods. Scaled: drain one pod at a time, which also lets a
  // single-replica MiniTwit be evicted instead of blocking node drains forever.
  if (minitwit.spec.mode == api::Mode::kHotStandby) {
    spec["minAvailable"] = 1;
  } else {
    spec["maxUnavailable"] = 1;
  }
  return {{"apiVersion", "policy/v1"},
          {"kind", "PodDisruptionBudget"},
          {"metadata", Metadata(minitwit, DeploymentName(minitwit), kComponentApp)},
          {"spec", spec}};
}

Json BuildScalingBehavior(const api::Autoscaling& autoscaling) {
  using api::ScalingPolicy;
  using api::ScalingPolicyType;
  const std::optional<api::ScalingBehavior>& behavior = autoscaling.behavior;
  // Every field is sent, so the HPA never falls back to Kubernetes' defaults (which differ
  // from ours: its default scale-down removes up to 100% every 15 s).
  auto rules = [](const std::optional<api::ScalingRules>& given, int32_t window,
                  const std::vector<ScalingPolicy>& default_policies) {
    const std::vector<ScalingPolicy>& policies =
        given && !given->policies.empty() ? given->policies : default_policies;
    Json json = {{"stabilizationWindowSeconds", given ? given->stabilization_window_seconds.value_or(window) : window},
                 {"selectPolicy", api::SelectPolicyName(given ? given->select_policy.value_or(api::SelectPolicy::kMax)
                                                              : api::SelectPolicy::kMax)},
                 {"policies", Json::array()}};
    for (const ScalingPolicy& policy : policies) json["policies"].push_back(api::ScalingPolicyToJson(policy));
    return json;
  };
  // Up: double or add 4 pods every 15 s, whichever is more. Down: at most half per minute.
  static const std::vector<ScalingPolicy> kScaleUp = {{ScalingPolicyType::kPercent, 100, 15},
                                                      {ScalingPolicyType::kPods, 4, 15}};
  static const std::vector<ScalingPolicy> kScaleDown = {{ScalingPolicyType::kPercent, 50, 60}};
  const int32_t down_window =
      autoscaling.scale_down_stabilization_seconds.value_or(api::kDefaultScaleDownStabilizationSeconds);
  return {{"scaleUp", rules(behavior ? behavior->scale_up : std::nullopt, 0, kScaleUp)},
          {"scaleDown", rules(behavior ? behavior->scale_down : std::nullopt, down_window, kScaleDown)}};
}

std::optional<Json> BuildHorizontalPodAutoscaler(const api::MiniTwit& minitwit) {
  if (minitwit.spec.mode != api::Mode::kScaled || !minitwit.spec.autoscaling) return std::nullopt;
  const api::Autoscaling& a = *minitwit.spec.autoscaling;
  return Json{
      {"apiVersion", "autoscaling/v2"},
      {"kind", "HorizontalPodAutoscaler"},
      {"metadata", Metadata(minitwit, DeploymentName(minitwit), kComponentApp)},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", DeploymentName(minitwit)}}},
        {"minReplicas", a.min_replicas},
        {"maxReplicas", a.max_replicas},
        {"metrics",
         Json::array({{{"type", "Resource"},
                       {"resource",
                        {{"name", "cpu"},
                         {"target", {{"type", "Utilization"}, {"averageUtilization", a.target_cpu_utilization_percentage}}}}}}})},
        {"behavior", BuildScalingBehavior(a)}}},
  };
}

std::optional<Json> BuildSessionSecret(const api::MiniTwit& minitwit, const DesiredInputs& inputs) {
  if (minitwit.spec.session_secret_ref) return std::nullopt;
  return Json{{"apiVersion", "v1"},
              {"kind", "Secret"},
              {"metadata", Metadata(minitwit, SessionSecretName(minitwit), kComponentApp)},
              {"type", "Opaque"},
              {"data", {{kSessionSecretKey, Base64Encode(inputs.session_secret_value)}}}};
}

Json BuildDatabaseSecret(const api::MiniTwit& minitwit, const DesiredInputs& inputs) {
  const std::string host = DatabaseName(minitwit);
  const std::string uri = std::string("postgresql://") + kPostgresUser + ":" + inputs.database_password + "@" +
                          host + ":" + std::to_string(kPostgresPort) + "/" + kPostgresDatabase + "?sslmode=disable";
  // With retainOnDelete the password must outlive the MiniTwit together with the volume it
  // unlocks, so neither carries an owner reference.
  const bool owned = !minitwit.spec.database.in_cluster || !minitwit.spec.database.in_cluster->retain_on_delete;
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", Metadata(minitwit, DatabaseName(minitwit), kComponentDatabase, owned)},
          {"type", "Opaque"},
          {"data",
           {{"username", Base64Encode(kPostgresUser)},
            {kDatabasePasswordKey, Base64Encode(inputs.database_password)},
            {"database", Base64Encode(kPostgresDatabase)},
            {"host", Base64Encode(host)},
            {"port", Base64Encode(std::to_string(kPostgresPort))},
            {kDatabaseUriKey, Base64Encode(uri)}}}};
}

Json BuildDatabaseClaim(const api::MiniTwit& minitwit) {
  const api::InClusterDatabase& db = *minitwit.spec.database.in_cluster;
  Json spec = {{"accessModes", Json::array({"ReadWriteOnce"})},
               {"resources", {{"requests", {{"storage", db.storage}}}}}};
  if (!db.storage_class_name.empty()) spec["storageClassName"] = db.storage_class_name;
  return {{"apiVersion", "v1"},
          {"kind", "PersistentVolumeClaim"},
          {"metadata", Metadata(minitwit, DatabaseClaimName(minitwit), kComponentDatabase, !db.retain_on_delete)},
          {"spec", spec}};
}

Json BuildDatabaseStatefulSet(const api::MiniTwit& minitwit, const DesiredInputs& /*inputs*/) {
  const api::InClusterDatabase& db = *minitwit.spec.database.in_cluster;
  const std::string secret = DatabaseName(minitwit);
  const Json ready_command = {"pg_isready", "-h", "127.0.0.1", "-U", kPostgresUser, "-d", kPostgresDatabase};
  Json container = {
      {"name", "postgres"},
      {"image", db.image},
      {"imagePullPolicy", "IfNotPresent"},
      {"ports", Json::array({{{"name", "postgres"}, {"containerPort", kPostgresPort}, {"protocol", "TCP"}}})},
      // MiniTwit connects as kPostgresUser, a role that owns its database and is no
      // superuser (the image's POSTGRES_APP_USER); the superuser's password is random and
      // kept nowhere. Volumes initialized before this keep their roles (docs/crd.md).
      {"env", Json::array({{{"name", "POSTGRES_USER"}, {"value", kPostgresSuperuser}},
                           {{"name", "POSTGRES_DB"}, {"value", kPostgresDatabase}},
                           {{"name", "POSTGRES_APP_USER"}, {"value", kPostgresUser}},
                           SecretEnv("POSTGRES_APP_PASSWORD", secret, kDatabasePasswordKey),
                           {{"name", "PGDATA"}, {"value", "/var/lib/postgresql/data/pgdata"}}})},
      {"readinessProbe", {{"exec", {{"command", ready_command}}}, {"periodSeconds", 5}, {"timeoutSeconds", 3}}},
      {"livenessProbe",
       {{"tcpSocket", {{"port", "postgres"}}}, {"periodSeconds", 10}, {"failureThreshold", 6}, {"initialDelaySeconds", 30}}},
      {"securityContext", RestrictedContainerSecurityContext(kPostgresUid)},
      {"volumeMounts", Json::array({{{"name", "data"}, {"mountPath", "/var/lib/postgresql/data"}},
                                    {{"name", "run"}, {"mountPath", "/var/run/postgresql"}},
                                    {{"name", "tmp"}, {"mountPath", "/tmp"}}})},
  };
  Json resources = api::ResourcesToJson(db.resources);
  if (!resources.empty()) container["resources"] = resources;
  Json statefulset = {{"apiVersion", "apps/v1"},
          {"kind", "StatefulSet"},
          {"metadata", Metadata(minitwit, DatabaseName(minitwit), kComponentDatabase)},
          {"spec",
           {{"replicas", 1},
            {"serviceName", DatabaseName(minitwit)},
            {"selector", {{"matchLabels", DatabaseSelectorLabels(minitwit)}}},
            {"template",
             {{"metadata", {{"labels", Labels(minitwit, kComponentDatabase)}}},
              {"spec",
               {{"automountServiceAccountToken", false},
                {"enableServiceLinks", false},
                {"terminationGracePeriodSeconds", 60},
                {"securityContext", PodSecurityContext(kPostgresUid)},
                {"containers", Json::array({container})},
                {"volumes",
                 Json::array({{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", DatabaseClaimName(minitwit)}}}},
                              {{"name", "run"}, {"emptyDir", Json::object()}},
                              {{"name", "tmp"}, {"emptyDir", Json::object()}}})}}}}}}}};
  ApplyPodSettings(minitwit, PodRole::kDatabase, statefulset["spec"]["template"]);
  return statefulset;
}

Json BuildDatabaseService(const api::MiniTwit& minitwit) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", Metadata(minitwit, DatabaseName(minitwit), kComponentDatabase)},
          {"spec",
           {{"type", "ClusterIP"},
            {"selector", DatabaseSelectorLabels(minitwit)},
            {"ports", Json::array({{{"name", "postgres"},
                                    {"port", kPostgresPort},
                                    {"targetPort", "postgres"},
                                    {"protocol", "TCP"}}})}}}};
}

Json BuildDatabaseNetworkPolicy(const api::MiniTwit& minitwit) {
  return {{"apiVersion", "networking.k8s.io/v1"},
          {"kind", "NetworkPolicy"},
          {"metadata", Metadata(minitwit, DatabaseName(minitwit), kComponentDatabase)},
          {"spec",
           {{"podSelector", {{"matchLabels", DatabaseSelectorLabels(minitwit)}}},
            {"policyTypes", Json::array({"Ingress"})},
            {"ingress",
             Json::array({{{"from", Json::array({{{"podSelector", {{"matchLabels", AppSelectorLabels(minitwit)}}}}})},
                           {"ports", Json::array({{{"protocol", "TCP"}, {"port", kPostgresPort}}})}}})}}}};
}

std::vector<DesiredObject> BuildDesiredState(const api::MiniTwit& minitwit, const DesiredInputs& inputs) {
  std::vector<DesiredObject> objects;
  if (std::optional<Json> secret = BuildSessionSecret(minitwit, inputs)) {
    objects.push_back({api::kSecretType, *secret});
  }
  if (minitwit.spec.database.in_cluster) {
    objects.push_back({api::kSecretType, BuildDatabaseSecret(minitwit, inputs)});
    objects.push_back({api::kPersistentVolumeClaimType, BuildDatabaseClaim(minitwit)});
    objects.push_back({api::kServiceType, BuildDatabaseService(minitwit)});
    objects.push_back({api::kNetworkPolicyType, BuildDatabaseNetworkPolicy(minitwit)});
    objects.push_back({api::kStatefulSetType, BuildDatabaseStatefulSet(minitwit, inputs)});
  }
  objects.push_back({api::kDeploymentType, BuildDeployment(minitwit, inputs)});
  objects.push_back({api::kServiceType, BuildService(minitwit)});
  objects.push_back({api::kPodDisruptionBudgetType, BuildPodDisruptionBudget(minitwit)});
  if (std::optional<Json> ingress = BuildIngress(minitwit)) objects.push_back({api::kIngressType, *ingress});
  // Last: it is the one child whose kind may not be served (no Gateway API CRDs).
  if (std::optional<Json> route = BuildHttpRoute(minitwit)) objects.push_back({api::kHttpRouteType, *route});
  if (std::optional<Json> hpa = BuildHorizontalPodAutoscaler(minitwit)) {
    objects.push_back({api::kHorizontalPodAutoscalerType, *hpa});
  }
  for (DesiredObject& object : objects) StampSpecHash(object.object);
  return objects;
}

void StampSpecHash(Json& object) {
  Json copy = object;
  if (copy.contains("metadata") && copy["metadata"].contains("annotations")) {
    copy["metadata"]["annotations"].erase(kAnnotationSpecHash);
    if (copy["metadata"]["annotations"].empty()) copy["metadata"].erase("annotations");
  }
  object["metadata"]["annotations"][kAnnotationSpecHash] = Hex(Fnv1a(copy.dump()));
}

bool IsSubset(const Json& desired, const Json& live) {
  if (desired.is_object()) {
    if (!live.is_object()) return false;
    for (const auto& [key, value] : desired.items()) {
      auto it = live.find(key);
      if (it == live.end()) {
        // An empty object or list we set may be dropped by the server (e.g. emptyDir: {}).
        if ((value.is_object() || value.is_array()) && value.empty()) continue;
        return false;
      }
      if (!IsSubset(value, *it)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array()) return false;
    // A list keyed by name (containers, env, ports, volumes, volumeMounts) is merged by key
    // under server-side apply: entries someone else added are theirs, not drift.
    const auto keyed = [](const Json& list) {
      return !list.empty() && std::all_of(list.begin(), list.end(), [](const Json& item) {
        return item.is_object() && item.contains("name") && item["name"].is_string();
      });
    };
    if (keyed(desired) && (live.empty() || keyed(live))) {
      for (const Json& item : desired) {
        const auto match = std::find_if(live.begin(), live.end(),
                                        [&](const Json& other) { return other["name"] == item["name"]; });
        if (match == live.end() || !IsSubset(item, *match)) return false;
      }
      return true;
    }
    if (live.size() != desired.size()) return false;
    for (size_t i = 0; i < desired.size(); ++i) {
      if (!IsSubset(desired[i], live[i])) return false;
    }
    return true;
  }
  if (desired == live) return true;
  if (desired.is_string() && live.is_string()) {
    return api::SameQuantity(desired.get<std::string>(), live.get<std::string>());
  }
  if (desired.is_number() && live.is_number()) return desired.get<double>() == live.get<double>();
  return false;
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < data.size()) {
    uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=') {
      if (i + 2 < text.size()) return std::nullopt;
      break;
    }
    const int v = value(text[i]);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace minitwit::controller
