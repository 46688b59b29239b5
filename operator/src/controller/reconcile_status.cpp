// Computes status (phase, conditions, replicas) and writes it through /status.
#include "controller/reconciler.hpp"

#include <spdlog/spdlog.h>

#include "controller/reconcile_context.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;
using namespace reconcile;

void MiniTwitReconciler::ComputeStatus(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  api::MiniTwitStatus& status = ctx.status;
  const int64_t generation = minitwit.generation;
  const std::string now = Now();

  status.observed_generation = generation;
  status.selector = AppSelectorString(minitwit);
  const Json live = ctx.live_deployment.value_or(Json::object());
  status.replicas = static_cast<int32_t>(IntAt(live, {"status", "replicas"}));
  status.ready_replicas = static_cast<int32_t>(IntAt(live, {"status", "readyReplicas"}));
  status.updated_replicas = static_cast<int32_t>(IntAt(live, {"status", "updatedReplicas"}));
  status.image = ctx.live_deployment ? ctx.live_image : "";
  const int64_t available = IntAt(live, {"status", "availableReplicas"});
  status.desired_replicas = ctx.live_deployment ? static_cast<int32_t>(IntAt(live, {"spec", "replicas"}, 1)) : 0;
  if (ctx.live_autoscaler && minitwit.spec.autoscaling) {
    const Json& hpa = *ctx.live_autoscaler;
    status.autoscaler = api::AutoscalerStatus{static_cast<int32_t>(IntAt(hpa, {"status", "currentReplicas"})),
                                              static_cast<int32_t>(IntAt(hpa, {"status", "desiredReplicas"})),
                                              StringAt(hpa, {"status", "lastScaleTime"})};
  } else if (!minitwit.spec.autoscaling) {
    status.autoscaler.reset();
  }

  SetCondition(status.conditions, ctx.database_condition, generation, now);

  if (!ctx.live_deployment) {
    SetCondition(status.conditions,
                 {kConditionAvailable, kStatusFalse, kReasonDeploymentMissing, "the Deployment does not exist yet"},
                 generation, now);
  } else if (available > 0) {
    SetCondition(status.conditions,
                 {kConditionAvailable, kStatusTrue, kReasonMinimumReplicasAvailable,
                  std::to_string(available) + " replicas available"},
                 generation, now);
  } else {
    SetCondition(status.conditions,
                 {kConditionAvailable, kStatusFalse, kReasonReplicasUnavailable, "no replica is available"},
                 generation, now);
  }

  if (ctx.deadline_exceeded) {
    SetCondition(status.conditions,
                 {kConditionProgressing, kStatusFalse, kReasonProgressDeadlineExceeded,
                  "image " + ctx.live_image + " missed its progress deadline"},
                 generation, now);
  } else if (!ctx.template_rolling_out) {
    SetCondition(status.conditions,
                 {kConditionProgressing, kStatusFalse, kReasonRolloutComplete, "image " + ctx.live_image + " is rolled out"},
                 generation, now);
  } else {
    SetCondition(status.conditions,
                 {kConditionProgressing, kStatusTrue, kReasonRolloutInProgress,
                  "rolling out image " + ctx.inputs.image},
                 generation, now);
  }

  const bool rolled_back = !status.failed_image.empty() && status.failed_image == minitwit.spec.image;
  if (rolled_back) {
    SetCondition(status.conditions,
                 {kConditionRolledBack, kStatusTrue, kReasonRolledBack,
                  "image " + status.failed_image + " failed; running " + status.last_good_image},
                 generation, now);
  } else {
    SetCondition(status.conditions, {kConditionRolledBack, kStatusFalse, kReasonNoRollback, "no rollback in effect"},
                 generation, now);
  }

  // Degraded: the first problem that needs someone's attention, most actionable first.
  Condition degraded{kConditionDegraded, kStatusFalse, kReasonAsExpected, "no problem detected"};
  if (!ctx.apply_failure_reason.empty()) {
    degraded = {kConditionDegraded, kStatusTrue, ctx.apply_failure_reason, ctx.apply_failure_message};
  } else if (!ctx.expose_unavailable.empty()) {
    degraded = {kConditionDegraded, kStatusTrue, kReasonGatewayApiMissing, ctx.expose_unavailable};
  } else if (ctx.rollout_failed_unhandled) {
    degraded = {kConditionDegraded, kStatusTrue, ctx.degraded_reason, ctx.degraded_message};
  } else if (rolled_back) {
    degraded = {kConditionDegraded, kStatusTrue, kReasonRolledBack,
                "spec.image " + status.failed_image + " was rolled back; set a new image to continue"};
  } else if (ctx.database_blocked || ctx.database_lost) {
    degraded = {kConditionDegraded, kStatusTrue, ctx.database_condition.reason, ctx.database_condition.message};
  }
  SetCondition(status.conditions, degraded, generation, now);

  // phase, Degraded and Ready say the same thing: Degraded exactly when the condition is True,
  // Ready exactly when the Ready condition is True.
  if (degraded.status == kStatusTrue) {
    status.phase = kPhaseDegraded;
  } else if (!ctx.live_deployment || ctx.database_condition.status != kStatusTrue) {
    status.phase = kPhasePending;
  } else if (ctx.template_rolling_out) {
    status.phase = kPhaseProgressing;
  } else {
    status.phase = kPhaseReady;
  }

  // Ready (kstatus semantics): True only for the current generation, Available, rolled out.
  if (status.phase == kPhaseReady) {
    // Ready while the HPA (or a new spec.replicas) adds or removes pods: say so.
    const std::string message =
        ctx.rollout_complete ? "image " + ctx.live_image + " is available on every replica"
                             : "image " + ctx.live_image + " is rolled out; " + std::to_string(available) + " of " +
                                   std::to_string(status.desired_replicas) + " replicas available while scaling";
    SetCondition(status.conditions, {kConditionReady, kStatusTrue, kReasonRolloutComplete, message}, generation, now);
  } else if (degraded.status == kStatusTrue) {
    SetCondition(status.conditions, {kConditionReady, kStatusFalse, degraded.reason, degraded.message}, generation,
                 now);
  } else {
    const Json* available_condition = FindCondition(status.conditions, kConditionAvailable);
    const std::string reason = status.phase == kPhasePending ? status.phase : kReasonRolloutInProgress;
    const std::string message = status.phase == kPhasePending
                                    ? (ctx.live_deployment ? ctx.database_condition.message
                                                           : std::string("the Deployment does not exist yet"))
                                    : (available_condition ? available_condition->value("message", "")
                                                           : std::string()) +
                                          "; rolling out image " + ctx.inputs.image;
    SetCondition(status.conditions, {kConditionReady, kStatusFalse, reason, message}, generation, now);
  }
}

