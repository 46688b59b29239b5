#include "fake_kube_client.hpp"

#include <sstream>

namespace minitwit::testing {
namespace {

// Deep merge as an approximation of server-side apply: objects merge, everything else replaces.
void DeepMerge(Json& target, const Json& patch) {
  if (!patch.is_object() || !target.is_object()) {
    target = patch;
    return;
  }
  for (const auto& [key, value] : patch.items()) {
    if (value.is_object() && target.contains(key) && target[key].is_object()) {
      DeepMerge(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

Json WithoutMetadataAndStatus(Json object) {
  object.erase("metadata");
  object.erase("status");
  return object;
}

bool MatchesSelector(const Json& object, const std::string& selector) {
  std::stringstream stream(selector);
  std::string term;
  while (std::getline(stream, term, ',')) {
    if (term.empty()) continue;
    const size_t eq = term.find('=');
    const std::string key = term.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : term.substr(eq + 1);
    const Json& labels = object["metadata"].value("labels", Json::object());
    if (!labels.contains(key) || (eq != std::string::npos && labels[key] != value)) return false;
  }
  return true;
}

kube::ApiError NotFound(const std::string& plural, const std::string& name) {
  return {404, "NotFound", plural + " \"" + name + "\" not found"};
}

}  // namespace

std::string FakeKubeClient::Key(const std::string& plural, const std::string& ns, const std::string& name) {
  return plural + "/" + ns + "/" + name;
}

std::optional<kube::ApiError> FakeKubeClient::Record(const std::string& verb, const kube::ResourceType& type,
                                                     const std::string& ns, const std::string& name,
                                                     const std::string& subresource, const Json& body) {
  calls_.push_back({verb, type.plural, ns, name, subresource, body, {}});
  auto it = failures_.find(verb + " " + type.plural);
  if (it == failures_.end()) return std::nullopt;
  kube::ApiError error = it->second;
  failures_.erase(it);
  return error;
}

Json FakeKubeClient::StoreLocked(const kube::ResourceType& type, const std::string& ns, Json object) {
  Json& metadata = object["metadata"];
  if (!ns.empty()) metadata["namespace"] = ns;
  const std::string key = Key(type.plural, ns, metadata.value("name", ""));
  auto existing = objects_.find(key);
  if (existing == objects_.end()) {
    if (!metadata.contains("uid")) metadata["uid"] = "uid-" + metadata.value("name", "") + "-" + type.plural;
    if (!metadata.contains("generation")) metadata["generation"] = 1;
    if (!metadata.contains("creationTimestamp")) metadata["creationTimestamp"] = "2026-01-01T00:00:00Z";
  } else {
    const Json& old = existing->second;
    metadata["uid"] = old["metadata"]["uid"];
    metadata["creationTimestamp"] = old["metadata"]["creationTimestamp"];
    int64_t generation = old["metadata"].value("generation", int64_t{1});
    if (WithoutMetadataAndStatus(old) != WithoutMetadataAndStatus(object)) ++generation;
    metadata["generation"] = generation;
  }
  if (object.contains("apiVersion") == false) object["apiVersion"] = type.ApiVersion();
  if (object.contains("kind") == false) object["kind"] = type.kind;
  metadata["resourceVersion"] = std::to_string(next_resource_version_++);
  objects_[key] = object;
  return object;
}

kube::Result<Json> FakeKubeClient::Get(const kube::ResourceType& type, const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto error = Record("get", type, ns, name, "", nullptr)) return *error;
  auto it = objects_.find(Key(type.plural, ns, name));
  if (it == objects_.end()) return NotFound(type.plural, name);
  return it->second;
}

kube::Result<Json> FakeKubeClient::List(const kube::ResourceType& type, const std::string& ns,
                                        const kube::ListOptions& options) {
  std::lock_guard lock(mutex_);
  if (auto error = Record("list", type, ns, "", "", options.label_selector)) return *error;
  Json items = Json::array();
  for (const auto& [key, object] : objects_) {
    if (key.rfind(type.plural + "/", 0) != 0) continue;
    if (!ns.empty() && object["metadata"].value("namespace", "") != ns) continue;
    if (!MatchesSelector(object, options.label_selector)) continue;
    items.push_back(object);
  }
  return Json{{"apiVersion", type.ApiVersion()},
              {"kind", type.kind + "List"},
              {"metadata", {{"resourceVersion", std::to_string(next_resource_version_)}}},
              {"items", items}};
}

kube::Result<Json> FakeKubeClient::Create(const kube::ResourceType& type, const std::string& ns, const Json& object) {
  std::lock_guard lock(mutex_);
  const std::string name = object["metadata"].value("name", "");
  if (auto error = Record("create", type, ns, name, "", object)) return *error;
  if (objects_.contains(Key(type.plural, ns, name))) {
    return kube::ApiError{409, "AlreadyExists", type.plural + " \"" + name + "\" already exists"};
  }
  return StoreLocked(type, ns, object);
}

kube::Result<Json> FakeKubeClient::Replace(const kube::ResourceType& type, const std::string& ns,
                                           const std::string& name, const Json& object,
                                           const std::string& subresource) {
  std::lock_guard lock(mutex_);
  if (auto error = Record("replace", type, ns, name, subresource, object)) return *error;
  auto it = objects_.find(Key(type.plural, ns, name));
  if (it == objects_.end()) return NotFound(type.plural, name);
  Json updated = object;
  if (subresource == "status") {
    updated = it->second;
    updated["status"] = object.value("status", Json::object());
  } else if (it->second.contains("status")) {
    updated["status"] = it->second["status"];
  }
  return StoreLocked(type, ns, updated);
}

kube::Result<Json> FakeKubeClient::Patch(const kube::ResourceType& type, const std::string& ns,
                                         const std::string& name, const Json& patch, kube::PatchType patch_type,
                                         const std::string& subresource) {
  std::lock_guard lock(mutex_);
  if (auto error = Record("patch", type, ns, name, subresource, patch)) return *error;
  auto it = objects_.find(Key(type.plural, ns, name));
  if (it == objects_.end()) return NotFound(type.plural, name);
  Json updated = it->second;
  if (patch_type == kube::PatchType::kJson) {
    updated = updated.patch(patch);
  } else {
    updated.merge_patch(patch);
  }
  return StoreLocked(type, ns, updated);
}

kube::Result<Json> FakeKubeClient::Apply(const kube::ResourceType& type, const std::string& ns,
                                         const std::string& name, const Json& object,
                                         const std::string& field_manager, const std::string& subresource) {
  std::lock_guard lock(mutex_);
  if (auto error = Record("apply", type, ns, name, subresource, object)) return *error;
  calls_.back().field_manager = field_manager;
  auto it = objects_.find(Key(type.plural, ns, name));
  // As the API server: a resourceVersion in the request is a precondition.
  if (const std::string version = object["metadata"].value("resourceVersion", ""); !version.empty()) {
    if (it == objects_.end() || it->second["metadata"].value("resourceVersion", "") != version) {
      return kube::ApiError{409, "Conflict", "the object has been modified; please apply your changes to the latest version"};
    }
  }
  if (subresource == "status") {
    if (it == objects_.end()) return NotFound(type.plural, name);
    Json updated = it->second;
    updated["status"] = object.value("status", Json::object());
    return StoreLocked(type, ns, updated);
  }
  Json updated = it == objects_.end() ? Json::object() : it->second;
  Json body = object;
  body.erase("status");
  DeepMerge(updated, body);
  return StoreLocked(type, ns, updated);
}

kube::Status FakeKubeClient::Delete(const kube::ResourceType& type, const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto error = Record("delete", type, ns, name, "", nullptr)) return *error;
  if (objects_.erase(Key(type.plural, ns, name)) == 0) return NotFound(type.plural, name);
  return kube::Ok();
}

kube::Status FakeKubeClient::Watch(const kube::ResourceType& type, const std::string& ns,
                                   const kube::ListOptions& /*options*/,
                                   const std::function<bool(const kube::WatchEvent&)>& /*on_event*/,
                                   std::stop_token /*stop*/) {
  std::lock_guard lock(mutex_);
  if (auto error = Record("watch", type, ns, "", "", nullptr)) return *error;
  return kube::Ok();
}

void FakeKubeClient::Put(const kube::ResourceType& type, Json object) {
  std::lock_guard lock(mutex_);
  const std::string ns = object["metadata"].value("namespace", "");
  StoreLocked(type, ns, std::move(object));
}

std::optional<Json> FakeKubeClient::Object(const kube::ResourceType& type, const std::string& ns,
                                           const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(Key(type.plural, ns, name));
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<Json> FakeKubeClient::Objects(const kube::ResourceType& type) const {
  std::lock_guard lock(mutex_);
  std::vector<Json> result;
  for (const auto& [key, object] : objects_) {
    if (key.rfind(type.plural + "/", 0) == 0) result.push_back(object);
  }
  return result;
}

void FakeKubeClient::SetStatus(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                               const Json& status) {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(Key(type.plural, ns, name));
  if (it == objects_.end()) return;
  Json updated = it->second;
  if (!updated.contains("status") || !updated["status"].is_object()) updated["status"] = Json::object();
  updated["status"].merge_patch(status);
  StoreLocked(type, ns, updated);
}

void FakeKubeClient::FailNext(const std::string& verb, const std::string& plural, kube::ApiError error) {
  std::lock_guard lock(mutex_);
  failures_[verb + " " + plural] = std::move(error);
}

std::vector<FakeKubeClient::Call> FakeKubeClient::Calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<FakeKubeClient::Call> FakeKubeClient::CallsOf(const std::string& verb, const std::string& plural) const {
  std::lock_guard lock(mutex_);
  std::vector<Call> result;
  for (const Call& call : calls_) {
    if (call.verb == verb && (plural.empty() || call.plural == plural)) result.push_back(call);
  }
  return result;
}

std::vector<FakeKubeClient::Call> FakeKubeClient::MutatingCalls() const {
  std::lock_guard lock(mutex_);
  std::vector<Call> result;
  for (const Call& call : calls_) {
    if (call.verb != "get" && call.verb != "list" && call.verb != "watch") result.push_back(call);
  }
  return result;
}

void FakeKubeClient::ClearCalls() {
  std::lock_guard lock(mutex_);
  calls_.clear();
}

}  // namespace minitwit::testing
