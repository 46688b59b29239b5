#include "api/pod_settings.hpp"

#include <algorithm>
#include <set>

#include "api/spec_reader.hpp"

namespace minitwit::api {
namespace {

using Json = nlohmann::json;

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Str(const Json& object, const char* key) {
  const Json* value = SpecField(object, key);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

// Like Kubernetes: printable ASCII without '=' (a C identifier is the portable choice).
bool IsEnvName(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7f && c != '='; });
}

void ValidateTolerations(const Json& tolerations, const std::string& path, std::vector<std::string>& errors) {
  for (size_t i = 0; i < tolerations.size(); ++i) {
    const Json& t = tolerations[i];
    const std::string tpath = path + "[" + std::to_string(i) + "]";
    const std::string op = t.contains("operator") ? Str(t, "operator") : "Equal";
    const std::string effect = Str(t, "effect");
    const std::string key = Str(t, "key");
    if (op != "Equal" && op != "Exists") errors.push_back(tpath + ".operator must be Equal or Exists");
    if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
      errors.push_back(tpath + ".effect must be NoSchedule, PreferNoSchedule or NoExecute");
    }
    if (key.empty() && op != "Exists") errors.push_back(tpath + ": an empty key needs operator Exists");
    if (!key.empty() && !IsQualifiedName(key)) errors.push_back(tpath + ".key must be a valid label key");
    if (op == "Exists" && !Str(t, "value").empty()) errors.push_back(tpath + ".value must be empty with operator Exists");
    if (const Json* seconds = SpecField(t, "tolerationSeconds")) {
      if (!seconds->is_number_integer()) errors.push_back(tpath + ".tolerationSeconds must be an integer");
      if (effect != "NoExecute") errors.push_back(tpath + ".tolerationSeconds needs effect NoExecute");
    }
  }
}

void ValidateSpread(const Json& constraints, const std::string& path, std::vector<std::string>& errors) {
  for (size_t i = 0; i < constraints.size(); ++i) {
    const Json& c = constraints[i];
    const std::string cpath = path + "[" + std::to_string(i) + "]";
    const Json* skew = SpecField(c, "maxSkew");
    if (!skew || !skew->is_number_integer() || skew->get<int64_t>() < 1) {
      errors.push_back(cpath + ".maxSkew must be an integer of at least 1");
    }
    if (Str(c, "topologyKey").empty()) errors.push_back(cpath + ".topologyKey must not be empty");
    const std::string when = Str(c, "whenUnsatisfiable");
    if (when != "DoNotSchedule" && when != "ScheduleAnyway") {
      errors.push_back(cpath + ".whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway");
    }
  }
}

void ValidateEnv(const Json& env, const std::string& path, std::vector<std::string>& errors) {
  std::set<std::string> seen;
  for (size_t i = 0; i < env.size(); ++i) {
    const Json& e = env[i];
    const std::string epath = path + "[" + std::to_string(i) + "]";
    const std::string name = Str(e, "name");
    if (!IsEnvName(name)) {
      errors.push_back(epath + ".name must be a non-empty name without '=' or spaces");
    } else if (Contains(kReservedEnvNames, name)) {
      errors.push_back(epath + ": " + name + " is set by the operator and cannot be overridden");
    } else if (!seen.insert(name).second) {
      errors.push_back(epath + ": " + name + " is set twice");
    }
    const Json* value = SpecField(e, "value");
    const Json* from = SpecField(e, "valueFrom");
    if (value && !value->is_string()) errors.push_back(epath + ".value must be a string");
    if (value && from) errors.push_back(epath + ": set value or valueFrom, not both");
    if (!from) continue;
    if (!from->is_object()) {
      errors.push_back(epath + ".valueFrom must be an object");
      continue;
    }
    int sources = 0;
    for (const char* source : {"secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef"}) {
      if (SpecField(*from, source)) ++sources;
    }
    if (sources != 1 || from->size() != 1) {
      errors.push_back(epath + ".valueFrom must set exactly one of secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef");
    }
    for (const char* ref : {"secretKeyRef", "configMapKeyRef"}) {
      const Json* selector = SpecField(*from, ref);
      if (!selector) continue;
      if (!IsDnsSubdomainName(Str(*selector, "name")) || Str(*selector, "key").empty()) {
        errors.push_back(epath + ".valueFrom." + ref + " needs a valid name and a key");
      }
    }
  }
}

}  // namespace

bool PodSettings::empty() const {
  return image_pull_secrets.empty() && node_selector.empty() && tolerations.empty() && affinity.empty() &&
         topology_spread_constraints.empty() && annotations.empty() && labels.empty() && extra_env.empty();
}

