// Applies the children that differ from the desired state and deletes the ones no longer wanted.
#include "controller/reconciler.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "controller/events.hpp"
#include "controller/reconcile_context.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;
using namespace reconcile;

std::optional<ApiError> MiniTwitReconciler::ApplyChildren(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  std::vector<DesiredObject> children = BuildDesiredState(minitwit, ctx.inputs);
  // The Deployment first: it is what a user waits for; its pods retry until the rest exists.
  std::stable_partition(children.begin(), children.end(), [](const DesiredObject& desired) {
    return desired.type.plural == api::kDeploymentType.plural;
  });
  for (const DesiredObject& desired : children) {
    const std::string name = desired.object["metadata"]["name"].get<std::string>();
    const bool is_deployment = desired.type.plural == api::kDeploymentType.plural;
    std::optional<Json> live;
    if (is_deployment) {
      live = ctx.live_deployment;
    } else {
      Result<std::optional<Json>> read = Read(desired.type, minitwit.ns, name);
      if (!read.ok()) return read.error();
      live = read.value();
    }
    const bool is_autoscaler = desired.type.plural == api::kHorizontalPodAutoscalerType.plural;
    if (is_autoscaler) ctx.live_autoscaler = live;
    if (live && IsSubset(desired.object, *live)) continue;

    if (is_deployment && live && minitwit.spec.autoscaling) {
      if (std::optional<ApiError> error = HandOverReplicas(ctx, name)) return error;
    }
    Result<Json> applied = client_.Apply(desired.type, minitwit.ns, name, desired.object, kFieldManager);
    if (!applied.ok()) {
      spdlog::warn("{}: applying {} {} failed: {}", ctx.key, desired.type.kind, name, ErrorText(applied.error()));
      RecordEvent(ctx, kEventTypeWarning, kEventApplyFailed,
                  "applying " + desired.type.kind + " " + name + ": " + applied.error().message);
      return applied.error();
    }
    spdlog::info("{}: applied {} {}", ctx.key, desired.type.kind, name);
    if (is_autoscaler) ctx.live_autoscaler = applied.value();
    if (is_deployment) {
      const std::string image = TemplateImage(desired.object);
      if (!live) {
        if (std::optional<ApiError> error = BootstrapReplicas(ctx, name)) return error;
        RecordEvent(ctx, kEventTypeNormal, kEventCreated, "created Deployment " + name + " running " + image);
      } else if (TemplateImage(*live) != image && image == minitwit.spec.image) {
        RecordEvent(ctx, kEventTypeNormal, kEventRolloutStarted,
                    "rolling out image " + image + " (was " + TemplateImage(*live) + ")");
      }
      ctx.live_deployment = applied.value();
      ctx.live_image = TemplateImage(applied.value());
      const bool current =
          IntAt(applied.value(), {"status", "observedGeneration"}) >= IntAt(applied.value(), {"metadata", "generation"});
      if (!current) {
        ctx.deployment_current = false;
        ctx.rollout_complete = false;
        ctx.deadline_exceeded = false;
      }
      // Only a new pod template is a rollout; new replicas or labels are not.
      if (!live || !IsSubset(Path(desired.object, {"spec", "template"}), Path(*live, {"spec", "template"}))) {
        ctx.template_rolling_out = true;
      }
    }
  }
  return std::nullopt;
}

std::optional<ApiError> MiniTwitReconciler::BootstrapReplicas(Context& ctx, const std::string& name) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  if (!BuildHorizontalPodAutoscaler(minitwit)) return std::nullopt;  // replicas are in the main apply
  // The main apply leaves spec.replicas to the HPA, so a new Deployment would start at 1 pod
  // until the HPA's first sync. Set minReplicas once under a manager of its own: the HPA's
  // scale writes take the field over, and kFieldManager never claims it.
  return ApplyBootstrapReplicas(ctx, name, minitwit.spec.autoscaling->min_replicas, "");
}

