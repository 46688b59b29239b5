#pragma once

// Shared by the reconciler's files (one per phase of a reconcile: inputs, rollout, children,
// HotStandby, status): the state of one reconcile and the small JSON readers they all use.
// Not part of the controller's interface.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "api/minitwit.hpp"
#include "api/resource_types.hpp"
#include "controller/conditions.hpp"
#include "controller/desired_state.hpp"
#include "controller/reconciler.hpp"
#include "kube/kube_client.hpp"

namespace minitwit::controller {

namespace reconcile {

using kube::ApiError;
using kube::Json;

inline const Json& Path(const Json& object, std::initializer_list<const char*> keys) {
  static const Json kNull;
  const Json* current = &object;
  for (const char* key : keys) {
    if (!current->is_object()) return kNull;
    auto it = current->find(key);
    if (it == current->end()) return kNull;
    current = &*it;
  }
  return *current;
}

inline int64_t IntAt(const Json& object, std::initializer_list<const char*> keys, int64_t fallback = 0) {
  const Json& value = Path(object, keys);
  return value.is_number_integer() ? value.get<int64_t>() : fallback;
}

inline std::string StringAt(const Json& object, std::initializer_list<const char*> keys) {
  const Json& value = Path(object, keys);
  return value.is_string() ? value.get<std::string>() : std::string();
}

// The image of the "minitwit" container of a pod spec (the first container's otherwise).
inline std::string ContainerImage(const Json& pod_spec) {
  const Json& containers = Path(pod_spec, {"containers"});
  if (!containers.is_array()) return "";
  for (const Json& container : containers) {
    if (container.value("name", "") == "minitwit") return container.value("image", "");
  }
  return containers.empty() ? "" : containers[0].value("image", "");
}

inline std::string TemplateImage(const Json& deployment) {
  return ContainerImage(Path(deployment, {"spec", "template", "spec"}));
}

inline std::string PodImage(const Json& pod) { return ContainerImage(Path(pod, {"spec"})); }

inline const Json* DeploymentCondition(const Json& deployment, const std::string& type) {
  const Json& conditions = Path(deployment, {"status", "conditions"});
  return FindCondition(conditions, type);
}

inline bool IsPodReady(const Json& pod) {
  if (!Path(pod, {"metadata", "deletionTimestamp"}).is_null()) return false;
  if (StringAt(pod, {"status", "phase"}) != "Running") return false;
  return IsConditionTrue(Path(pod, {"status", "conditions"}), "Ready");
}

// True when `object` is controlled by the MiniTwit with `uid`.
inline bool IsOwnedBy(const Json& object, const std::string& uid) {
  const Json& owners = Path(object, {"metadata", "ownerReferences"});
  if (!owners.is_array()) return false;
  for (const Json& owner : owners) {
    if (owner.value("uid", "") == uid && owner.value("controller", false)) return true;
  }
  return false;
}

// The uid and name of the controller owner of `object` ("" when none).
inline std::string ControllerOwnerUid(const Json& object) {
  const Json& owners = Path(object, {"metadata", "ownerReferences"});
  if (!owners.is_array()) return "";
  for (const Json& owner : owners) {
    if (owner.value("controller", false)) return owner.value("uid", "");
  }
  return "";
}

inline std::string ControllerOwnerName(const Json& object) {
  const Json& owners = Path(object, {"metadata", "ownerReferences"});
  if (!owners.is_array()) return "";
  for (const Json& owner : owners) {
    if (owner.value("controller", false)) return owner.value("kind", "") + " " + owner.value("name", "");
  }
  return "";
}

// True when `manager`'s Apply entry in metadata.managedFields owns the field at `path`
// (fieldsV1 keys such as "f:spec", "f:replicas"). Needs an object read from the server: the
// informers' caches drop managedFields.
inline bool AppliedFieldOwnedBy(const Json& object, const std::string& manager,
                                std::initializer_list<const char*> path) {
  const Json& entries = Path(object, {"metadata", "managedFields"});
  if (!entries.is_array()) return false;
  for (const Json& entry : entries) {
    if (entry.value("manager", "") != manager || entry.value("operation", "") != "Apply") continue;
    if (!entry.value("subresource", "").empty()) continue;
    if (!Path(Path(entry, {"fieldsV1"}), path).is_null()) return true;
  }
  return false;
}

inline std::string ErrorText(const ApiError& error) {
  return std::to_string(error.status) + " " + error.reason + ": " + error.message;
}

}  // namespace reconcile

struct MiniTwitReconciler::Context {
  api::MiniTwit minitwit;
  Json object;                 // the MiniTwit as read
  api::MiniTwitStatus status;  // the status being built
  DesiredInputs inputs;
  std::string key;  // namespace/name, for logs

  std::optional<Json> live_deployment;
  std::string live_image;
  bool deployment_current = false;  // the Deployment controller has seen the latest spec
  bool rollout_complete = false;  // every replica runs the current template and is available
  // A change of the pod template is rolling out. Pods being added or removed (the HPA, a new
  // spec.replicas) are not a rollout: phase stays Ready.
  bool template_rolling_out = false;
  bool deadline_exceeded = false;
  std::optional<Json> live_autoscaler;  // the HPA as last read or applied; status.autoscaler
  bool rollout_failed_unhandled = false;  // deadline missed and nothing to roll back to / Pause
  std::string degraded_reason;
  std::string degraded_message;

  Condition database_condition;
  bool database_blocked = false;  // the app cannot start: its DATABASE_URL Secret is missing
  bool database_lost = false;     // the in-cluster database was ready and is not any more

  // spec.expose.httpRoute could not be applied: the cluster serves no Gateway API (the message).
  std::string expose_unavailable;
  // An apply this reconcile could not make (ApplyFailed or NameConflict), for the conditions.
  std::string apply_failure_reason;
  std::string apply_failure_message;
  // A rollback decided by TrackRollout: recorded in status before the old image is applied.
  bool rollback_started = false;
  std::string rollback_message;
};

}  // namespace minitwit::controller
