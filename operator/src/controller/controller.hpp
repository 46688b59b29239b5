#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "controller/clock.hpp"
#include "controller/informer.hpp"
#include "controller/reconciler.hpp"
#include "controller/reconciler_interface.hpp"
#include "controller/work_queue.hpp"
#include "kube/kube_client.hpp"
#include "kube/object_cache.hpp"
#include "observability/metrics.hpp"

namespace minitwit::controller {

struct ControllerOptions {
  std::vector<std::string> namespaces;  // empty: all
  int workers = 2;
  std::chrono::seconds resync_period{std::chrono::minutes(10)};
  int watch_timeout_seconds = 300;
  BackoffPolicy backoff;
};

// Whether an update event of `type` can change what Reconcile does. A resync (same
// resourceVersion) always can. Otherwise the change must lie outside what only moves
// status: our own status writes to a MiniTwit, and the status that other controllers keep
// on children whose status the reconciler never reads (Service, PodDisruptionBudget,
// NetworkPolicy, PVC, Secret), come back as watch events that would each cost a reconcile.
// Deployment, StatefulSet and Pod status drive rollouts, database readiness and failover; of
// an HPA's status only its replicas and last scale time count (status.autoscaler).
bool UpdateNeedsReconcile(const kube::ResourceType& type, const kube::Json& old_object, const kube::Json& new_object);

// The cache of one resource type over several namespaces' informers.
class MultiNamespaceCache : public kube::ObjectCache {
 public:
  void Add(const Informer* informer) { informers_.push_back(informer); }
  std::optional<kube::Json> Get(const std::string& ns, const std::string& name) const override;
  std::vector<kube::Json> List(const std::string& ns, const std::map<std::string, std::string>& labels = {}) const override;
  bool HasSynced() const override;

 private:
  std::vector<const Informer*> informers_;
};

// The control loop: informers on MiniTwits and on their children feed "namespace/name"
// keys of MiniTwits into a work queue; N workers call Reconcile on them. Informers run on
// every replica (a standby keeps warm caches); workers only where RunWorkers is called,
// i.e. on the leader.
class Controller {
 public:
  Controller(kube::KubeClient& client, observability::OperatorMetrics& metrics, const Clock& clock,
             ControllerOptions options);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void StartInformers();
  void StopInformers();
  bool HasSynced() const;
  // Waits until every informer has listed once; false when `stop` came first.
  bool WaitForSync(std::stop_token stop) const;
  // The caches the reconciler reads children from.
  ReconcilerCaches Caches() const;

  // Blocks: waits for the caches, then runs the workers until `stop`; shuts the queue down.
  void RunWorkers(Reconciler& reconciler, std::stop_token stop);
  // One worker step, for tests: reconciles the next ready key; false when none was ready.
  bool ProcessNext(Reconciler& reconciler);

  WorkQueue& Queue() { return queue_; }

 private:
  struct TypeInformers {
    kube::ResourceType type;
    bool referenced_secrets = false;  // the metadata-only watch of every Secret, not a cache of children
    std::vector<std::unique_ptr<Informer>> informers;
    MultiNamespaceCache cache;
  };

  void Enqueue(const kube::Json& object, bool is_minitwit);
  // Queues the MiniTwits whose pods read `secret` (see MiniTwitsReadingSecret).
  void EnqueueReaders(const kube::Json& secret);
  void Process(Reconciler& reconciler, const std::string& key);
  const kube::ObjectCache* CacheOf(const kube::ResourceType& type) const;

  observability::OperatorMetrics& metrics_;
  const Clock& clock_;
  ControllerOptions options_;
  WorkQueue queue_;
  std::vector<std::unique_ptr<TypeInformers>> types_;
  std::stop_source informers_stop_;
  std::vector<std::jthread> informer_threads_;
};

// The MiniTwit a child belongs to, as "namespace/name": its controller owner reference of kind
// MiniTwit, else the app.kubernetes.io/instance label when managed-by is the operator.
std::optional<std::string> OwnerKey(const kube::Json& child);

// The "namespace/name" keys of those `minitwits` (one namespace's, as cached) whose spec names
// the Secret `secret_name` for their pods (api::ReferencedSecretKeys).
std::vector<std::string> MiniTwitsReadingSecret(const std::vector<kube::Json>& minitwits, const std::string& secret_name);

}  // namespace minitwit::controller
