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
  } else if (ctx.rollout_complete) {
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

  if (ctx.rollout_failed_unhandled) {
    SetCondition(status.conditions, {kConditionDegraded, kStatusTrue, ctx.degraded_reason, ctx.degraded_message},
                 generation, now);
  } else if (rolled_back) {
    SetCondition(status.conditions,
                 {kConditionDegraded, kStatusTrue, kReasonRolledBack,
                  "spec.image " + status.failed_image + " was rolled back; set a new image to continue"},
                 generation, now);
  } else if (ctx.database_blocked) {
    SetCondition(status.conditions, {kConditionDegraded, kStatusTrue, ctx.database_condition.reason,
                                     ctx.database_condition.message},
                 generation, now);
  } else {
    SetCondition(status.conditions, {kConditionDegraded, kStatusFalse, kReasonAsExpected, "no problem detected"},
                 generation, now);
  }

  if (ctx.rollout_failed_unhandled || rolled_back || (ctx.database_blocked && available > 0)) {
    status.phase = kPhaseDegraded;
  } else if (!ctx.live_deployment || ctx.database_blocked ||
             ctx.database_condition.status != kStatusTrue) {
    status.phase = kPhasePending;
  } else if (!ctx.rollout_complete) {
    status.phase = kPhaseProgressing;
  } else {
    status.phase = kPhaseReady;
  }
}

std::optional<ApiError> MiniTwitReconciler::WriteStatus(Context& ctx) {
  const Json next = api::StatusToJson(ctx.status);
  if (next == api::StatusToJson(ctx.minitwit.status)) return std::nullopt;
  const Json object = {{"apiVersion", api::kApiVersion},
                       {"kind", api::kKind},
                       {"metadata", {{"name", ctx.minitwit.name}, {"namespace", ctx.minitwit.ns}}},
                       {"status", next}};
  Result<Json> result =
      client_.Apply(api::kMiniTwitType, ctx.minitwit.ns, ctx.minitwit.name, object, kFieldManager, "status");
  if (!result.ok()) {
    spdlog::warn("{}: writing status failed: {}", ctx.key, ErrorText(result.error()));
    return result.error();
  }
  return std::nullopt;
}

}  // namespace minitwit::controller
