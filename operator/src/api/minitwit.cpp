#include "api/minitwit.hpp"

#include <cctype>
#include <limits>
#include <stdexcept>

#include "api/quantity.hpp"
#include "api/spec_reader.hpp"

namespace minitwit::api {
namespace {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Json* Field(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string ReadString(const Json& object, const char* key, const std::string& path, std::string fallback) {
  const Json* value = Field(object, key);
  if (!value) return fallback;
  if (!value->is_string()) throw ParseError(path + "." + key + " must be a string");
  return value->get<std::string>();
}

int32_t ReadInt(const Json& object, const char* key, const std::string& path, int32_t fallback) {
  const Json* value = Field(object, key);
  if (!value) return fallback;
  if (!value->is_number_integer()) throw ParseError(path + "." + key + " must be an integer");
  const int64_t number = value->get<int64_t>();
  if (number < std::numeric_limits<int32_t>::min() || number > std::numeric_limits<int32_t>::max()) {
    throw ParseError(path + "." + key + " is out of range");
  }
  return static_cast<int32_t>(number);
}

int64_t ReadInt64(const Json& object, const char* key, int64_t fallback) {
  const Json* value = Field(object, key);
  return value && value->is_number_integer() ? value->get<int64_t>() : fallback;
}

bool ReadBool(const Json& object, const char* key, const std::string& path, bool fallback) {
  const Json* value = Field(object, key);
  if (!value) return fallback;
  if (!value->is_boolean()) throw ParseError(path + "." + key + " must be a boolean");
  return value->get<bool>();
}

const Json& ReadObject(const Json& object, const char* key, const std::string& path) {
  static const Json kEmpty = Json::object();
  const Json* value = Field(object, key);
  if (!value) return kEmpty;
  if (!value->is_object()) throw ParseError(path + "." + key + " must be an object");
  return *value;
}

IntOrString ReadIntOrString(const Json& object, const char* key, const std::string& path, IntOrString fallback) {
  const Json* value = Field(object, key);
  if (!value) return fallback;
  std::optional<IntOrString> parsed = IntOrString::FromJson(*value);
  if (!parsed) throw ParseError(path + "." + key + " must be an integer or a string");
  return *parsed;
}

std::map<std::string, std::string> ReadQuantityMap(const Json& object, const char* key, const std::string& path) {
  std::map<std::string, std::string> result;
  for (const auto& [name, value] : ReadObject(object, key, path).items()) {
    if (value.is_string()) {
      result[name] = value.get<std::string>();
    } else if (value.is_number()) {  // a bare number is a valid quantity in YAML
      result[name] = value.is_number_integer() ? std::to_string(value.get<int64_t>()) : value.dump();
    } else {
      throw ParseError(path + "." + key + "." + name + " must be a quantity");
    }
  }
  return result;
}

Resources ReadResources(const Json& object, const std::string& path) {
  Resources resources;
  resources.requests = ReadQuantityMap(object, "requests", path);
  resources.limits = ReadQuantityMap(object, "limits", path);
  return resources;
}

ScalingRules ReadScalingRules(const Json& behavior, const char* key, const std::string& path) {
  const std::string rpath = path + "." + key;
  const Json& rules_json = ReadObject(behavior, key, path);
  ScalingRules rules;
  if (Field(rules_json, "stabilizationWindowSeconds")) {
    rules.stabilization_window_seconds = ReadInt(rules_json, "stabilizationWindowSeconds", rpath, 0);
  }
  if (Field(rules_json, "selectPolicy")) {
    const std::string select = ReadString(rules_json, "selectPolicy", rpath, "");
    if (select == "Max") {
      rules.select_policy = SelectPolicy::kMax;
    } else if (select == "Min") {
      rules.select_policy = SelectPolicy::kMin;
    } else if (select == "Disabled") {
      rules.select_policy = SelectPolicy::kDisabled;
    } else {
      throw ParseError(rpath + ".selectPolicy must be Max, Min or Disabled, not \"" + select + "\"");
    }
  }
  if (const Json* policies = Field(rules_json, "policies")) {
    if (!policies->is_array()) throw ParseError(rpath + ".policies must be a list");
    for (size_t i = 0; i < policies->size(); ++i) {
      const std::string ppath = rpath + ".policies[" + std::to_string(i) + "]";
      const Json& policy_json = (*policies)[i];
      if (!policy_json.is_object()) throw ParseError(ppath + " must be an object");
      ScalingPolicy policy;
      const std::string type = ReadString(policy_json, "type", ppath, "");
      if (type == "Pods") {
        policy.type = ScalingPolicyType::kPods;
      } else if (type == "Percent") {
        policy.type = ScalingPolicyType::kPercent;
      } else {
        throw ParseError(ppath + ".type must be Pods or Percent, not \"" + type + "\"");
      }
      policy.value = ReadInt(policy_json, "value", ppath, 0);
      policy.period_seconds = ReadInt(policy_json, "periodSeconds", ppath, 0);
      rules.policies.push_back(policy);
    }
  }
  return rules;
}

Json ScalingRulesToJson(const ScalingRules& rules) {
  Json json = Json::object();
  if (rules.stabilization_window_seconds) json["stabilizationWindowSeconds"] = *rules.stabilization_window_seconds;
  if (rules.select_policy) json["selectPolicy"] = SelectPolicyName(*rules.select_policy);
  if (!rules.policies.empty()) {
    json["policies"] = Json::array();
    for (const ScalingPolicy& policy : rules.policies) json["policies"].push_back(ScalingPolicyToJson(policy));
  }
  return json;
}

void ValidateScalingRules(const ScalingRules& rules, const std::string& path, std::vector<std::string>& errors) {
  if (rules.stabilization_window_seconds &&
      (*rules.stabilization_window_seconds < 0 || *rules.stabilization_window_seconds > kMaxStabilizationWindowSeconds)) {
    errors.push_back(path + ".stabilizationWindowSeconds must be between 0 and 3600");
  }
  if (rules.policies.size() > static_cast<size_t>(kMaxScalingPolicies)) {
    errors.push_back(path + ".policies may hold at most 10 policies");
  }
  for (size_t i = 0; i < rules.policies.size(); ++i) {
    const std::string ppath = path + ".policies[" + std::to_string(i) + "]";
    if (rules.policies[i].value < 1) errors.push_back(ppath + ".value must be greater than zero");
    if (rules.policies[i].period_seconds < 1 || rules.policies[i].period_seconds > kMaxPolicyPeriodSeconds) {
      errors.push_back(ppath + ".periodSeconds must be between 1 and 1800");
    }
  }
}

MiniTwitSpec ReadSpec(const Json& spec_json) {
  const std::string path = "spec";
  MiniTwitSpec spec;
  spec.image = ReadString(spec_json, "image", path, "");
  const std::string mode = ReadString(spec_json, "mode", path, "Scaled");
  if (mode == "Scaled") {
    spec.mode = Mode::kScaled;
  } else if (mode == "HotStandby") {
    spec.mode = Mode::kHotStandby;
  } else {
    throw ParseError("spec.mode must be Scaled or HotStandby, not \"" + mode + "\"");
  }
  spec.replicas = ReadInt(spec_json, "replicas", path, kDefaultReplicas);

  if (const Json* autoscaling = Field(spec_json, "autoscaling")) {
    const std::string apath = path + ".autoscaling";
    if (!autoscaling->is_object()) throw ParseError(apath + " must be an object");
    Autoscaling value;
    value.min_replicas = ReadInt(*autoscaling, "minReplicas", apath, kDefaultMinReplicas);
    value.max_replicas = ReadInt(*autoscaling, "maxReplicas", apath, 0);
    value.target_cpu_utilization_percentage =
        ReadInt(*autoscaling, "targetCPUUtilizationPercentage", apath, kDefaultTargetCpuPercent);
    if (Field(*autoscaling, "scaleDownStabilizationSeconds")) {
      value.scale_down_stabilization_seconds = ReadInt(*autoscaling, "scaleDownStabilizationSeconds", apath, 0);
    }
    if (const Json* behavior = Field(*autoscaling, "behavior")) {
      const std::string bpath = apath + ".behavior";
      if (!behavior->is_object()) throw ParseError(bpath + " must be an object");
      ScalingBehavior rules;
      if (Field(*behavior, "scaleUp")) rules.scale_up = ReadScalingRules(*behavior, "scaleUp", bpath);
      if (Field(*behavior, "scaleDown")) rules.scale_down = ReadScalingRules(*behavior, "scaleDown", bpath);
      value.behavior = rules;
    }
    spec.autoscaling = value;
  }

  const std::string rpath = path + ".rollout";
  const Json& rollout = ReadObject(spec_json, "rollout", path);
  spec.rollout.max_surge = ReadIntOrString(rollout, "maxSurge", rpath, IntOrString(int64_t{1}));
  spec.rollout.max_unavailable = ReadIntOrString(rollout, "maxUnavailable", rpath, IntOrString(int64_t{0}));
  spec.rollout.progress_deadline_seconds =
      ReadInt(rollout, "progressDeadlineSeconds", rpath, kDefaultProgressDeadlineSeconds);
  const std::string on_failure = ReadString(rollout, "onFailure", rpath, "Rollback");
  if (on_failure == "Rollback") {
    spec.rollout.on_failure = FailureAction::kRollback;
  } else if (on_failure == "Pause") {
    spec.rollout.on_failure = FailureAction::kPause;
  } else {
    throw ParseError("spec.rollout.onFailure must be Rollback or Pause, not \"" + on_failure + "\"");
  }

  const std::string dpath = path + ".database";
  const Json& database = ReadObject(spec_json, "database", path);
  spec.database.pool_size = ReadInt(database, "poolSize", dpath, kDefaultDbPoolSize);
  if (const Json* external = Field(database, "external")) {
    const std::string epath = dpath + ".external";
    if (!external->is_object()) throw ParseError(epath + " must be an object");
    ExternalDatabase value;
    value.secret_name = ReadString(*external, "secretName", epath, "");
    value.key = ReadString(*external, "key", epath, kDefaultSecretKey);
    value.ca_key = ReadString(*external, "caKey", epath, "");
    spec.database.external = value;
  }
  if (const Json* in_cluster = Field(database, "inCluster")) {
    const std::string ipath = dpath + ".inCluster";
    if (!in_cluster->is_object()) throw ParseError(ipath + " must be an object");
    InClusterDatabase value;
    if (const Json* storage = Field(*in_cluster, "storage"); storage && storage->is_number_integer()) {
      value.storage = std::to_string(storage->get<int64_t>());
    } else {
      value.storage = ReadString(*in_cluster, "storage", ipath, kDefaultStorage);
    }
    value.retain_on_delete = ReadBool(*in_cluster, "retainOnDelete", ipath, true);
    value.image = ReadString(*in_cluster, "image", ipath, kDefaultPostgresImage);
    value.storage_class_name = ReadString(*in_cluster, "storageClassName", ipath, "");
    value.resources = ReadResources(ReadObject(*in_cluster, "resources", ipath), ipath + ".resources");
    spec.database.in_cluster = value;
  }

  if (Field(spec_json, "resources")) {
    spec.resources = ReadResources(ReadObject(spec_json, "resources", path), path + ".resources");
  } else {
    spec.resources.requests = {{"cpu", kDefaultCpuRequest}, {"memory", kDefaultMemoryRequest}};
  }
  if (const Json* ref = Field(spec_json, "sessionSecretRef")) {
    const std::string spath = path + ".sessionSecretRef";
    if (!ref->is_object()) throw ParseError(spath + " must be an object");
    SecretKeySelector value;
    value.name = ReadString(*ref, "name", spath, "");
    value.key = ReadString(*ref, "key", spath, kDefaultSessionSecretKey);
    spec.session_secret_ref = value;
  }
  spec.port = ReadInt(spec_json, "port", path, kDefaultPort);
  spec.log_level = ReadString(spec_json, "logLevel", path, kDefaultLogLevel);
  spec.image_pull_policy = ReadString(spec_json, "imagePullPolicy", path, kDefaultImagePullPolicy);
  spec.termination_grace_period_seconds =
      ReadInt(spec_json, "terminationGracePeriodSeconds", path, kDefaultTerminationGracePeriodSeconds);
  if (const Json* expose = Field(spec_json, "expose")) spec.expose = ReadExpose(*expose, path + ".expose");
  if (const Json* pod = Field(spec_json, "pod")) spec.pod = ReadPodSettings(*pod, path + ".pod");
  return spec;
}

MiniTwitStatus ReadStatus(const Json& status_json) {
  // Status is ours; read it leniently (a wrong type means "not set").
  auto str = [&](const char* key) {
    const Json* value = Field(status_json, key);
    return value && value->is_string() ? value->get<std::string>() : std::string();
  };
  auto int32_in = [](const Json& object, const char* key) -> std::optional<int32_t> {
    const Json* value = Field(object, key);
    if (!value || !value->is_number_integer()) return std::nullopt;
    return value->get<int32_t>();
  };
  auto int32 = [&](const char* key) { return int32_in(status_json, key).value_or(0); };
  MiniTwitStatus status;
  status.observed_generation = ReadInt64(status_json, "observedGeneration", 0);
  status.phase = str("phase");
  status.replicas = int32("replicas");
  status.ready_replicas = int32("readyReplicas");
  status.updated_replicas = int32("updatedReplicas");
  status.selector = str("selector");
  status.image = str("image");
  status.last_good_image = str("lastGoodImage");
  status.failed_image = str("failedImage");
  status.active_pod = str("activePod");
  status.desired_replicas = int32("desiredReplicas");
  if (const Json* autoscaler = Field(status_json, "autoscaler"); autoscaler && autoscaler->is_object()) {
    AutoscalerStatus value;
    value.current_replicas = int32_in(*autoscaler, "currentReplicas").value_or(0);
    value.desired_replicas = int32_in(*autoscaler, "desiredReplicas").value_or(0);
    const Json* last_scale = Field(*autoscaler, "lastScaleTime");
    if (last_scale && last_scale->is_string()) value.last_scale_time = last_scale->get<std::string>();
    status.autoscaler = value;
  }
  if (const Json* conditions = Field(status_json, "conditions"); conditions && conditions->is_array()) {
    status.conditions = *conditions;
  }
  return status;
}

bool HasWhitespace(const std::string& text) {
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

bool IsSecretKey(const std::string& key) {
  if (key.empty() || key.size() > 253) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

void ValidateResources(const Resources& resources, const std::string& path, std::vector<std::string>& errors) {
  for (const auto* list : {&resources.requests, &resources.limits}) {
    const std::string list_path = path + (list == &resources.requests ? ".requests" : ".limits");
    for (const auto& [name, value] : *list) {
      if (name != "cpu" && name != "memory") errors.push_back(list_path + ": only cpu and memory are supported");
      const std::optional<Quantity> quantity = Quantity::Parse(value);
      if (!quantity) {
        errors.push_back(list_path + "." + name + ": \"" + value + "\" is not a quantity");
      } else if (quantity->value() < 0) {
        errors.push_back(list_path + "." + name + " must not be negative");
      }
    }
  }
  for (const auto& [name, request] : resources.requests) {
    auto limit = resources.limits.find(name);
    if (limit == resources.limits.end()) continue;
    const std::optional<Quantity> request_q = Quantity::Parse(request);
    const std::optional<Quantity> limit_q = Quantity::Parse(limit->second);
    if (request_q && limit_q && *limit_q < *request_q) {
      errors.push_back(path + ": requests." + name + " must not exceed limits." + name);
    }
  }
}

}  // namespace

Json ResourcesToJson(const Resources& resources) {
  Json json = Json::object();
  if (!resources.requests.empty()) json["requests"] = resources.requests;
  if (!resources.limits.empty()) json["limits"] = resources.limits;
  return json;
}

const char* ModeName(Mode mode) { return mode == Mode::kHotStandby ? "HotStandby" : "Scaled"; }

const char* FailureActionName(FailureAction action) {
  return action == FailureAction::kPause ? "Pause" : "Rollback";
}

const char* ScalingPolicyTypeName(ScalingPolicyType type) {
  return type == ScalingPolicyType::kPods ? "Pods" : "Percent";
}

Json ScalingPolicyToJson(const ScalingPolicy& policy) {
  return {{"type", ScalingPolicyTypeName(policy.type)}, {"value", policy.value}, {"periodSeconds", policy.period_seconds}};
}

const char* SelectPolicyName(SelectPolicy policy) {
  switch (policy) {
    case SelectPolicy::kMin:
      return "Min";
    case SelectPolicy::kDisabled:
      return "Disabled";
    case SelectPolicy::kMax:
      break;
  }
  return "Max";
}

Parsed<MiniTwit> MiniTwitFromJson(const Json& object) {
  Parsed<MiniTwit> result;
  try {
    if (!object.is_object()) throw ParseError("a MiniTwit must be a JSON object");
    const Json& metadata = ReadObject(object, "metadata", "");
    MiniTwit minitwit;
    minitwit.name = ReadString(metadata, "name", "metadata", "");
    minitwit.ns = ReadString(metadata, "namespace", "metadata", "");
    minitwit.uid = ReadString(metadata, "uid", "metadata", "");
    minitwit.generation = ReadInt64(metadata, "generation", 0);
    minitwit.deleting = Field(metadata, "deletionTimestamp") != nullptr;
    minitwit.spec = ReadSpec(ReadObject(object, "spec", ""));
    minitwit.status = ReadStatus(ReadObject(object, "status", ""));
    result.value = std::move(minitwit);
  } catch (const ParseError& error) {
    result.error = error.what();
  } catch (const FieldError& error) {
    result.error = error.what();
  } catch (const Json::exception& error) {
    result.error = error.what();
  }
  return result;
}

Json SpecToJson(const MiniTwitSpec& spec) {
  Json json = {
      {"image", spec.image},
      {"mode", ModeName(spec.mode)},
      {"replicas", spec.replicas},
      {"rollout",
       {{"maxSurge", spec.rollout.max_surge.ToJson()},
        {"maxUnavailable", spec.rollout.max_unavailable.ToJson()},
        {"progressDeadlineSeconds", spec.rollout.progress_deadline_seconds},
        {"onFailure", FailureActionName(spec.rollout.on_failure)}}},
      {"port", spec.port},
      {"logLevel", spec.log_level},
      {"imagePullPolicy", spec.image_pull_policy},
      {"terminationGracePeriodSeconds", spec.termination_grace_period_seconds},
  };
  if (spec.autoscaling) {
    json["autoscaling"] = {
        {"minReplicas", spec.autoscaling->min_replicas},
        {"maxReplicas", spec.autoscaling->max_replicas},
        {"targetCPUUtilizationPercentage", spec.autoscaling->target_cpu_utilization_percentage},
    };
    if (spec.autoscaling->scale_down_stabilization_seconds) {
      json["autoscaling"]["scaleDownStabilizationSeconds"] = *spec.autoscaling->scale_down_stabilization_seconds;
    }
    if (const std::optional<ScalingBehavior>& behavior = spec.autoscaling->behavior) {
      Json rules = Json::object();
      if (behavior->scale_up) rules["scaleUp"] = ScalingRulesToJson(*behavior->scale_up);
      if (behavior->scale_down) rules["scaleDown"] = ScalingRulesToJson(*behavior->scale_down);
      json["autoscaling"]["behavior"] = rules;
    }
  }
  Json database = {{"poolSize", spec.database.pool_size}};
  if (spec.database.external) {
    database["external"] = {{"secretName", spec.database.external->secret_name},
                            {"key", spec.database.external->key}};
    if (!spec.database.external->ca_key.empty()) database["external"]["caKey"] = spec.database.external->ca_key;
  }
  if (spec.database.in_cluster) {
    const InClusterDatabase& in_cluster = *spec.database.in_cluster;
    database["inCluster"] = {{"storage", in_cluster.storage},
                             {"retainOnDelete", in_cluster.retain_on_delete},
                             {"image", in_cluster.image}};
    if (!in_cluster.storage_class_name.empty()) database["inCluster"]["storageClassName"] = in_cluster.storage_class_name;
    if (!in_cluster.resources.empty()) database["inCluster"]["resources"] = ResourcesToJson(in_cluster.resources);
  }
  json["database"] = database;
  if (!spec.resources.empty()) json["resources"] = ResourcesToJson(spec.resources);
  if (spec.session_secret_ref) {
    json["sessionSecretRef"] = {{"name", spec.session_secret_ref->name}, {"key", spec.session_secret_ref->key}};
  }
  if (spec.expose) json["expose"] = ExposeToJson(*spec.expose);
  if (!spec.pod.empty()) json["pod"] = PodSettingsToJson(spec.pod);
  return json;
}

Json StatusToJson(const MiniTwitStatus& status) {
  Json json = {
      {"observedGeneration", status.observed_generation},
      {"replicas", status.replicas},
      {"readyReplicas", status.ready_replicas},
      {"updatedReplicas", status.updated_replicas},
      {"conditions", status.conditions},
  };
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) json[key] = value;
  };
  put("phase", status.phase);
  put("selector", status.selector);
  put("image", status.image);
  put("lastGoodImage", status.last_good_image);
  put("failedImage", status.failed_image);
  put("activePod", status.active_pod);
  json["desiredReplicas"] = status.desired_replicas;
  if (status.autoscaler) {
    Json autoscaler = {{"currentReplicas", status.autoscaler->current_replicas},
                       {"desiredReplicas", status.autoscaler->desired_replicas}};
    if (!status.autoscaler->last_scale_time.empty()) autoscaler["lastScaleTime"] = status.autoscaler->last_scale_time;
    json["autoscaler"] = autoscaler;
  }
  return json;
}

std::vector<std::string> Validate(const MiniTwitSpec& spec) {
  std::vector<std::string> errors;
  if (spec.image.empty()) errors.emplace_back("spec.image must not be empty");
  if (HasWhitespace(spec.image)) errors.emplace_back("spec.image must not contain whitespace");
  if (spec.replicas < 0 || spec.replicas > kMaxReplicas) errors.emplace_back("spec.replicas must be between 0 and 100");
  if (spec.mode == Mode::kHotStandby) {
    if (spec.autoscaling) errors.emplace_back("spec.autoscaling is not allowed in HotStandby mode");
    if (spec.replicas != kHotStandbyReplicas) errors.emplace_back("spec.replicas must be 2 in HotStandby mode");
  }
  if (spec.autoscaling) {
    const Autoscaling& a = *spec.autoscaling;
    if (a.min_replicas < 1 || a.min_replicas > kMaxReplicas) {
      errors.emplace_back("spec.autoscaling.minReplicas must be between 1 and 100");
    }
    if (a.max_replicas < 1 || a.max_replicas > kMaxReplicas) {
      errors.emplace_back("spec.autoscaling.maxReplicas must be between 1 and 100");
    }
    if (a.min_replicas > a.max_replicas) {
      errors.emplace_back("spec.autoscaling.minReplicas must be less than or equal to maxReplicas");
    }
    if (a.target_cpu_utilization_percentage < 1 || a.target_cpu_utilization_percentage > 100) {
      errors.emplace_back("spec.autoscaling.targetCPUUtilizationPercentage must be between 1 and 100");
    }
    if (a.scale_down_stabilization_seconds &&
        (*a.scale_down_stabilization_seconds < 0 || *a.scale_down_stabilization_seconds > 3600)) {
      errors.emplace_back("spec.autoscaling.scaleDownStabilizationSeconds must be between 0 and 3600");
    }
    if (a.behavior) {
      if (a.behavior->scale_up) {
        ValidateScalingRules(*a.behavior->scale_up, "spec.autoscaling.behavior.scaleUp", errors);
      }
      if (const std::optional<ScalingRules>& down = a.behavior->scale_down) {
        ValidateScalingRules(*down, "spec.autoscaling.behavior.scaleDown", errors);
        if (a.scale_down_stabilization_seconds && down->stabilization_window_seconds &&
            *a.scale_down_stabilization_seconds != *down->stabilization_window_seconds) {
          errors.emplace_back(std::string(kStabilizationConflictMessage));
        }
      }
    }
    if (!spec.resources.requests.contains("cpu") && !spec.resources.limits.contains("cpu")) {
      errors.emplace_back("spec.resources.requests.cpu is required when autoscaling is on");
    }
  }
  const Rollout& r = spec.rollout;
  if (!r.max_surge.IsValid()) errors.emplace_back("spec.rollout.maxSurge must be a non-negative integer or a percentage");
  if (!r.max_unavailable.IsValid()) {
    errors.emplace_back("spec.rollout.maxUnavailable must be a non-negative integer or a percentage");
  }
  if (r.max_surge.IsValid() && r.max_unavailable.IsValid() && r.max_surge.Resolve(100, true) == 0 &&
      r.max_unavailable.Resolve(100, false) == 0) {
    errors.emplace_back("spec.rollout.maxSurge and maxUnavailable must not both be zero");
  }
  if (r.progress_deadline_seconds < 10 || r.progress_deadline_seconds > 3600) {
    errors.emplace_back("spec.rollout.progressDeadlineSeconds must be between 10 and 3600");
  }
  const Database& db = spec.database;
  if (db.external.has_value() == db.in_cluster.has_value()) {
    errors.emplace_back("spec.database must set exactly one of external and inCluster");
  }
  if (db.pool_size < 1 || db.pool_size > 64) errors.emplace_back("spec.database.poolSize must be between 1 and 64");
  if (db.external) {
    if (!IsDnsSubdomainName(db.external->secret_name)) {
      errors.emplace_back("spec.database.external.secretName must be a valid Secret name");
    }
    if (!IsSecretKey(db.external->key)) errors.emplace_back("spec.database.external.key must be a valid Secret key");
  }
  if (db.in_cluster) {
    const std::optional<Quantity> storage = Quantity::Parse(db.in_cluster->storage);
    if (!storage || storage->value() <= 0) {
      errors.emplace_back("spec.database.inCluster.storage must be a positive quantity");
    }
    if (db.in_cluster->image.empty() || HasWhitespace(db.in_cluster->image)) {
      errors.emplace_back("spec.database.inCluster.image must be non-empty and without whitespace");
    }
    ValidateResources(db.in_cluster->resources, "spec.database.inCluster.resources", errors);
  }
  ValidateResources(spec.resources, "spec.resources", errors);
  if (spec.session_secret_ref) {
    if (!IsDnsSubdomainName(spec.session_secret_ref->name)) {
      errors.emplace_back("spec.sessionSecretRef.name must be a valid Secret name");
    }
    if (!IsSecretKey(spec.session_secret_ref->key)) errors.emplace_back("spec.sessionSecretRef.key must be a valid Secret key");
  }
  if (spec.port < 1024 || spec.port > 65535) errors.emplace_back("spec.port must be between 1024 and 65535");
  if (spec.log_level != "trace" && spec.log_level != "debug" && spec.log_level != "info" && spec.log_level != "warn" &&
      spec.log_level != "error") {
    errors.emplace_back("spec.logLevel must be one of trace, debug, info, warn, error");
  }
  if (spec.image_pull_policy != "Always" && spec.image_pull_policy != "IfNotPresent" &&
      spec.image_pull_policy != "Never") {
    errors.emplace_back("spec.imagePullPolicy must be Always, IfNotPresent or Never");
  }
  if (spec.termination_grace_period_seconds < 5 || spec.termination_grace_period_seconds > 600) {
    errors.emplace_back("spec.terminationGracePeriodSeconds must be between 5 and 600");
  }
  if (spec.expose) ValidateExpose(*spec.expose, "spec.expose", errors);
  ValidatePodSettings(spec.pod, "spec.pod", errors);
  return errors;
}

std::vector<SecretKeyRef> ReferencedSecretKeys(const MiniTwitSpec& spec) {
  std::vector<SecretKeyRef> refs;
  if (const auto& external = spec.database.external) {
    refs.push_back({external->secret_name, external->key});
    if (!external->ca_key.empty()) refs.push_back({external->secret_name, external->ca_key});
  }
  if (spec.session_secret_ref) refs.push_back({spec.session_secret_ref->name, spec.session_secret_ref->key});
  for (const auto& [name, key] : ExtraEnvSecretRefs(spec.pod)) refs.push_back({name, key});
  return refs;
}

}  // namespace minitwit::api
