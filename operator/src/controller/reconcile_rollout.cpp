// Tracks a Deployment rollout: lastGoodImage, and rollback or pause on a missed progress deadline.
#include "controller/reconciler.hpp"

#include <spdlog/spdlog.h>

#include "controller/events.hpp"
#include "controller/reconcile_context.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;
using namespace reconcile;

void MiniTwitReconciler::TrackRollout(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  api::MiniTwitStatus& status = ctx.status;
  const std::string& wanted = minitwit.spec.image;

  // The user moved on from a rolled-back image: forget it.
  if (!status.failed_image.empty() && status.failed_image != wanted) status.failed_image.clear();
  // While spec.image is the image that failed, keep running the last good one.
  ctx.inputs.image = !status.failed_image.empty() && !status.last_good_image.empty() ? status.last_good_image : wanted;

  if (!ctx.live_deployment) return;
  const Json& live = *ctx.live_deployment;
  ctx.live_image = TemplateImage(live);
  ctx.deployment_current = IntAt(live, {"status", "observedGeneration"}) >= IntAt(live, {"metadata", "generation"});

  const Json* progressing = DeploymentCondition(live, "Progressing");
  ctx.deadline_exceeded = ctx.deployment_current && progressing &&
                          progressing->value("status", "") == kStatusFalse &&
                          progressing->value("reason", "") == kReasonProgressDeadlineExceeded;

  const int64_t desired_replicas = IntAt(live, {"spec", "replicas"}, 1);
  ctx.rollout_complete = ctx.deployment_current && !ctx.deadline_exceeded &&
                         IntAt(live, {"status", "updatedReplicas"}) == desired_replicas &&
                         IntAt(live, {"status", "replicas"}) == desired_replicas &&
                         IntAt(live, {"status", "availableReplicas"}) == desired_replicas;

  if (ctx.deadline_exceeded && ctx.live_image == wanted && wanted != status.last_good_image) {
    const std::string deadline = std::to_string(minitwit.spec.rollout.progress_deadline_seconds);
    if (minitwit.spec.rollout.on_failure == api::FailureAction::kRollback && !status.last_good_image.empty()) {
      if (status.failed_image != wanted) {
        status.failed_image = wanted;
        ctx.inputs.image = status.last_good_image;
        ctx.rollback_started = true;  // Reconcile records failedImage before applying
        ctx.rollback_message = "image " + wanted + " missed its progress deadline of " + deadline +
                               "s; rolled back to " + status.last_good_image;
      }
    } else {
      ctx.rollout_failed_unhandled = true;
      const bool paused = minitwit.spec.rollout.on_failure == api::FailureAction::kPause;
      ctx.degraded_reason = paused ? kReasonRolloutPaused : kReasonNoLastGoodImage;
      ctx.degraded_message = "image " + wanted + " missed its progress deadline of " + deadline + "s; " +
                             (paused ? "rollout paused (onFailure: Pause)" : "no last good image to roll back to");
      const Json* degraded = FindCondition(status.conditions, kConditionDegraded);
      if (!degraded || degraded->value("reason", "") != ctx.degraded_reason ||
          degraded->value("status", "") != kStatusTrue) {
        RecordEvent(ctx, kEventTypeWarning, kEventRolloutFailed, ctx.degraded_message);
      }
    }
  }

  // The image is the one wanted and the last good one, yet the rollout failed: something else in
  // the pod template (resources, env, probes) cannot become available. There is no earlier
  // template to return to, so report it until the spec changes.
  if (ctx.deadline_exceeded && ctx.live_image == ctx.inputs.image && ctx.live_image == status.last_good_image &&
      !ctx.rollout_failed_unhandled) {
    ctx.rollout_failed_unhandled = true;
    ctx.degraded_reason = kReasonProgressDeadlineExceeded;
    ctx.degraded_message = "the pod template of generation " + std::to_string(minitwit.generation) +
                           " (image " + ctx.live_image + " unchanged) missed its progress deadline of " +
                           std::to_string(minitwit.spec.rollout.progress_deadline_seconds) +
                           "s; correct the spec (resources, env) to continue";
    const Json* degraded = FindCondition(status.conditions, kConditionDegraded);
    if (!degraded || degraded->value("message", "") != ctx.degraded_message ||
        degraded->value("status", "") != kStatusTrue) {
      RecordEvent(ctx, kEventTypeWarning, kEventRolloutFailed, ctx.degraded_message);
    }
  }

  // lastGoodImage moves only once every replica of the running image is available.
  if (ctx.rollout_complete && !ctx.live_image.empty() && ctx.live_image == ctx.inputs.image &&
      ctx.live_image != status.last_good_image) {
    status.last_good_image = ctx.live_image;
    RecordEvent(ctx, kEventTypeNormal, kEventRolloutComplete,
                "image " + ctx.live_image + " is available on " + std::to_string(desired_replicas) + " replicas");
  }
  if (ctx.rollout_complete && ctx.live_image == wanted) status.failed_image.clear();
}

}  // namespace minitwit::controller
