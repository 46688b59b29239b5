#include "controller/reconciler.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>

#include <spdlog/spdlog.h>

#include "api/resource_types.hpp"
#include "controller/conditions.hpp"
#include "controller/events.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;

namespace {

std::string RandomHexSecret() {
  std::random_device device;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string secret;
  for (int i = 0; i < 32; ++i) {
    const unsigned byte = device() & 0xFFu;
    secret += kDigits[byte >> 4];
    secret += kDigits[byte & 0xF];
  }
  return secret;
}

const Json& Path(const Json& object, std::initializer_list<const char*> keys) {
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

int64_t IntAt(const Json& object, std::initializer_list<const char*> keys, int64_t fallback = 0) {
  const Json& value = Path(object, keys);
  return value.is_number_integer() ? value.get<int64_t>() : fallback;
}

std::string StringAt(const Json& object, std::initializer_list<const char*> keys) {
  const Json& value = Path(object, keys);
  return value.is_string() ? value.get<std::string>() : std::string();
}

// The image of the "minitwit" container of a pod spec (the first container's otherwise).
std::string ContainerImage(const Json& pod_spec) {
  const Json& containers = Path(pod_spec, {"containers"});
  if (!containers.is_array()) return "";
  for (const Json& container : containers) {
    if (container.value("name", "") == "minitwit") return container.value("image", "");
  }
  return containers.empty() ? "" : containers[0].value("image", "");
}

std::string TemplateImage(const Json& deployment) {
  return ContainerImage(Path(deployment, {"spec", "template", "spec"}));
}

std::string PodImage(const Json& pod) { return ContainerImage(Path(pod, {"spec"})); }

const Json* DeploymentCondition(const Json& deployment, const std::string& type) {
  const Json& conditions = Path(deployment, {"status", "conditions"});
  return FindCondition(conditions, type);
}

bool IsPodReady(const Json& pod) {
  if (!Path(pod, {"metadata", "deletionTimestamp"}).is_null()) return false;
  if (StringAt(pod, {"status", "phase"}) != "Running") return false;
  return IsConditionTrue(Path(pod, {"status", "conditions"}), "Ready");
}

// True when `object` is controlled by the MiniTwit with `uid`.
bool IsOwnedBy(const Json& object, const std::string& uid) {
  const Json& owners = Path(object, {"metadata", "ownerReferences"});
  if (!owners.is_array()) return false;
  for (const Json& owner : owners) {
    if (owner.value("uid", "") == uid && owner.value("controller", false)) return true;
  }
  return false;
}

std::string ErrorText(const ApiError& error) {
  return std::to_string(error.status) + " " + error.reason + ": " + error.message;
}

}  // namespace

std::string FormatTime(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

struct MiniTwitReconciler::Context {
  api::MiniTwit minitwit;
  Json object;                 // the MiniTwit as read
  api::MiniTwitStatus status;  // the status being built
  DesiredInputs inputs;
  std::string key;  // namespace/name, for logs

  std::optional<Json> live_deployment;
  std::string live_image;
  bool deployment_current = false;  // the Deployment controller has seen the latest spec
  bool rollout_complete = false;
  bool deadline_exceeded = false;
  bool rollout_failed_unhandled = false;  // deadline missed and nothing to roll back to / Pause
  std::string degraded_reason;
  std::string degraded_message;

  Condition database_condition;
  bool database_blocked = false;  // the app cannot start: its DATABASE_URL Secret is missing
};

MiniTwitReconciler::MiniTwitReconciler(kube::KubeClient& client, const WallClock& clock, ReconcilerCaches caches,
                                       ReconcilerOptions options)
    : client_(client), clock_(clock), caches_(caches), options_(std::move(options)) {
  if (!options_.generate_secret) options_.generate_secret = RandomHexSecret;
}

std::string MiniTwitReconciler::Now() const { return FormatTime(clock_.Now()); }

const kube::ObjectCache* MiniTwitReconciler::CacheFor(const kube::ResourceType& type) const {
  if (type.plural == api::kMiniTwitType.plural) return caches_.minitwits;
  if (type.plural == api::kDeploymentType.plural) return caches_.deployments;
  if (type.plural == api::kStatefulSetType.plural) return caches_.statefulsets;
  if (type.plural == api::kServiceType.plural) return caches_.services;
  if (type.plural == api::kSecretType.plural) return caches_.secrets;
  if (type.plural == api::kPodType.plural) return caches_.pods;
  if (type.plural == api::kPersistentVolumeClaimType.plural) return caches_.persistent_volume_claims;
  if (type.plural == api::kPodDisruptionBudgetType.plural) return caches_.pod_disruption_budgets;
  if (type.plural == api::kHorizontalPodAutoscalerType.plural) return caches_.horizontal_pod_autoscalers;
  if (type.plural == api::kNetworkPolicyType.plural) return caches_.network_policies;
  return nullptr;
}

Result<std::optional<Json>> MiniTwitReconciler::Read(const kube::ResourceType& type, const std::string& ns,
                                                     const std::string& name) const {
  if (const kube::ObjectCache* cache = CacheFor(type)) return cache->Get(ns, name);
  Result<Json> result = client_.Get(type, ns, name);
  if (result.ok()) return std::optional<Json>(std::move(result).value());
  if (result.error().IsNotFound()) return std::optional<Json>();
  return result.error();
}

Result<std::optional<Json>> MiniTwitReconciler::ReadConfirmed(const kube::ResourceType& type, const std::string& ns,
                                                              const std::string& name) const {
  if (const kube::ObjectCache* cache = CacheFor(type)) {
    if (std::optional<Json> cached = cache->Get(ns, name)) return cached;
  }
  Result<Json> result = client_.Get(type, ns, name);
  if (result.ok()) return std::optional<Json>(std::move(result).value());
  if (result.error().IsNotFound()) return std::optional<Json>();
  return result.error();
}

Result<std::vector<Json>> MiniTwitReconciler::ListPods(const std::string& ns,
                                                       const std::map<std::string, std::string>& labels) const {
  if (caches_.pods) return caches_.pods->List(ns, labels);
  kube::ListOptions options;
  options.label_selector = LabelSelectorString(labels);
  Result<Json> result = client_.List(api::kPodType, ns, options);
  if (!result.ok()) return result.error();
  std::vector<Json> pods;
  const Json& items = result.value().contains("items") ? result.value()["items"] : Json::array();
  for (const Json& pod : items) pods.push_back(pod);
  return pods;
}

void MiniTwitReconciler::RecordEvent(Context& ctx, const char* type, const char* reason, const std::string& message) {
  const uint64_t sequence = event_counter_.fetch_add(1);
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.Now().time_since_epoch()).count();
  char suffix[48];
  std::snprintf(suffix, sizeof(suffix), "%llx%04llx", static_cast<unsigned long long>(nanos),
                static_cast<unsigned long long>(sequence & 0xFFFF));
  const Json event = BuildEvent(ctx.minitwit, type, reason, message, Now(), suffix, options_.reporting_instance);
  Result<Json> result = client_.Create(api::kEventType, ctx.minitwit.ns, event);
  if (!result.ok()) spdlog::warn("{}: recording event {} failed: {}", ctx.key, reason, ErrorText(result.error()));
}

ReconcileResult MiniTwitReconciler::Reconcile(const std::string& ns, const std::string& name) {
  Context ctx;
  ctx.key = ns + "/" + name;
  Result<std::optional<Json>> read = Read(api::kMiniTwitType, ns, name);
  if (!read.ok()) return {ReconcileResult::Kind::kError, {}, "reading MiniTwit: " + ErrorText(read.error())};
  if (!read.value()) return {ReconcileResult::Kind::kDone, {}, {}};  // deleted: owner references clean up
  ctx.object = *read.value();

  api::Parsed<api::MiniTwit> parsed = api::MiniTwitFromJson(ctx.object);
  if (!parsed.ok()) {
    // The CRD schema should make this impossible; retrying cannot help, so report and stop.
    spdlog::error("{}: cannot read MiniTwit: {}", ctx.key, parsed.error);
    return {ReconcileResult::Kind::kDone, {}, {}};
  }
  ctx.minitwit = std::move(*parsed.value);
  if (ctx.minitwit.deleting) return {ReconcileResult::Kind::kDone, {}, {}};
  ctx.status = ctx.minitwit.status;
  const api::MiniTwit& minitwit = ctx.minitwit;
  const int64_t generation = minitwit.generation;

  if (std::vector<std::string> errors = api::Validate(minitwit.spec); !errors.empty()) {
    std::string message;
    for (const std::string& error : errors) message += (message.empty() ? "" : "; ") + error;
    const bool was_invalid = [&] {
      const Json* degraded = FindCondition(ctx.status.conditions, kConditionDegraded);
      return degraded && degraded->value("reason", "") == kReasonInvalidSpec;
    }();
    SetCondition(ctx.status.conditions, {kConditionDegraded, kStatusTrue, kReasonInvalidSpec, message}, generation,
                 Now());
    ctx.status.phase = kPhaseDegraded;
    ctx.status.observed_generation = generation;
    if (!was_invalid) RecordEvent(ctx, kEventTypeWarning, kEventInvalidSpec, message);
    if (std::optional<ApiError> error = WriteStatus(ctx)) {
      return {ReconcileResult::Kind::kError, {}, "writing status: " + ErrorText(*error)};
    }
    return {ReconcileResult::Kind::kDone, {}, {}};  // a new generation brings it back
  }

  if (std::optional<ReconcileResult> early = ResolveInputs(ctx)) return *early;
  TrackRollout(ctx);

  std::optional<ApiError> failure;
  if (!ctx.database_blocked) failure = ApplyChildren(ctx);
  if (!failure) failure = PruneChildren(ctx);
  if (!failure && minitwit.spec.mode == api::Mode::kHotStandby) failure = ManageActivePod(ctx);
  if (minitwit.spec.mode != api::Mode::kHotStandby) ctx.status.active_pod.clear();

  ComputeStatus(ctx);
  if (std::optional<ApiError> error = WriteStatus(ctx)) {
    if (!failure) failure = error;
  }
  if (failure) return {ReconcileResult::Kind::kError, {}, ErrorText(*failure)};

  if (ctx.database_blocked) return {ReconcileResult::Kind::kRequeueAfter, options_.secret_retry_interval, {}};
  if (minitwit.spec.mode == api::Mode::kHotStandby) {
    return {ReconcileResult::Kind::kRequeueAfter, options_.failover_check_interval, {}};
  }
  if (!ctx.rollout_complete && !ctx.deadline_exceeded) {
    return {ReconcileResult::Kind::kRequeueAfter, options_.rollout_check_interval, {}};
  }
  return {ReconcileResult::Kind::kDone, {}, {}};
}

std::optional<ReconcileResult> MiniTwitReconciler::ResolveInputs(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  ctx.inputs = DefaultInputs(minitwit);
  auto read_error = [&](const std::string& what, const ApiError& error) {
    return ReconcileResult{ReconcileResult::Kind::kError, {}, "reading " + what + ": " + ErrorText(error)};
  };

  // DATABASE_URL.
  if (const auto& external = minitwit.spec.database.external) {
    // The user's Secret carries none of our labels, so the informer may never hold it.
    Result<std::optional<Json>> secret = ReadConfirmed(api::kSecretType, minitwit.ns, external->secret_name);
    if (!secret.ok()) return read_error("Secret " + external->secret_name, secret.error());
    if (!secret.value()) {
      ctx.database_blocked = true;
      ctx.database_condition = {kConditionDatabaseReady, kStatusFalse, kReasonSecretNotFound,
                                "Secret " + external->secret_name + " not found"};
    } else if (!Path(*secret.value(), {"data", external->key.c_str()}).is_string()) {
      ctx.database_blocked = true;
      ctx.database_condition = {kConditionDatabaseReady, kStatusFalse, kReasonSecretKeyMissing,
                                "Secret " + external->secret_name + " has no key " + external->key};
    } else {
      ctx.database_condition = {kConditionDatabaseReady, kStatusTrue, kReasonSecretFound,
                                "using key " + external->key + " of Secret " + external->secret_name};
    }
  } else {
    Result<std::optional<Json>> secret = ReadConfirmed(api::kSecretType, minitwit.ns, DatabaseName(minitwit));
    if (!secret.ok()) return read_error("Secret " + DatabaseName(minitwit), secret.error());
    if (secret.value()) {
      const std::string encoded = StringAt(*secret.value(), {"data", kDatabasePasswordKey});
      if (std::optional<std::string> password = Base64Decode(encoded); password && !password->empty()) {
        ctx.inputs.database_password = *password;
      }
    }
    if (ctx.inputs.database_password.empty()) ctx.inputs.database_password = options_.generate_secret();

    Result<std::optional<Json>> statefulset = Read(api::kStatefulSetType, minitwit.ns, DatabaseName(minitwit));
    if (!statefulset.ok()) return read_error("StatefulSet " + DatabaseName(minitwit), statefulset.error());
    const bool running = statefulset.value() && IntAt(*statefulset.value(), {"status", "readyReplicas"}) >= 1;
    ctx.database_condition = running ? Condition{kConditionDatabaseReady, kStatusTrue, kReasonDatabaseRunning,
                                                 "in-cluster PostgreSQL is ready"}
                                     : Condition{kConditionDatabaseReady, kStatusFalse, kReasonDatabaseStarting,
                                                 "waiting for in-cluster PostgreSQL to become ready"};
  }
  const Json* before = FindCondition(ctx.status.conditions, kConditionDatabaseReady);
  const bool reason_changed = !before || before->value("reason", "") != ctx.database_condition.reason;
  if (ctx.database_blocked && reason_changed) {
    const char* reason =
        ctx.database_condition.reason == kReasonSecretNotFound ? kEventSecretNotFound : kEventSecretKeyMissing;
    RecordEvent(ctx, kEventTypeWarning, reason, ctx.database_condition.message);
  }

  // SESSION_SECRET: generated once, then read back from the live Secret on every reconcile.
  if (!minitwit.spec.session_secret_ref) {
    Result<std::optional<Json>> secret = ReadConfirmed(api::kSecretType, minitwit.ns, SessionSecretName(minitwit));
    if (!secret.ok()) return read_error("Secret " + SessionSecretName(minitwit), secret.error());
    if (secret.value()) {
      const std::string encoded = StringAt(*secret.value(), {"data", kSessionSecretKey});
      if (std::optional<std::string> value = Base64Decode(encoded); value && !value->empty()) {
        ctx.inputs.session_secret_value = *value;
      }
    }
    if (ctx.inputs.session_secret_value.empty()) ctx.inputs.session_secret_value = options_.generate_secret();
  }

  // Confirmed on a cache miss, so that a Deployment created a moment ago is not "created" twice.
  // A MiniTwit never reconciled before (no observedGeneration) has no Deployment worth the GET:
  // at worst a retried first reconcile re-applies it, which server-side apply makes harmless.
  const bool first_reconcile = minitwit.status.observed_generation == 0;
  Result<std::optional<Json>> deployment =
      first_reconcile ? Read(api::kDeploymentType, minitwit.ns, DeploymentName(minitwit))
                      : ReadConfirmed(api::kDeploymentType, minitwit.ns, DeploymentName(minitwit));
  if (!deployment.ok()) return read_error("Deployment " + DeploymentName(minitwit), deployment.error());
  ctx.live_deployment = deployment.value();
  return std::nullopt;
}

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
        const std::string message = "image " + wanted + " missed its progress deadline of " + deadline +
                                    "s; rolled back to " + status.last_good_image;
        spdlog::warn("{}: {}", ctx.key, message);
        RecordEvent(ctx, kEventTypeWarning, kEventRolledBack, message);
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

