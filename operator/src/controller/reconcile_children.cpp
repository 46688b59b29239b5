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
    // Names can collide across MiniTwits (the app Service of "foo-db" and the database Service
    // of "foo"); a forced apply would take the other one's object over.
    if (live) {
      if (std::string owner = ControllerOwnerUid(*live); !owner.empty() && owner != minitwit.uid) {
        const std::string message = desired.type.kind + " " + name + " belongs to another owner (" +
                                    ControllerOwnerName(*live) + "); rename this MiniTwit";
        return ApplyFailed(ctx, kReasonNameConflict, message, ApiError{409, kReasonNameConflict, message});
      }
    }

    if (is_deployment && live && minitwit.spec.autoscaling) {
      if (std::optional<ApiError> error = HandOverReplicas(ctx, name)) return error;
    }
    Result<Json> applied = client_.Apply(desired.type, minitwit.ns, name, desired.object, options_.field_manager);
    if (!applied.ok() && applied.error().IsNotFound() && desired.type.plural == api::kHttpRouteType.plural) {
      // The cluster does not serve the Gateway API: everything else is applied, status says why
      // the app is not exposed, and a later reconcile tries again (the CRDs may be installed).
      ctx.expose_unavailable = "spec.expose.httpRoute needs the Gateway API, but this cluster does not serve "
                               "HTTPRoute (gateway.networking.k8s.io/v1); install the Gateway API CRDs or use expose.ingress";
      continue;
    }
    if (!applied.ok()) {
      spdlog::warn("{}: applying {} {} failed: {}", ctx.key, desired.type.kind, name, ErrorText(applied.error()));
      return ApplyFailed(ctx, kReasonApplyFailed,
                         "applying " + desired.type.kind + " " + name + ": " + applied.error().message,
                         applied.error());
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

ApiError MiniTwitReconciler::ApplyFailed(Context& ctx, const char* reason, const std::string& message,
                                         ApiError error) {
  // Reported once per distinct failure; the condition carries it until an apply succeeds.
  const Json* degraded = FindCondition(ctx.minitwit.status.conditions, kConditionDegraded);
  if (!degraded || degraded->value("message", "") != message) {
    RecordEvent(ctx, kEventTypeWarning, kEventApplyFailed, message);
  }
  ctx.apply_failure_reason = reason;
  ctx.apply_failure_message = message;
  return error;
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
  if (!BuildIngress(minitwit)) unwanted.emplace_back(api::kIngressType, IngressName(minitwit));
  // Not cached (not watched): a GET (404 where the Gateway API is not served), made once per
  // generation of the MiniTwit and operator process; a failed check is repeated.
  bool check_route = false;
  if (!BuildHttpRoute(minitwit)) {
    std::lock_guard lock(route_mutex_);
    auto it = route_checked_generation_.find(ctx.key);
    check_route = it == route_checked_generation_.end() || it->second != minitwit.generation;
  }
  if (check_route) unwanted.emplace_back(api::kHttpRouteType, IngressName(minitwit));
  for (const auto& [type, name] : unwanted) {
    Result<std::optional<Json>> live = Read(type, minitwit.ns, name);
    if (!live.ok()) return live.error();
    if (!live.value() || !IsOwnedBy(*live.value(), minitwit.uid)) continue;
    kube::Status deleted = client_.Delete(type, minitwit.ns, name);
    if (!deleted.ok() && !deleted.error().IsNotFound()) return deleted.error();
    spdlog::info("{}: deleted {} {}", ctx.key, type.kind, name);
  }
  if (check_route) {
    std::lock_guard lock(route_mutex_);
    route_checked_generation_[ctx.key] = minitwit.generation;
  }
  return std::nullopt;
}

}  // namespace minitwit::controller
