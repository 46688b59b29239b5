#pragma once

// spec.pod: scheduling and pod-template settings a platform team sets on the app's pods
// (placement also on the in-cluster database's pod). Kubernetes types with large schemas
// (tolerations, affinity, topology spread, env valueFrom) are carried as JSON and checked here
// only as far as a wrong value would otherwise reach the API server as a refused apply.

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace minitwit::api {

struct PodSettings {
  std::vector<std::string> image_pull_secrets;     // Secret names
  std::map<std::string, std::string> node_selector;
  nlohmann::json tolerations = nlohmann::json::array();                  // []corev1.Toleration
  nlohmann::json affinity = nlohmann::json::object();                    // corev1.Affinity
  nlohmann::json topology_spread_constraints = nlohmann::json::array();  // []corev1.TopologySpreadConstraint
  std::map<std::string, std::string> annotations;  // on the app pods
  std::map<std::string, std::string> labels;       // on the app pods, beside the operator's own
  nlohmann::json extra_env = nlohmann::json::array();  // []corev1.EnvVar, after the operator's own
  bool empty() const;
};

// Environment variables the operator sets on the app container; spec.pod.extraEnv cannot set them.
inline constexpr std::array<std::string_view, 7> kReservedEnvNames = {
    "PORT", "DATABASE_URL", "SESSION_SECRET", "LOG_LEVEL", "DB_POOL_SIZE", "DATABASE_SSLMODE", "DATABASE_SSLROOTCERT"};
// Pod labels the operator sets (selectors depend on them) and the annotation prefix it keeps for itself.
inline constexpr std::array<std::string_view, 5> kReservedLabels = {
    "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
    "app.kubernetes.io/managed-by", "minitwit.dev/role"};
inline constexpr char kReservedAnnotationPrefix[] = "minitwit.dev/";

// Reads spec.pod (`path` names it in errors); throws FieldError on wrong JSON types.
PodSettings ReadPodSettings(const nlohmann::json& pod, const std::string& path);
nlohmann::json PodSettingsToJson(const PodSettings& pod);
// Appends one message per invalid field.
void ValidatePodSettings(const PodSettings& pod, const std::string& path, std::vector<std::string>& errors);
// (Secret name, key) of every extraEnv valueFrom.secretKeyRef.
std::vector<std::pair<std::string, std::string>> ExtraEnvSecretRefs(const PodSettings& pod);

}  // namespace minitwit::api