std::optional<ApiError> MiniTwitReconciler::WriteStatus(Context& ctx, const api::MiniTwitStatus& status) {
  const Json next = api::StatusToJson(status);
  if (next == api::StatusToJson(ctx.minitwit.status)) return std::nullopt;
  // The resourceVersion read makes the write conditional (409 when the object changed since):
  // a status computed from a stale read must not erase what a newer write recorded.
  const std::string version = StringAt(ctx.object, {"metadata", "resourceVersion"});
  Json metadata = {{"name", ctx.minitwit.name}, {"namespace", ctx.minitwit.ns}};
  if (!version.empty()) metadata["resourceVersion"] = version;
  const Json object = {
      {"apiVersion", api::kApiVersion}, {"kind", api::kKind}, {"metadata", metadata}, {"status", next}};
  Result<Json> result = client_.Apply(api::kMiniTwitType, ctx.minitwit.ns, ctx.minitwit.name, object,
                                      options_.field_manager, "status");
  if (!result.ok()) {
    spdlog::warn("{}: writing status failed: {}", ctx.key, ErrorText(result.error()));
    return result.error();
  }
  // Later writes of this reconcile build on this one; later reconciles read at least this far.
  const std::string written = StringAt(result.value(), {"metadata", "resourceVersion"});
  ctx.object["metadata"]["resourceVersion"] = written;
  ctx.minitwit.status = status;
  RememberStatusWrite(ctx.key, written);
  return std::nullopt;
}

}  // namespace minitwit::controller
