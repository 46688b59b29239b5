#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/expose.hpp"
#include "api/int_or_string.hpp"
#include "api/pod_settings.hpp"

namespace minitwit::api {

using Json = nlohmann::json;

inline constexpr char kGroup[] = "minitwit.dev";
inline constexpr char kVersion[] = "v1alpha1";
inline constexpr char kApiVersion[] = "minitwit.dev/v1alpha1";
inline constexpr char kKind[] = "MiniTwit";

// Defaults, mirrored from crds/minitwits.minitwit.dev.yaml so that a MiniTwit parsed from
// JSON without an API server looks as the server would store it.
inline constexpr int32_t kDefaultReplicas = 2;
inline constexpr int32_t kMaxReplicas = 100;
inline constexpr int32_t kHotStandbyReplicas = 2;
inline constexpr int32_t kDefaultMinReplicas = 2;
inline constexpr int32_t kDefaultTargetCpuPercent = 60;
inline constexpr int32_t kDefaultScaleDownStabilizationSeconds = 300;
inline constexpr int32_t kDefaultProgressDeadlineSeconds = 120;
inline constexpr int32_t kDefaultPort = 5000;
inline constexpr int32_t kDefaultDbPoolSize = 4;
inline constexpr int32_t kDefaultTerminationGracePeriodSeconds = 30;
inline constexpr char kDefaultSecretKey[] = "uri";
inline constexpr char kDefaultSessionSecretKey[] = "sessionSecret";
inline constexpr char kDefaultStorage[] = "1Gi";
inline constexpr char kDefaultPostgresImage[] = "minitwit.local/postgres:15";
inline constexpr char kDefaultLogLevel[] = "info";
inline constexpr char kDefaultImagePullPolicy[] = "IfNotPresent";
// spec.resources when the field is absent: HPA CPU utilisation needs a CPU request.
inline constexpr char kDefaultCpuRequest[] = "100m";
inline constexpr char kDefaultMemoryRequest[] = "64Mi";

enum class Mode { kScaled, kHotStandby };
enum class FailureAction { kRollback, kPause };

// autoscaling/v2 HorizontalPodAutoscalerBehavior, with Kubernetes' own bounds.
inline constexpr int32_t kMaxPolicyPeriodSeconds = 1800;
inline constexpr int32_t kMaxStabilizationWindowSeconds = 3600;
inline constexpr int32_t kMaxScalingPolicies = 10;

enum class ScalingPolicyType { kPods, kPercent };
enum class SelectPolicy { kMax, kMin, kDisabled };

struct ScalingPolicy {
  ScalingPolicyType type = ScalingPolicyType::kPercent;
  int32_t value = 0;           // > 0: pods, or percent of the pods at the start of the period
  int32_t period_seconds = 0;  // 1..1800
};

// One direction (scaleUp or scaleDown). Unset fields take the operator's defaults for that
// direction (see BuildScalingBehavior in controller/desired_state).
struct ScalingRules {
  std::optional<int32_t> stabilization_window_seconds;  // 0..3600
  std::optional<SelectPolicy> select_policy;
  std::vector<ScalingPolicy> policies;  // empty = the defaults
};

struct ScalingBehavior {
  std::optional<ScalingRules> scale_up;
  std::optional<ScalingRules> scale_down;
};

// The CRD's CEL message for both spellings of the scale-down window set to different values.
inline constexpr char kStabilizationConflictMessage[] =
    "autoscaling.scaleDownStabilizationSeconds and autoscaling.behavior.scaleDown.stabilizationWindowSeconds "
    "disagree; set only behavior.scaleDown.stabilizationWindowSeconds";

struct Autoscaling {
  int32_t min_replicas = kDefaultMinReplicas;
  int32_t max_replicas = 0;  // required
  int32_t target_cpu_utilization_percentage = kDefaultTargetCpuPercent;
  // The older spelling of behavior.scaleDown.stabilizationWindowSeconds; unset means 300 s
  // unless behavior sets it. Both set with different values is invalid.
  std::optional<int32_t> scale_down_stabilization_seconds;
  std::optional<ScalingBehavior> behavior;
};

struct Rollout {
  IntOrString max_surge{int64_t{1}};
  IntOrString max_unavailable{int64_t{0}};
  int32_t progress_deadline_seconds = kDefaultProgressDeadlineSeconds;
  FailureAction on_failure = FailureAction::kRollback;
};

struct ExternalDatabase {
  std::string secret_name;  // required
  std::string key = kDefaultSecretKey;
  // Key in the same Secret of a PEM CA bundle; set: the app verifies the server with it
  // (sslmode verify-full). Empty: the URI's own sslmode.
  std::string ca_key;
};

// corev1.ResourceRequirements restricted to cpu and memory; values are quantity strings.
struct Resources {
  std::map<std::string, std::string> requests;
  std::map<std::string, std::string> limits;
  bool empty() const { return requests.empty() && limits.empty(); }
};

struct InClusterDatabase {
  std::string storage = kDefaultStorage;
  bool retain_on_delete = true;
  std::string image = kDefaultPostgresImage;
  std::string storage_class_name;  // "" = the cluster's default StorageClass
  Resources resources;
};

struct Database {
  std::optional<ExternalDatabase> external;
  std::optional<InClusterDatabase> in_cluster;
  int32_t pool_size = kDefaultDbPoolSize;
};

struct SecretKeySelector {
  std::string name;
  std::string key = kDefaultSessionSecretKey;
};

struct MiniTwitSpec {
  std::string image;
  Mode mode = Mode::kScaled;
  int32_t replicas = kDefaultReplicas;
  std::optional<Autoscaling> autoscaling;
  Rollout rollout;
  Database database;
  Resources resources;
  std::optional<SecretKeySelector> session_secret_ref;
  int32_t port = kDefaultPort;
  std::string log_level = kDefaultLogLevel;
  std::string image_pull_policy = kDefaultImagePullPolicy;
  int32_t termination_grace_period_seconds = kDefaultTerminationGracePeriodSeconds;
  std::optional<Expose> expose;  // absent: the app is reached only through its ClusterIP Service
  PodSettings pod;
};

// The HorizontalPodAutoscaler's view, copied from its status.
struct AutoscalerStatus {
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  std::string last_scale_time;  // RFC 3339; empty before the first scale
};

struct MiniTwitStatus {
  int64_t observed_generation = 0;
  std::string phase;  // Pending | Progressing | Ready | Degraded
  int32_t replicas = 0;
  int32_t ready_replicas = 0;
  int32_t updated_replicas = 0;
  std::string selector;
  std::string image;
  std::string last_good_image;
  std::string failed_image;
  std::string active_pod;
  // The Deployment's spec.replicas: what the MiniTwit wants running now (the HPA's choice
  // while autoscaling is on).
  int32_t desired_replicas = 0;
  std::optional<AutoscalerStatus> autoscaler;  // only while an HPA exists
  Json conditions = Json::array();  // metav1.Condition objects
};

struct MiniTwit {
  std::string name;
  std::string ns;
  std::string uid;
  int64_t generation = 0;
  bool deleting = false;  // metadata.deletionTimestamp is set
  MiniTwitSpec spec;
  MiniTwitStatus status;
};

// Result of parsing: a value or the reason it could not be read.
template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;
  bool ok() const { return value.has_value(); }
};

