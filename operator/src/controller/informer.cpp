#include "controller/informer.hpp"

#include <thread>

#include <spdlog/spdlog.h>

#include "controller/clock.hpp"

namespace minitwit::controller {
namespace {

std::string CacheKey(const std::string& ns, const std::string& name) { return ns.empty() ? name : ns + "/" + name; }

bool HasLabels(const kube::Json& object, const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return true;
  const auto metadata = object.find("metadata");
  if (metadata == object.end()) return false;
  const auto object_labels = metadata->find("labels");
  if (object_labels == metadata->end() || !object_labels->is_object()) return false;
  for (const auto& [key, value] : labels) {
    auto it = object_labels->find(key);
    if (it == object_labels->end() || !it->is_string() || it->get<std::string>() != value) return false;
  }
  return true;
}

// Drops what no reader of the cache uses but can be most of an object's size: the field
// ownership record (server-side apply keeps ownership on the server) and kubectl's copy of
// the last applied object.
void StripForCache(kube::Json& object, bool metadata_only) {
  if (metadata_only && object.is_object()) {
    for (auto it = object.begin(); it != object.end();) {
      const std::string& key = it.key();
      it = key == "apiVersion" || key == "kind" || key == "metadata" ? std::next(it) : object.erase(it);
    }
  }
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return;
  metadata->erase("managedFields");
  auto annotations = metadata->find("annotations");
  if (annotations != metadata->end() && annotations->is_object()) {
    annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
    if (annotations->empty()) metadata->erase(annotations);
  }
}

}  // namespace

std::string MetadataString(const kube::Json& object, const char* field) {
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return "";
  auto value = metadata->find(field);
  return value != metadata->end() && value->is_string() ? value->get<std::string>() : "";
}

std::string ObjectKey(const kube::Json& object) { return CacheKey(MetadataString(object, "namespace"), MetadataString(object, "name")); }

Informer::Informer(kube::KubeClient& client, observability::OperatorMetrics& metrics, InformerOptions options)
    : client_(client), metrics_(metrics), options_(std::move(options)) {}

void Informer::AddHandlers(InformerHandlers handlers) { handlers_.push_back(std::move(handlers)); }

std::string Informer::Resource() const {
  return options_.ns.empty() ? options_.type.plural : options_.type.plural + "@" + options_.ns;
}

kube::Result<std::pair<std::vector<kube::Json>, std::string>> Informer::ListAll() {
  kube::ListOptions list_options;
  list_options.label_selector = options_.label_selector;
  list_options.limit = options_.page_size;
  list_options.metadata_only = options_.metadata_only;
  std::vector<kube::Json> items;
  while (true) {
    auto page = client_.List(options_.type, options_.ns, list_options);
    if (!page.ok()) {
      // An expired continue token: start over without paging.
      if (page.error().IsGone() && !list_options.continue_token.empty()) {
        list_options.continue_token.clear();
        list_options.limit = 0;
        items.clear();
        continue;
      }
      return page.error();
    }
    kube::Json& list = page.value();
    if (list.contains("items") && list["items"].is_array()) {
      for (auto& item : list["items"]) {
        // Items of a list carry no kind; put it back so handlers see whole objects.
        if (!item.contains("kind")) item["kind"] = options_.type.kind;
        if (!item.contains("apiVersion")) item["apiVersion"] = options_.type.ApiVersion();
        StripForCache(item, options_.metadata_only);
        items.push_back(std::move(item));
      }
    }
    std::string next = list.contains("metadata") ? list["metadata"].value("continue", "") : "";
    if (next.empty()) {
      std::string version = list.contains("metadata") ? list["metadata"].value("resourceVersion", "") : "";
      return std::make_pair(std::move(items), version);
    }
    list_options.continue_token = next;
  }
}

void Informer::Replace(std::vector<kube::Json> items, const std::string& resource_version) {
  std::vector<kube::Json> added;
  std::vector<std::pair<kube::Json, kube::Json>> updated;
  std::vector<kube::Json> deleted;
  {
    std::unique_lock lock(mutex_);
    std::map<std::string, kube::Json> fresh;
    for (auto& item : items) fresh.emplace(ObjectKey(item), std::move(item));
    for (auto& [key, old_object] : objects_) {
      auto it = fresh.find(key);
      if (it == fresh.end()) {
        deleted.push_back(std::move(old_object));
      } else if (MetadataString(old_object, "resourceVersion") != MetadataString(it->second, "resourceVersion")) {
        updated.emplace_back(std::move(old_object), it->second);
      }
    }
    for (const auto& [key, object] : fresh) {
      if (!objects_.contains(key)) added.push_back(object);
    }
    objects_ = std::move(fresh);
    resource_version_ = resource_version;
  }
  ++lists_;
  synced_ = true;
  metrics_.informers_synced.Set({Resource()}, 1);
  for (const auto& handlers : handlers_) {
    for (const auto& object : deleted) if (handlers.on_delete) handlers.on_delete(object);
    for (const auto& [old_object, new_object] : updated) if (handlers.on_update) handlers.on_update(old_object, new_object);
    for (const auto& object : added) if (handlers.on_add) handlers.on_add(object);
  }
}

void Informer::HandleEvent(const kube::WatchEvent& event) {
  std::string version = MetadataString(event.object, "resourceVersion");
  if (event.type == kube::WatchEvent::Type::kBookmark) {
    std::unique_lock lock(mutex_);
    if (!version.empty()) resource_version_ = version;
    return;
  }
  kube::Json object = event.object;
  if (!object.contains("kind")) object["kind"] = options_.type.kind;
  if (!object.contains("apiVersion")) object["apiVersion"] = options_.type.ApiVersion();
  StripForCache(object, options_.metadata_only);
  std::string key = ObjectKey(object);
  std::optional<kube::Json> old_object;
  {
    std::unique_lock lock(mutex_);
    if (!version.empty()) resource_version_ = version;
    auto it = objects_.find(key);
    if (it != objects_.end()) old_object = std::move(it->second);
    if (event.type == kube::WatchEvent::Type::kDeleted) {
      if (it != objects_.end()) objects_.erase(it);
    } else if (it != objects_.end()) {
      it->second = object;
    } else {
      objects_.emplace(key, object);
    }
  }
  for (const auto& handlers : handlers_) {
    if (event.type == kube::WatchEvent::Type::kDeleted) {
      if (handlers.on_delete) handlers.on_delete(object);
    } else if (old_object) {
      if (handlers.on_update) handlers.on_update(*old_object, object);
    } else if (handlers.on_add) {
      handlers.on_add(object);
    }
  }
}

void Informer::Run(std::stop_token stop) {
  std::jthread resync;
  if (options_.resync_period.count() > 0) {
    resync = std::jthread([this, stop] {
      while (SleepFor(options_.resync_period, stop)) {
        if (HasSynced()) Resync();
      }
    });
  }
  auto backoff = options_.initial_backoff;
  auto wait = [&] {
    bool slept = SleepFor(backoff, stop);
    backoff = std::min(backoff * 2, options_.max_backoff);
    return slept;
  };
  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      auto listed = ListAll();
      if (!listed.ok()) {
        spdlog::warn("informer {}: list failed ({} {}): {}; retrying in {} ms", Resource(), listed.error().status,
                     listed.error().reason, listed.error().message, backoff.count());
        if (!wait()) break;
        continue;
      }
      Replace(std::move(listed.value().first), listed.value().second);
      spdlog::debug("informer {}: listed at resourceVersion {}", Resource(), LastResourceVersion());
      need_list = false;
      backoff = options_.initial_backoff;
    }
    kube::ListOptions watch_options;
    watch_options.label_selector = options_.label_selector;
    watch_options.metadata_only = options_.metadata_only;
    watch_options.resource_version = LastResourceVersion();
    watch_options.timeout_seconds = options_.watch_timeout_seconds;
    watch_options.allow_bookmarks = true;
    bool got_event = false;
    auto status = client_.Watch(
        options_.type, options_.ns, watch_options,
        [&](const kube::WatchEvent& event) {
          got_event = true;
          HandleEvent(event);
          return !stop.stop_requested();
        },
        stop);
    if (stop.stop_requested()) break;
    if (status.ok()) {  // the server ended the watch (timeoutSeconds); resume from where it was
      backoff = options_.initial_backoff;
      continue;
    }
    if (status.error().IsGone()) {
      metrics_.watch_restarts.Add({Resource(), "expired"});
      spdlog::info("informer {}: resourceVersion {} expired, re-listing", Resource(), watch_options.resource_version);
      need_list = true;
      continue;
    }
    metrics_.watch_restarts.Add({Resource(), "error"});
    if (got_event) backoff = options_.initial_backoff;
    spdlog::warn("informer {}: watch failed ({} {}): {}; re-watching in {} ms", Resource(), status.error().status,
                 status.error().reason, status.error().message, backoff.count());
    if (!wait()) break;
  }
}

void Informer::Resync() {
  std::vector<kube::Json> objects;
  {
    std::shared_lock lock(mutex_);
    objects.reserve(objects_.size());
    for (const auto& [key, object] : objects_) objects.push_back(object);
  }
  for (const auto& handlers : handlers_) {
    if (!handlers.on_update) continue;
    for (const auto& object : objects) handlers.on_update(object, object);
  }
}

std::optional<kube::Json> Informer::Get(const std::string& ns, const std::string& name) const {
  std::shared_lock lock(mutex_);
  auto it = objects_.find(CacheKey(options_.type.namespaced ? ns : "", name));
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<kube::Json> Informer::List(const std::string& ns, const std::map<std::string, std::string>& labels) const {
  std::vector<kube::Json> result;
  std::shared_lock lock(mutex_);
  for (const auto& [key, object] : objects_) {
    if (!ns.empty() && MetadataString(object, "namespace") != ns) continue;
    if (HasLabels(object, labels)) result.push_back(object);
  }
  return result;
}

bool Informer::HasSynced() const { return synced_.load(); }

std::string Informer::LastResourceVersion() const {
  std::shared_lock lock(mutex_);
  return resource_version_;
}

}  // namespace minitwit::controller
