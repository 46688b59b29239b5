#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

namespace minitwit::kube {

using Json = nlohmann::json;

// A REST collection of the Kubernetes API, e.g. {"apps", "v1", "deployments", "Deployment"}.
struct ResourceType {
  std::string group;    // "" for the core group
  std::string version;  // "v1", "v1alpha1"
  std::string plural;   // "deployments"
  std::string kind;     // "Deployment"
  bool namespaced = true;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
};

// An error answered by the API server (status >= 400, with its metav1.Status reason) or by
// the transport (status 0: connection refused, TLS failure, timeout).
struct ApiError {
  int status = 0;
  std::string reason;   // metav1.Status reason: "NotFound", "Conflict", "Expired", "Invalid", ...
  std::string message;  // metav1.Status message, or the transport's error text

  bool IsNotFound() const { return status == 404; }
  bool IsConflict() const { return status == 409; }
  bool IsGone() const { return status == 410; }  // watch/list resourceVersion too old
  bool IsTransport() const { return status == 0; }
};

// A value or an ApiError; adapters catch library exceptions and hand back one of these.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(ApiError error) : error_(std::move(error)) {}   // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const ApiError& error() const { return *error_; }

 private:
  std::optional<T> value_;
  std::optional<ApiError> error_;
};

using Status = Result<std::monostate>;
inline Status Ok() { return Status(std::monostate{}); }

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // for watch: start after this version
  std::string continue_token;
  int limit = 0;                 // 0: no paging
  int timeout_seconds = 0;       // watch: server-side timeout; 0: server default
  bool allow_bookmarks = true;   // watch only
  // List and watch PartialObjectMetadata (meta.k8s.io/v1): the server sends each object's
  // apiVersion, kind and metadata only, so no spec, data or status crosses the wire.
  bool metadata_only = false;
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type = Type::kAdded;
  Json object;  // the object; for kError a metav1.Status
};

enum class PatchType { kMerge, kStrategicMerge, kJson };

// The Kubernetes REST API as the operator uses it. Objects are plain JSON as the API server
// serves them. Every call is synchronous and thread-safe; `ns` is "" for cluster-scoped
// resources and, for List/Watch, for all namespaces.
class KubeClient {
 public:
  virtual ~KubeClient() = default;

  virtual Result<Json> Get(const ResourceType& type, const std::string& ns, const std::string& name) = 0;
  // Returns the List object as served: "items" plus "metadata.resourceVersion"/"continue".
  virtual Result<Json> List(const ResourceType& type, const std::string& ns, const ListOptions& options) = 0;
  virtual Result<Json> Create(const ResourceType& type, const std::string& ns, const Json& object) = 0;
  // PUT of a whole object (optimistic concurrency on metadata.resourceVersion); `subresource`
  // is "" or e.g. "status".
  virtual Result<Json> Replace(const ResourceType& type, const std::string& ns, const std::string& name,
                               const Json& object, const std::string& subresource = "") = 0;
  virtual Result<Json> Patch(const ResourceType& type, const std::string& ns, const std::string& name,
                             const Json& patch, PatchType patch_type, const std::string& subresource = "") = 0;
  // Server-side apply: PATCH with application/apply-patch+yaml, ?fieldManager=...&force=true.
  virtual Result<Json> Apply(const ResourceType& type, const std::string& ns, const std::string& name,
                             const Json& object, const std::string& field_manager,
                             const std::string& subresource = "") = 0;
  // Deletes with propagationPolicy=Background. A missing object is NotFound, not success.
  virtual Status Delete(const ResourceType& type, const std::string& ns, const std::string& name) = 0;
  // Streams watch events to `on_event` until the server ends the stream (ok), `on_event`
  // returns false (ok), `stop` is requested (ok), or an error occurs. A 410 Gone, whether as
  // an HTTP status or as an ERROR event, comes back as an ApiError with status 410.
  virtual Status Watch(const ResourceType& type, const std::string& ns, const ListOptions& options,
                       const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) = 0;
};

}  // namespace minitwit::kube
