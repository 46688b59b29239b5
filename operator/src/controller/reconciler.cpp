#include "controller/reconciler.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>

#include <spdlog/spdlog.h>

#include "controller/conditions.hpp"
#include "controller/events.hpp"
#include "controller/reconcile_context.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;
using namespace reconcile;

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

}  // namespace

std::string FormatTime(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

MiniTwitReconciler::MiniTwitReconciler(kube::KubeClient& client, const WallClock& clock, ReconcilerCaches caches,
                                       ReconcilerOptions options)
    : client_(client), clock_(clock), caches_(caches), options_(std::move(options)) {
  if (!options_.generate_secret) options_.generate_secret = RandomHexSecret;
}

std::string MiniTwitReconciler::Now() const { return FormatTime(clock_.Now()); }

const kube::ObjectCache* MiniTwitReconciler::CacheFor(const kube::ResourceType& type) const {
  return caches_.For(type);
}

Result<std::optional<Json>> MiniTwitReconciler::Read(const kube::ResourceType& type, const std::string& ns,
                                                     const std::string& name) const {
  if (const kube::ObjectCache* cache = CacheFor(type)) return cache->Get(ns, name);
  Result<Json> result = client_.Get(type, ns, name);
  if (result.ok()) return std::optional<Json>(std::move(result).value());
  if (result.error().IsNotFound()) return std::optional<Json>();
  return result.error();
}

Result<std::optional<Json>> MiniTwitReconciler::ReadMiniTwit(const std::string& ns, const std::string& name,
                                                             const std::string& key) {
  const kube::ObjectCache* minitwits = CacheFor(api::kMiniTwitType);
  if (!minitwits) return Read(api::kMiniTwitType, ns, name);
  std::optional<Json> cached = minitwits->Get(ns, name);
  std::string expected;
  {
    std::lock_guard lock(written_mutex_);
    if (auto it = written_versions_.find(key); it != written_versions_.end()) expected = it->second;
  }
  if (expected.empty()) return cached;
  if (cached && StringAt(*cached, {"metadata", "resourceVersion"}) == expected) {
    std::lock_guard lock(written_mutex_);
    written_versions_.erase(key);
    return cached;
  }
  // The cache has not delivered our write yet (or something newer came since): read through.
  Result<Json> fresh = client_.Get(api::kMiniTwitType, ns, name);
  std::lock_guard lock(written_mutex_);
  if (fresh.ok()) {
    written_versions_[key] = StringAt(fresh.value(), {"metadata", "resourceVersion"});
    return std::optional<Json>(std::move(fresh).value());
  }
  if (fresh.error().IsNotFound()) {
    written_versions_.erase(key);
    return std::optional<Json>();
  }
  return fresh.error();
}

void MiniTwitReconciler::RememberStatusWrite(const std::string& key, const std::string& resource_version) {
  if (!CacheFor(api::kMiniTwitType) || resource_version.empty()) return;
  std::lock_guard lock(written_mutex_);
  written_versions_[key] = resource_version;
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
  if (const kube::ObjectCache* pods = CacheFor(api::kPodType)) return pods->List(ns, labels);
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
  Result<std::optional<Json>> read = ReadMiniTwit(ns, name, ctx.key);
  if (!read.ok()) return {ReconcileResult::Kind::kError, {}, "reading MiniTwit: " + ErrorText(read.error())};
  if (!read.value()) {  // deleted: owner references clean up
    ForgetMetrics(ns, name);
    {
      std::lock_guard lock(route_mutex_);
      route_checked_generation_.erase(ctx.key);
    }
    return {ReconcileResult::Kind::kDone, {}, {}};
  }
  ctx.object = *read.value();

  api::Parsed<api::MiniTwit> parsed = api::MiniTwitFromJson(ctx.object);
  if (!parsed.ok()) {
    // The CRD schema should make this impossible; retrying cannot help, so report and stop.
    spdlog::error("{}: cannot read MiniTwit: {}", ctx.key, parsed.error);
    return {ReconcileResult::Kind::kDone, {}, {}};
  }
  ctx.minitwit = std::move(*parsed.value);
  if (ctx.minitwit.deleting) {
    ForgetMetrics(ns, name);
    return {ReconcileResult::Kind::kDone, {}, {}};
  }
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
    SetCondition(ctx.status.conditions, {kConditionReady, kStatusFalse, kReasonInvalidSpec, message}, generation,
                 Now());
    ctx.status.phase = kPhaseDegraded;
    ctx.status.observed_generation = generation;
    if (!was_invalid) RecordEvent(ctx, kEventTypeWarning, kEventInvalidSpec, message);
    RecordMetrics(ctx);
    if (std::optional<ApiError> error = WriteStatus(ctx, ctx.status)) {
      return {ReconcileResult::Kind::kError, {}, "writing status: " + ErrorText(*error)};
    }
    return {ReconcileResult::Kind::kDone, {}, {}};  // a new generation brings it back
  }

  if (std::optional<ReconcileResult> early = ResolveInputs(ctx)) return *early;
  TrackRollout(ctx);
  if (ctx.rollback_started) {
    // The rollback's memory (failedImage) is written, conditionally on the version read, before
    // the old image is applied: a rollback that is applied is always remembered.
    api::MiniTwitStatus memory = ctx.minitwit.status;
    memory.failed_image = ctx.status.failed_image;
    if (std::optional<ApiError> error = WriteStatus(ctx, memory)) {
      return {ReconcileResult::Kind::kError, {}, "recording the rollback: " + ErrorText(*error)};
    }
    spdlog::warn("{}: {}", ctx.key, ctx.rollback_message);
    if (options_.metrics) options_.metrics->rollbacks.Add({ns, name});
    RecordEvent(ctx, kEventTypeWarning, kEventRolledBack, ctx.rollback_message);
  }

  // HotStandby first. Failover depends on the pods alone (a refused apply of an unrelated child
  // must not leave the role on a pod that is not ready), and a switch from Scaled labels the
  // active pod before the Service selects by that label, so the Service never lacks endpoints.
  std::optional<ApiError> failure;
  if (minitwit.spec.mode == api::Mode::kHotStandby) failure = ManageActivePod(ctx);
  // An HPA no longer wanted goes before fixed replicas return with the Deployment's apply.
  std::optional<ApiError> apply_failure = PruneAutoscaler(ctx);
  if (!apply_failure && !ctx.database_blocked) apply_failure = ApplyChildren(ctx);
  if (!apply_failure) apply_failure = PruneChildren(ctx);
  if (!failure) failure = apply_failure;
  if (minitwit.spec.mode != api::Mode::kHotStandby) ctx.status.active_pod.clear();

  if (!ctx.expose_unavailable.empty()) {
    const Json* degraded = FindCondition(ctx.minitwit.status.conditions, kConditionDegraded);
    if (!degraded || degraded->value("reason", "") != kReasonGatewayApiMissing) {
      RecordEvent(ctx, kEventTypeWarning, kEventGatewayApiMissing, ctx.expose_unavailable);
    }
  }
  ComputeStatus(ctx);
  RecordMetrics(ctx);
  if (std::optional<ApiError> error = WriteStatus(ctx, ctx.status)) {
    if (!failure) failure = error;
  }
  if (failure) return {ReconcileResult::Kind::kError, {}, ErrorText(*failure)};

  if (ctx.database_blocked) return {ReconcileResult::Kind::kRequeueAfter, options_.secret_retry_interval, {}};
  if (!ctx.expose_unavailable.empty()) {
    return {ReconcileResult::Kind::kRequeueAfter, options_.gateway_retry_interval, {}};
  }
  if (minitwit.spec.mode == api::Mode::kHotStandby) {
    return {ReconcileResult::Kind::kRequeueAfter, options_.failover_check_interval, {}};
  }
  if (!ctx.rollout_complete && !ctx.deadline_exceeded) {
    return {ReconcileResult::Kind::kRequeueAfter, options_.rollout_check_interval, {}};
  }
  return {ReconcileResult::Kind::kDone, {}, {}};
}

}  // namespace minitwit::controller
