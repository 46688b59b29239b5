#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kube/kube_client.hpp"

namespace minitwit::testing {

using kube::Json;
template <typename T>
using Result = kube::Result<T>;

// An in-memory KubeClient for unit tests of reconcile decisions. It records every call,
// stores objects by type/namespace/name, approximates server-side apply with a deep merge
// (objects merged, lists replaced), bumps metadata.generation when anything outside
// metadata and status changes, refuses an apply whose resourceVersion is not the stored one
// (409), and can fail chosen calls. It is no API server: no
// validation, defaulting, admission, garbage collection or field ownership.
class FakeKubeClient : public kube::KubeClient {
 public:
  struct Call {
    std::string verb;  // get, list, create, replace, patch, apply, delete, watch
    std::string plural;
    std::string ns;
    std::string name;
    std::string subresource;
    Json body;
    std::string field_manager;  // apply only
  };

  Result<Json> Get(const kube::ResourceType& type, const std::string& ns, const std::string& name) override;
  Result<Json> List(const kube::ResourceType& type, const std::string& ns, const kube::ListOptions& options) override;
  Result<Json> Create(const kube::ResourceType& type, const std::string& ns, const Json& object) override;
  Result<Json> Replace(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                       const Json& object, const std::string& subresource = "") override;
  Result<Json> Patch(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                     const Json& patch, kube::PatchType patch_type, const std::string& subresource = "") override;
  Result<Json> Apply(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                     const Json& object, const std::string& field_manager,
                     const std::string& subresource = "") override;
  kube::Status Delete(const kube::ResourceType& type, const std::string& ns, const std::string& name) override;
  kube::Status Watch(const kube::ResourceType& type, const std::string& ns, const kube::ListOptions& options,
                     const std::function<bool(const kube::WatchEvent&)>& on_event, std::stop_token stop) override;

  // Test setup and inspection; none of these is recorded as a call.
  void Put(const kube::ResourceType& type, Json object);
  std::optional<Json> Object(const kube::ResourceType& type, const std::string& ns, const std::string& name) const;
  std::vector<Json> Objects(const kube::ResourceType& type) const;
  // Merges `status` into the stored object's status.
  void SetStatus(const kube::ResourceType& type, const std::string& ns, const std::string& name, const Json& status);
  // The next call of `verb` on `plural` fails with `error`.
  void FailNext(const std::string& verb, const std::string& plural, kube::ApiError error);

  std::vector<Call> Calls() const;
  std::vector<Call> CallsOf(const std::string& verb, const std::string& plural = "") const;
  // create, replace, patch, apply and delete calls.
  std::vector<Call> MutatingCalls() const;
  void ClearCalls();

 private:
  static std::string Key(const std::string& plural, const std::string& ns, const std::string& name);
  std::optional<kube::ApiError> Record(const std::string& verb, const kube::ResourceType& type, const std::string& ns,
                                       const std::string& name, const std::string& subresource, const Json& body);
  Json StoreLocked(const kube::ResourceType& type, const std::string& ns, Json object);

  mutable std::mutex mutex_;
  std::map<std::string, Json> objects_;
  std::vector<Call> calls_;
  std::map<std::string, kube::ApiError> failures_;  // verb + " " + plural
  int64_t next_resource_version_ = 1;
};

}  // namespace minitwit::testing
