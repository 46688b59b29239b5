// Who owns the Deployment's spec.replicas: the main field manager with fixed replicas (and in
// HotStandby), the HPA with autoscaling. Changing between them must never drop the pods.
#include "controller/reconciler.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "controller/reconcile_context.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;
using namespace reconcile;

std::optional<ApiError> MiniTwitReconciler::BootstrapReplicas(Context& ctx, const std::string& name) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  if (!BuildHorizontalPodAutoscaler(minitwit)) return std::nullopt;  // replicas are in the main apply
  // The main apply leaves spec.replicas to the HPA, so a new Deployment would start at 1 pod
  // until the HPA's first sync. Set minReplicas once under a manager of its own: the HPA's
  // scale writes take the field over, and the main field manager never claims it.
  return ApplyBootstrapReplicas(ctx, name, minitwit.spec.autoscaling->min_replicas, "");
}

std::optional<ApiError> MiniTwitReconciler::HandOverReplicas(Context& ctx, const std::string& name) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  if (!BuildHorizontalPodAutoscaler(minitwit)) return std::nullopt;
  // A Deployment that had fixed replicas (or HotStandby's 2) has spec.replicas owned by the
  // main field manager alone. The apply about to happen leaves the field out, and server-side
  // apply removes a field that its last owner stops sending: the Deployment would fall to its
  // default of 1 pod until the HPA's next sync. So first give the field a second owner, as the
  // server-side apply documentation's "Transferring ownership" does for an HPA: the live count
  // clamped to the HPA's bounds, under the bootstrap manager. The HPA's scale writes then take
  // it over. The resourceVersion makes a concurrent write (the HPA's own) win with a 409
  // instead of being undone; the reconcile is retried.
  Result<Json> live = client_.Get(api::kDeploymentType, minitwit.ns, name);  // the cache has no managedFields
  if (!live.ok()) return live.error();
  if (!AppliedFieldOwnedBy(live.value(), options_.field_manager, {"f:spec", "f:replicas"})) return std::nullopt;
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
  const std::string manager = options_.field_manager + kBootstrapFieldManagerSuffix;
  Result<Json> applied = client_.Apply(api::kDeploymentType, ctx.minitwit.ns, name, object, manager);
  if (!applied.ok()) {
    spdlog::warn("{}: setting replicas of Deployment {} under {} failed: {}", ctx.key, name, manager,
                 ErrorText(applied.error()));
    return applied.error();
  }
  return std::nullopt;
}

std::optional<ApiError> MiniTwitReconciler::PruneAutoscaler(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  if (BuildHorizontalPodAutoscaler(minitwit)) return std::nullopt;
  // Before the Deployment's spec.replicas comes back under the main field manager, so that the
  // HPA cannot scale it again in between.
  Result<std::optional<Json>> live = Read(api::kHorizontalPodAutoscalerType, minitwit.ns, DeploymentName(minitwit));
  if (!live.ok()) return live.error();
  if (!live.value() || !IsOwnedBy(*live.value(), minitwit.uid)) return std::nullopt;
  kube::Status deleted = client_.Delete(api::kHorizontalPodAutoscalerType, minitwit.ns, DeploymentName(minitwit));
  if (!deleted.ok() && !deleted.error().IsNotFound()) return deleted.error();
  spdlog::info("{}: deleted HorizontalPodAutoscaler {}", ctx.key, DeploymentName(minitwit));
  return std::nullopt;
}

}  // namespace minitwit::controller
