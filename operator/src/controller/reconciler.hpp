#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/minitwit.hpp"
#include "controller/desired_state.hpp"
#include "controller/reconciler_interface.hpp"
#include "kube/kube_client.hpp"
#include "kube/object_cache.hpp"
#include "observability/metrics.hpp"

namespace minitwit::controller {

// Wall-clock time for condition and event timestamps (the queue's Clock is monotonic).
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemWallClock : public WallClock {
 public:
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now(); }
};

// RFC 3339 in UTC with seconds, as metav1.Time serialises.
std::string FormatTime(std::chrono::system_clock::time_point time);

// Informer caches the reconciler reads from, one per watched kind (api::Kinds()). A kind with no
// cache is read through the client, which is what unit tests with a fake client use. A cache may
// hold only the objects labelled as ours; objects the user owns (the external database Secret)
// are confirmed with a Get.
class ReconcilerCaches {
 public:
  void Set(const kube::ResourceType& type, const kube::ObjectCache* cache) { caches_[Key(type)] = cache; }
  const kube::ObjectCache* For(const kube::ResourceType& type) const {
    auto it = caches_.find(Key(type));
    return it == caches_.end() ? nullptr : it->second;
  }

 private:
  static std::string Key(const kube::ResourceType& type) { return type.group + "/" + type.plural; }
  std::map<std::string, const kube::ObjectCache*> caches_;
};

struct ReconcilerOptions {
  // The server-side apply field manager of every write (--field-manager / FIELD_MANAGER).
  std::string field_manager = kFieldManager;
  // Written into events as reportingInstance (the operator pod's name).
  std::string reporting_instance = kFieldManager;
  // HotStandby: how often the active pod is checked.
  std::chrono::milliseconds failover_check_interval{std::chrono::seconds(1)};
  // While a rollout is in progress: a safety net beside the Deployment watch, whose status
  // events (new replicas, ProgressDeadlineExceeded) drive rollouts. At 5 s, 500 MiniTwits
  // waiting on a busy controller-manager cost 100 reconciles a second.
  std::chrono::milliseconds rollout_check_interval{std::chrono::seconds(30)};
  // While the external database Secret is missing: a safety net beside the watch of referenced Secrets.
  std::chrono::milliseconds secret_retry_interval{std::chrono::seconds(10)};
  // While spec.expose.httpRoute waits for the Gateway API CRDs to be installed.
  std::chrono::milliseconds gateway_retry_interval{std::chrono::seconds(60)};
  // Generates passwords and session secrets; defaults to 32 random bytes in hex.
  std::function<std::string()> generate_secret;
  // Where the per-MiniTwit metrics go (readiness, replicas, rollbacks); none when null.
  observability::OperatorMetrics* metrics = nullptr;
};

// Reconciles one MiniTwit: applies the children that differ from the desired state, tracks
// the rollout (rollback or pause on a missed progress deadline), moves the HotStandby
// active label, and writes status through /status when it changed.
class MiniTwitReconciler : public Reconciler {
 public:
  MiniTwitReconciler(kube::KubeClient& client, const WallClock& clock, ReconcilerCaches caches = {},
                     ReconcilerOptions options = {});

  ReconcileResult Reconcile(const std::string& ns, const std::string& name) override;

 private:
  struct Context;

  kube::Result<std::optional<kube::Json>> Read(const kube::ResourceType& type, const std::string& ns,
                                               const std::string& name) const;
  // Like Read, but a cache miss is confirmed with a Get: a generated secret must never be
  // generated twice just because the informer has not seen the first one yet.
  kube::Result<std::optional<kube::Json>> ReadConfirmed(const kube::ResourceType& type, const std::string& ns,
                                                        const std::string& name) const;
  kube::Result<std::vector<kube::Json>> ListPods(const std::string& ns,
                                                 const std::map<std::string, std::string>& labels) const;
  const kube::ObjectCache* CacheFor(const kube::ResourceType& type) const;
  // Read-your-writes for the MiniTwit: once this reconciler wrote a status, a cached copy older
  // than that write is replaced by a Get, so no decision rests on status it already changed
  // (failedImage, activePod). Costs one Get per write the informer has not delivered yet.
  kube::Result<std::optional<kube::Json>> ReadMiniTwit(const std::string& ns, const std::string& name,
                                                       const std::string& key);
  void RememberStatusWrite(const std::string& key, const std::string& resource_version);

  std::optional<ReconcileResult> ResolveInputs(Context& ctx);
  void TrackRollout(Context& ctx);
  std::optional<kube::ApiError> ApplyChildren(Context& ctx);
  // Records an apply that could not be made (event once, and for the Degraded condition).
  kube::ApiError ApplyFailed(Context& ctx, const char* reason, const std::string& message, kube::ApiError error);
  // Sets a new autoscaled Deployment's replicas to minReplicas under the bootstrap field manager.
  std::optional<kube::ApiError> BootstrapReplicas(Context& ctx, const std::string& name);
  // Before a live Deployment becomes autoscaled: gives spec.replicas a second owner so that
  // the main apply, which stops sending it, does not reset it.
  std::optional<kube::ApiError> HandOverReplicas(Context& ctx, const std::string& name);
  std::optional<kube::ApiError> ApplyBootstrapReplicas(Context& ctx, const std::string& name, int64_t replicas,
                                                       const std::string& resource_version);
  // Deletes the HPA when autoscaling is off, before the Deployment gets spec.replicas back.
  std::optional<kube::ApiError> PruneAutoscaler(Context& ctx);
  std::optional<kube::ApiError> PruneChildren(Context& ctx);
  std::optional<kube::ApiError> ManageActivePod(Context& ctx);
  void ComputeStatus(Context& ctx);
  // Exports the status just computed as the per-MiniTwit metrics (reconcile_metrics.cpp).
  void RecordMetrics(const Context& ctx);
  void ForgetMetrics(const std::string& ns, const std::string& name);
  std::optional<kube::ApiError> WriteStatus(Context& ctx, const api::MiniTwitStatus& status);
  void RecordEvent(Context& ctx, const char* type, const char* reason, const std::string& message);
  std::string Now() const;

  kube::KubeClient& client_;
  const WallClock& clock_;
  ReconcilerCaches caches_;
  ReconcilerOptions options_;
  std::atomic<uint64_t> event_counter_{0};
  std::mutex written_mutex_;
  std::map<std::string, std::string> written_versions_;  // key -> resourceVersion to read at least
  // HTTPRoutes are not cached: the generation of each MiniTwit (by key) last found without a
  // leftover HTTPRoute of its own, so that the GET is paid once per generation, not per reconcile.
  std::mutex route_mutex_;
  std::map<std::string, int64_t> route_checked_generation_;
};

}  // namespace minitwit::controller
