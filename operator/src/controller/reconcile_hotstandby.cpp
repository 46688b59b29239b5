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

std::optional<ApiError> MiniTwitReconciler::ManageActivePod(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  Result<std::vector<Json>> pods = ListPods(minitwit.ns, AppSelectorLabels(minitwit));
  if (!pods.ok()) return pods.error();

  auto role_of = [](const Json& pod) { return StringAt(pod, {"metadata", "labels", kLabelRole}); };
  auto name_of = [](const Json& pod) { return StringAt(pod, {"metadata", "name"}); };

  // Keep a Ready active pod (the one in status first); otherwise promote a Ready pod,
  // preferring one that runs the current image.
  const Json* active = nullptr;
  for (const Json& pod : pods.value()) {
    if (role_of(pod) != kRoleActive || !IsPodReady(pod)) continue;
    if (!active || name_of(pod) == ctx.status.active_pod) active = &pod;
  }
  std::string previous;
  if (!active) {
    for (const Json& pod : pods.value()) {
      if (role_of(pod) == kRoleActive) previous = name_of(pod);
    }
    if (previous.empty()) previous = ctx.status.active_pod;
    for (const Json& pod : pods.value()) {
      if (!IsPodReady(pod)) continue;
      const bool current_image = PodImage(pod) == ctx.inputs.image;
      if (!active || (current_image && PodImage(*active) != ctx.inputs.image)) {
        active = &pod;
      }
    }
  }

  const std::string active_name = active ? name_of(*active) : "";
  for (const Json& pod : pods.value()) {
    if (!Path(pod, {"metadata", "deletionTimestamp"}).is_null()) continue;
    const std::string want = name_of(pod) == active_name ? kRoleActive : kRoleStandby;
    if (role_of(pod) == want) continue;
    const Json patch = {{"metadata", {{"labels", {{kLabelRole, want}}}}}};
    Result<Json> patched = client_.Patch(api::kPodType, minitwit.ns, name_of(pod), patch, kube::PatchType::kMerge);
    if (!patched.ok() && !patched.error().IsNotFound()) return patched.error();
  }

  if (!active_name.empty() && active_name != ctx.status.active_pod) {
    const std::string message = previous.empty() || previous == active_name
                                    ? "pod " + active_name + " is now active"
                                    : "pod " + previous + " is not ready; pod " + active_name + " is now active";
    spdlog::info("{}: {}", ctx.key, message);
    if (previous.empty() || previous == active_name) {
      RecordEvent(ctx, kEventTypeNormal, kEventActivePodSelected, message);
    } else {
      RecordEvent(ctx, kEventTypeWarning, kEventFailover, message);
    }
  }
  ctx.status.active_pod = active_name;
  return std::nullopt;
}

}  // namespace minitwit::controller