  // lastGoodImage moves only once every replica of the running image is available.
  if (ctx.rollout_complete && !ctx.live_image.empty() && ctx.live_image == ctx.inputs.image &&
      ctx.live_image != status.last_good_image) {
    status.last_good_image = ctx.live_image;
    RecordEvent(ctx, kEventTypeNormal, kEventRolloutComplete,
                "image " + ctx.live_image + " is available on " + std::to_string(desired_replicas) + " replicas");
  }
  if (ctx.rollout_complete && ctx.live_image == wanted) status.failed_image.clear();
}

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
    if (live && IsSubset(desired.object, *live)) continue;

    Result<Json> applied = client_.Apply(desired.type, minitwit.ns, name, desired.object, kFieldManager);
    if (!applied.ok()) {
      spdlog::warn("{}: applying {} {} failed: {}", ctx.key, desired.type.kind, name, ErrorText(applied.error()));
      RecordEvent(ctx, kEventTypeWarning, kEventApplyFailed,
                  "applying " + desired.type.kind + " " + name + ": " + applied.error().message);
      return applied.error();
    }
    spdlog::info("{}: applied {} {}", ctx.key, desired.type.kind, name);
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
    }
  }
  return std::nullopt;
}

std::optional<ApiError> MiniTwitReconciler::BootstrapReplicas(Context& ctx, const std::string& name) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  const std::optional<Json> hpa = BuildHorizontalPodAutoscaler(minitwit);
  if (!hpa) return std::nullopt;  // spec.replicas is in the main apply configuration
  // The main apply leaves spec.replicas to the HPA, so a new Deployment would start at 1 pod
  // until the HPA's first sync. Set minReplicas once under a manager of its own: the HPA's
  // scale writes take the field over, and kFieldManager never claims it.
  const Json replicas = Path(*hpa, {"spec", "minReplicas"});
  const Json object = {{"apiVersion", api::kDeploymentType.ApiVersion()},
                       {"kind", api::kDeploymentType.kind},
                       {"metadata", {{"name", name}, {"namespace", minitwit.ns}}},
                       {"spec", {{"replicas", replicas.is_number_integer() ? replicas : Json(1)}}}};
  Result<Json> applied = client_.Apply(api::kDeploymentType, minitwit.ns, name, object, kBootstrapFieldManager);
  if (!applied.ok()) {
    spdlog::warn("{}: setting initial replicas of Deployment {} failed: {}", ctx.key, name,
                 ErrorText(applied.error()));
    return applied.error();
  }
  return std::nullopt;
}

std::optional<ApiError> MiniTwitReconciler::PruneChildren(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  std::vector<std::pair<kube::ResourceType, std::string>> unwanted;
  if (!BuildHorizontalPodAutoscaler(minitwit)) {
    unwanted.emplace_back(api::kHorizontalPodAutoscalerType, DeploymentName(minitwit));
  }
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