std::optional<ApiError> MiniTwitReconciler::HandOverReplicas(Context& ctx, const std::string& name) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  if (!BuildHorizontalPodAutoscaler(minitwit)) return std::nullopt;
  // A Deployment that had fixed replicas (or HotStandby's 2) has spec.replicas owned by
  // kFieldManager alone. The apply about to happen leaves the field out, and server-side
  // apply removes a field that its last owner stops sending: the Deployment would fall to its
  // default of 1 pod until the HPA's next sync. So first give the field a second owner, as the
  // server-side apply documentation's "Transferring ownership" does for an HPA: the live count
  // clamped to the HPA's bounds, under kBootstrapFieldManager. The HPA's scale writes then
  // take it over. The resourceVersion makes a concurrent write (the HPA's own) win with a 409
  // instead of being undone; the reconcile is retried.
  Result<Json> live = client_.Get(api::kDeploymentType, minitwit.ns, name);  // the cache has no managedFields
  if (!live.ok()) return live.error();
  if (!AppliedFieldOwnedBy(live.value(), kFieldManager, {"f:spec", "f:replicas"})) return std::nullopt;
  const api::Autoscaling& autoscaling = *minitwit.spec.autoscaling;
  const int64_t replicas = std::clamp<int64_t>(IntAt(live.value(), {"spec", "replicas"}, 1), autoscaling.min_replicas,
                                               autoscaling.max_replicas);
  spdlog::info("{}: handing spec.replicas ({}) of Deployment {} over to the autoscaler", ctx.key, replicas, name);
  return ApplyBootstrapReplicas(ctx, name, replicas, StringAt(live.value(), {"metadata", "resourceVersion"}));
}

std::optional<ApiError> MiniTwitReconciler::ApplyBootstrapReplicas(Context& ctx, const std::string& name,
                                                                   int64_t replicas,
                                                                   const std::string& resource_version) {
  Json metadata = {{"name", name}, {"namespace", ctx.minitwit.ns}};
  if (!resource_version.empty()) metadata["resourceVersion"] = resource_version;
  const Json object = {{"apiVersion", api::kDeploymentType.ApiVersion()},
                       {"kind", api::kDeploymentType.kind},
                       {"metadata", metadata},
                       {"spec", {{"replicas", replicas}}}};
  Result<Json> applied = client_.Apply(api::kDeploymentType, ctx.minitwit.ns, name, object, kBootstrapFieldManager);
  if (!applied.ok()) {
    spdlog::warn("{}: setting replicas of Deployment {} under {} failed: {}", ctx.key, name, kBootstrapFieldManager,
                 ErrorText(applied.error()));
    return applied.error();
  }
  return std::nullopt;
}

std::optional<ApiError> MiniTwitReconciler::PruneAutoscaler(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  if (BuildHorizontalPodAutoscaler(minitwit)) return std::nullopt;
  // Before the Deployment's spec.replicas comes back under kFieldManager, so that the HPA
  // cannot scale it again in between.
  Result<std::optional<Json>> live = Read(api::kHorizontalPodAutoscalerType, minitwit.ns, DeploymentName(minitwit));
  if (!live.ok()) return live.error();
  if (!live.value() || !IsOwnedBy(*live.value(), minitwit.uid)) return std::nullopt;
  kube::Status deleted = client_.Delete(api::kHorizontalPodAutoscalerType, minitwit.ns, DeploymentName(minitwit));
  if (!deleted.ok() && !deleted.error().IsNotFound()) return deleted.error();
  spdlog::info("{}: deleted HorizontalPodAutoscaler {}", ctx.key, DeploymentName(minitwit));
  return std::nullopt;
}

std::optional<ApiError> MiniTwitReconciler::PruneChildren(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  std::vector<std::pair<kube::ResourceType, std::string>> unwanted;  // the HPA: PruneAutoscaler
  if (!minitwit.spec.database.in_cluster) {
    // The claim and credentials stay: deleting data is never the operator's call.
    unwanted.emplace_back(api::kStatefulSetType, DatabaseName(minitwit));
    unwanted.emplace_back(api::kServiceType, DatabaseName(minitwit));
    unwanted.emplace_back(api::kNetworkPolicyType, DatabaseName(minitwit));
  }
  for (const auto& [type, name] : unwanted) {
    Result<std::optional<Json>> live = Read(type, minitwit.ns, name);
    if (!live.ok()) return live.error();
    if (!live.value() || !IsOwnedBy(*live.value(), minitwit.uid)) continue;
    kube::Status deleted = client_.Delete(type, minitwit.ns, name);
    if (!deleted.ok() && !deleted.error().IsNotFound()) return deleted.error();
    spdlog::info("{}: deleted {} {}", ctx.key, type.kind, name);
  }
  return std::nullopt;
}

}  // namespace minitwit::controller