PodSettings ReadPodSettings(const Json& pod, const std::string& path) {
  if (!pod.is_object()) throw FieldError(path + " must be an object");
  PodSettings settings;
  const Json secrets = SpecObjectList(pod, "imagePullSecrets", path);
  for (size_t i = 0; i < secrets.size(); ++i) {
    settings.image_pull_secrets.push_back(SpecString(secrets[i], "name", path + ".imagePullSecrets[" + std::to_string(i) + "]", ""));
  }
  settings.node_selector = SpecStringMap(pod, "nodeSelector", path);
  settings.tolerations = SpecObjectList(pod, "tolerations", path);
  if (const Json* affinity = SpecField(pod, "affinity")) {
    if (!affinity->is_object()) throw FieldError(path + ".affinity must be an object");
    settings.affinity = *affinity;
  }
  settings.topology_spread_constraints = SpecObjectList(pod, "topologySpreadConstraints", path);
  settings.annotations = SpecStringMap(pod, "annotations", path);
  settings.labels = SpecStringMap(pod, "labels", path);
  settings.extra_env = SpecObjectList(pod, "extraEnv", path);
  return settings;
}

Json PodSettingsToJson(const PodSettings& pod) {
  Json json = Json::object();
  if (!pod.image_pull_secrets.empty()) {
    json["imagePullSecrets"] = Json::array();
    for (const std::string& name : pod.image_pull_secrets) json["imagePullSecrets"].push_back({{"name", name}});
  }
  if (!pod.node_selector.empty()) json["nodeSelector"] = pod.node_selector;
  if (!pod.tolerations.empty()) json["tolerations"] = pod.tolerations;
  if (!pod.affinity.empty()) json["affinity"] = pod.affinity;
  if (!pod.topology_spread_constraints.empty()) json["topologySpreadConstraints"] = pod.topology_spread_constraints;
  if (!pod.annotations.empty()) json["annotations"] = pod.annotations;
  if (!pod.labels.empty()) json["labels"] = pod.labels;
  if (!pod.extra_env.empty()) json["extraEnv"] = pod.extra_env;
  return json;
}

void ValidatePodSettings(const PodSettings& pod, const std::string& path, std::vector<std::string>& errors) {
  for (size_t i = 0; i < pod.image_pull_secrets.size(); ++i) {
    if (!IsDnsSubdomainName(pod.image_pull_secrets[i])) {
      errors.push_back(path + ".imagePullSecrets[" + std::to_string(i) + "].name must be a valid Secret name");
    }
  }
  for (const auto& [key, value] : pod.node_selector) {
    if (!IsQualifiedName(key)) errors.push_back(path + ".nodeSelector: \"" + key + "\" is not a valid label key");
    if (!IsLabelValue(value)) errors.push_back(path + ".nodeSelector." + key + ": \"" + value + "\" is not a valid label value");
  }
  ValidateTolerations(pod.tolerations, path + ".tolerations", errors);
  for (const auto& [key, value] : pod.affinity.items()) {
    if (key != "nodeAffinity" && key != "podAffinity" && key != "podAntiAffinity") {
      errors.push_back(path + ".affinity." + key + " is not nodeAffinity, podAffinity or podAntiAffinity");
    } else if (!value.is_object()) {
      errors.push_back(path + ".affinity." + key + " must be an object");
    }
  }
  ValidateSpread(pod.topology_spread_constraints, path + ".topologySpreadConstraints", errors);
  for (const auto& [key, value] : pod.annotations) {
    if (!IsQualifiedName(key)) errors.push_back(path + ".annotations: \"" + key + "\" is not a valid annotation key");
    if (key.rfind(kReservedAnnotationPrefix, 0) == 0) {
      errors.push_back(path + ".annotations: the prefix minitwit.dev/ is reserved for the operator (" + key + ")");
    }
  }
  for (const auto& [key, value] : pod.labels) {
    if (!IsQualifiedName(key)) errors.push_back(path + ".labels: \"" + key + "\" is not a valid label key");
    if (!IsLabelValue(value)) errors.push_back(path + ".labels." + key + ": \"" + value + "\" is not a valid label value");
    if (Contains(kReservedLabels, key)) errors.push_back(path + ".labels: " + key + " is set by the operator");
  }
  ValidateEnv(pod.extra_env, path + ".extraEnv", errors);
}

std::vector<std::pair<std::string, std::string>> ExtraEnvSecretRefs(const PodSettings& pod) {
  std::vector<std::pair<std::string, std::string>> refs;
  for (const Json& env : pod.extra_env) {
    const Json* from = SpecField(env, "valueFrom");
    const Json* ref = from ? SpecField(*from, "secretKeyRef") : nullptr;
    if (ref && !Str(*ref, "name").empty()) refs.emplace_back(Str(*ref, "name"), Str(*ref, "key"));
  }
  return refs;
}

}  // namespace minitwit::api
