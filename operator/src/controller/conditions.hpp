#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace minitwit::controller {

// Every condition type, condition reason and event reason the operator writes, in one place.
// docs/crd.md lists them for users; change both together.

// Condition types on MiniTwit.status.conditions.
inline constexpr char kConditionAvailable[] = "Available";
inline constexpr char kConditionProgressing[] = "Progressing";
inline constexpr char kConditionDatabaseReady[] = "DatabaseReady";
inline constexpr char kConditionRolledBack[] = "RolledBack";
inline constexpr char kConditionDegraded[] = "Degraded";
// The summary GitOps tools read (kstatus, Argo CD, Flux): True only when observedGeneration is
// current and the MiniTwit is Available with its rollout complete; False with the reason otherwise.
inline constexpr char kConditionReady[] = "Ready";

// Phases on MiniTwit.status.phase.
inline constexpr char kPhasePending[] = "Pending";
inline constexpr char kPhaseProgressing[] = "Progressing";
inline constexpr char kPhaseReady[] = "Ready";
inline constexpr char kPhaseDegraded[] = "Degraded";

// Condition reasons.
inline constexpr char kReasonMinimumReplicasAvailable[] = "MinimumReplicasAvailable";
inline constexpr char kReasonReplicasUnavailable[] = "ReplicasUnavailable";
inline constexpr char kReasonDeploymentMissing[] = "DeploymentMissing";
inline constexpr char kReasonRolloutInProgress[] = "RolloutInProgress";
inline constexpr char kReasonRolloutComplete[] = "RolloutComplete";
inline constexpr char kReasonProgressDeadlineExceeded[] = "ProgressDeadlineExceeded";
inline constexpr char kReasonSecretFound[] = "SecretFound";
inline constexpr char kReasonSecretNotFound[] = "SecretNotFound";
inline constexpr char kReasonSecretKeyMissing[] = "SecretKeyMissing";
inline constexpr char kReasonDatabaseStarting[] = "DatabaseStarting";
inline constexpr char kReasonDatabaseRunning[] = "DatabaseRunning";
inline constexpr char kReasonRolledBack[] = "RolledBack";
inline constexpr char kReasonNoRollback[] = "NoRollback";
inline constexpr char kReasonNoLastGoodImage[] = "NoLastGoodImage";
inline constexpr char kReasonRolloutPaused[] = "RolloutPaused";
inline constexpr char kReasonAsExpected[] = "AsExpected";
inline constexpr char kReasonInvalidSpec[] = "InvalidSpec";
inline constexpr char kReasonApplyFailed[] = "ApplyFailed";
inline constexpr char kReasonDatabaseUnavailable[] = "DatabaseUnavailable";
inline constexpr char kReasonNameConflict[] = "NameConflict";
inline constexpr char kReasonGatewayApiMissing[] = "GatewayAPIMissing";

// Event reasons (core/v1 Event .reason).
inline constexpr char kEventCreated[] = "Created";
inline constexpr char kEventRolloutStarted[] = "RolloutStarted";
inline constexpr char kEventRolloutComplete[] = "RolloutComplete";
inline constexpr char kEventRolloutFailed[] = "RolloutFailed";
inline constexpr char kEventRolledBack[] = "RolledBack";
inline constexpr char kEventFailover[] = "Failover";
inline constexpr char kEventActivePodSelected[] = "ActivePodSelected";
inline constexpr char kEventHandover[] = "Handover";
inline constexpr char kEventSecretNotFound[] = "SecretNotFound";
inline constexpr char kEventSecretKeyMissing[] = "SecretKeyMissing";
inline constexpr char kEventInvalidSpec[] = "InvalidSpec";
inline constexpr char kEventApplyFailed[] = "ApplyFailed";
inline constexpr char kEventGatewayApiMissing[] = "GatewayAPIMissing";

inline constexpr char kStatusTrue[] = "True";
inline constexpr char kStatusFalse[] = "False";
inline constexpr char kStatusUnknown[] = "Unknown";

// A metav1.Condition to set on a list.
struct Condition {
  std::string type;
  std::string status;  // True | False | Unknown
  std::string reason;
  std::string message;
};

// Sets `condition` on `conditions` (a JSON array of metav1.Condition) the way
// apimachinery's meta.SetStatusCondition does: lastTransitionTime moves to `now` only when
// the status changes; reason, message and observedGeneration follow the latest call.
// Returns true if anything changed.
bool SetCondition(nlohmann::json& conditions, const Condition& condition, int64_t observed_generation,
                  const std::string& now);

// The condition of `type`, or nullptr.
const nlohmann::json* FindCondition(const nlohmann::json& conditions, const std::string& type);
// True if the condition of `type` exists with status "True".
bool IsConditionTrue(const nlohmann::json& conditions, const std::string& type);

}  // namespace minitwit::controller
