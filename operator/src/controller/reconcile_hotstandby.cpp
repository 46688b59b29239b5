// HotStandby: keeps exactly one Ready pod labelled active, failing over when it is not Ready.
#include "controller/reconciler.hpp"

#include <spdlog/spdlog.h>

#include "controller/events.hpp"
#include "controller/reconcile_context.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;
using namespace reconcile;

namespace {

std::string RoleOf(const Json& pod) { return StringAt(pod, {"metadata", "labels", kLabelRole}); }
std::string NameOf(const Json& pod) { return StringAt(pod, {"metadata", "name"}); }
bool Terminating(const Json& pod) { return !Path(pod, {"metadata", "deletionTimestamp"}).is_null(); }
bool ContainersReady(const Json& pod) {
  return !Terminating(pod) && IsConditionTrue(Path(pod, {"status", "conditions"}), "ContainersReady");
}
bool GateOpen(const Json& pod) { return IsConditionTrue(Path(pod, {"status", "conditions"}), kConditionHandover); }

}  // namespace

// The active role, and a rollout of the pair without a moment with no active Ready pod:
//  1. Every pod carries the readiness gate kConditionHandover, so it is Ready (an endpoint, and
//     available to the Deployment) only once the operator opens its gate.
//  2. While the active pod runs an older template, only one updated pod gets its gate opened.
//     The Deployment (maxUnavailable 0) cannot remove the last old pod until a second updated
//     pod is available, so the old active pod stays until the role has moved.
//  3. Once that updated pod is Ready the role moves to it, the new active pod labelled before the
//     old one is unlabelled (make before break), and the remaining gates open.
//  4. The active pod carries the higher pod-deletion-cost, so a ReplicaSet scaling down removes
//     the standby first.
std::optional<ApiError> MiniTwitReconciler::ManageActivePod(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  Result<std::vector<Json>> pods = ListPods(minitwit.ns, AppSelectorLabels(minitwit));
  if (!pods.ok()) return pods.error();
  const Json deployment = BuildDeployment(minitwit, ctx.inputs);
  const std::string current_hash = StringAt(deployment, {"spec", "template", "metadata", "annotations",
                                                          kAnnotationTemplateHash});
  auto updated = [&](const Json& pod) {
    return StringAt(pod, {"metadata", "annotations", kAnnotationTemplateHash}) == current_hash;
  };

  // Keep a Ready active pod (the one in status first) unless an updated pod is Ready while it
  // runs an older template; otherwise promote a Ready pod, preferring an updated one.
  const Json* active = nullptr;
  for (const Json& pod : pods.value()) {
    if (RoleOf(pod) != kRoleActive || !IsPodReady(pod)) continue;
    if (!active || NameOf(pod) == ctx.status.active_pod) active = &pod;
  }
  std::string previous;
  bool handover = false;
  if (active && !updated(*active)) {
    for (const Json& pod : pods.value()) {
      if (IsPodReady(pod) && updated(pod)) {
        previous = NameOf(*active);
        active = &pod;
        handover = true;
        break;
      }
    }
  }
  if (!active) {
    for (const Json& pod : pods.value()) {
      if (RoleOf(pod) == kRoleActive) previous = NameOf(pod);
    }
    if (previous.empty()) previous = ctx.status.active_pod;
    for (const Json& pod : pods.value()) {
      if (!IsPodReady(pod)) continue;
      if (!active || (updated(pod) && !updated(*active))) active = &pod;
    }
  }
  const std::string active_name = active ? NameOf(*active) : "";

  // Labels: the new active pod first, then the others, so the Service never selects nothing.
  std::vector<const Json*> order;
  if (active) order.push_back(active);
  for (const Json& pod : pods.value()) {
    if (&pod != active) order.push_back(&pod);
  }
  for (const Json* pod : order) {
    if (Terminating(*pod)) continue;
    const bool is_active = NameOf(*pod) == active_name;
    const std::string want = is_active ? kRoleActive : kRoleStandby;
    const std::string cost = is_active ? "1000" : "0";
    if (RoleOf(*pod) == want && StringAt(*pod, {"metadata", "annotations", kAnnotationPodDeletionCost}) == cost) {
      continue;
    }
    const Json patch = {{"metadata", {{"labels", {{kLabelRole, want}}}, {"annotations", {{kAnnotationPodDeletionCost, cost}}}}}};
    Result<Json> patched = client_.Patch(api::kPodType, minitwit.ns, NameOf(*pod), patch, kube::PatchType::kMerge);
    if (!patched.ok() && !patched.error().IsNotFound()) return patched.error();
  }

  // Gates: open for every pod whose containers are ready, except a second updated pod while the
  // active pod (if any) is not updated yet.
  const bool active_updated = active && updated(*active);
  bool updated_gate_open = false;
  for (const Json& pod : pods.value()) {
    if (updated(pod) && GateOpen(pod) && !Terminating(pod)) updated_gate_open = true;
  }
  for (const Json& pod : pods.value()) {
    if (GateOpen(pod) || !ContainersReady(pod)) continue;
    if (updated(pod) && !active_updated) {
      if (updated_gate_open) continue;
      updated_gate_open = true;
    }
    const Json patch = Json::array({{{"op", "add"},
                                     {"path", "/status/conditions/-"},
                                     {"value",
                                      {{"type", kConditionHandover},
                                       {"status", kStatusTrue},
                                       {"lastTransitionTime", Now()}}}}});
    Result<Json> patched =
        client_.Patch(api::kPodType, minitwit.ns, NameOf(pod), patch, kube::PatchType::kJson, "status");
    if (!patched.ok() && !patched.error().IsNotFound()) return patched.error();
  }

  if (!active_name.empty() && active_name != ctx.status.active_pod) {
    std::string message;
    const char* reason = kEventActivePodSelected;
    const char* type = kEventTypeNormal;
    if (handover) {
      message = "pod " + active_name + " runs the updated template; it takes over from pod " + previous;
      reason = kEventHandover;
    } else if (previous.empty() || previous == active_name) {
      message = "pod " + active_name + " is now active";
    } else {
      message = "pod " + previous + " is not ready; pod " + active_name + " is now active";
      reason = kEventFailover;
      type = kEventTypeWarning;
    }
    spdlog::info("{}: {}", ctx.key, message);
    RecordEvent(ctx, type, reason, message);
  }
  ctx.status.active_pod = active_name;
  return std::nullopt;
}

}  // namespace minitwit::controller