// Reads a MiniTwit object as served by the API server, applying the CRD's defaults to
// anything missing. Fails only on wrong JSON types or unknown enum values.
Parsed<MiniTwit> MiniTwitFromJson(const Json& object);
Json SpecToJson(const MiniTwitSpec& spec);
// {"requests": ..., "limits": ...} with the empty ones left out.
Json ResourcesToJson(const Resources& resources);
Json StatusToJson(const MiniTwitStatus& status);

// The CRD's OpenAPI bounds and CEL rules, checked again in C++ so that an object that got
// past an older CRD cannot drive the reconciler into nonsense. Empty when valid.
std::vector<std::string> Validate(const MiniTwitSpec& spec);

// A Secret key the app's pods read, as (Secret name, key).
struct SecretKeyRef {
  std::string name;
  std::string key;
  bool operator==(const SecretKeyRef&) const = default;
};
// The user's Secrets `spec` names for the app pods (external database, database CA, session
// secret, extraEnv secretKeyRefs), without the ones the operator generates.
std::vector<SecretKeyRef> ReferencedSecretKeys(const MiniTwitSpec& spec);

const char* ModeName(Mode mode);
const char* FailureActionName(FailureAction action);
const char* ScalingPolicyTypeName(ScalingPolicyType type);
const char* SelectPolicyName(SelectPolicy policy);
// {"type", "value", "periodSeconds"}, as autoscaling/v2 HPAScalingPolicy.
Json ScalingPolicyToJson(const ScalingPolicy& policy);

}  // namespace minitwit::api
