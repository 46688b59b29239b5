#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "kube/kube_client.hpp"
#include "kube/object_cache.hpp"
#include "observability/metrics.hpp"

namespace minitwit::controller {

struct InformerOptions {
  kube::ResourceType type;
  std::string ns;              // "" for all namespaces
  std::string label_selector;  // e.g. "app.kubernetes.io/managed-by=minitwit-operator"
  int page_size = 500;         // 0: one unpaged list
  int watch_timeout_seconds = 300;
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(30)};
  std::chrono::seconds resync_period{0};  // 0: no periodic resync
  // Cache and hand to handlers only apiVersion, kind and metadata (a watch of the user's
  // Secrets needs to know that one changed, never what it holds).
  bool metadata_only = false;
};

// Called outside the cache lock, on the informer's thread.
struct InformerHandlers {
  std::function<void(const kube::Json&)> on_add;
  // Also called with old == new for every cached object on each periodic resync.
  std::function<void(const kube::Json& old_object, const kube::Json& new_object)> on_update;
  std::function<void(const kube::Json&)> on_delete;
};

// Keeps a cache of one resource type current: list, then watch from the list's
// resourceVersion (with bookmarks); re-list on 410 Gone; re-watch with exponential back-off
// when the watch breaks or the API server is away.
class Informer : public kube::ObjectCache {
 public:
  Informer(kube::KubeClient& client, observability::OperatorMetrics& metrics, InformerOptions options);

  // Before Run.
  void AddHandlers(InformerHandlers handlers);
  // Blocks until `stop` is requested.
  void Run(std::stop_token stop);
  // Re-delivers every cached object to on_update (the periodic resync does this).
  void Resync();

  std::optional<kube::Json> Get(const std::string& ns, const std::string& name) const override;
  std::vector<kube::Json> List(const std::string& ns, const std::map<std::string, std::string>& labels = {}) const override;
  bool HasSynced() const override;

  std::string LastResourceVersion() const;
  int ListCount() const { return lists_.load(); }
  const InformerOptions& Options() const { return options_; }

 private:
  // Lists every page; returns the items and the list's resourceVersion.
  kube::Result<std::pair<std::vector<kube::Json>, std::string>> ListAll();
  void Replace(std::vector<kube::Json> items, const std::string& resource_version);
  void HandleEvent(const kube::WatchEvent& event);
  std::string Resource() const;

  kube::KubeClient& client_;
  observability::OperatorMetrics& metrics_;
  InformerOptions options_;
  std::vector<InformerHandlers> handlers_;

  mutable std::shared_mutex mutex_;
  std::map<std::string, kube::Json> objects_;  // "namespace/name" -> object
  std::string resource_version_;
  std::atomic<bool> synced_{false};
  std::atomic<int> lists_{0};
};

// metadata.FIELD when it is a string, else "".
std::string MetadataString(const kube::Json& object, const char* field);

// "namespace/name" (or "name" for cluster-scoped objects) from an object's metadata.
std::string ObjectKey(const kube::Json& object);

}  // namespace minitwit::controller
