#pragma once

#include <memory>
#include <optional>
#include <string>

#include "kube/kube_client.hpp"
#include "kube/kubeconfig.hpp"
#include "observability/metrics.hpp"

namespace minitwit::kube {

// KubeClient over cpprestsdk's http_client (kept out of this header: its `U` macro breaks
// other libraries). TLS with the cluster CA and an optional client certificate, or a bearer
// token re-read from its file whenever the file changes. Counts requests by verb.
class RestKubeClient : public KubeClient {
 public:
  // Throws std::invalid_argument when the server URL or the PEM material is unusable.
  // `client_name` labels this client's requests in the metrics.
  RestKubeClient(ClusterConnection connection, observability::OperatorMetrics& metrics,
                 std::string client_name = "controller");
  ~RestKubeClient() override;
  RestKubeClient(const RestKubeClient&) = delete;
  RestKubeClient& operator=(const RestKubeClient&) = delete;

  Result<Json> Get(const ResourceType& type, const std::string& ns, const std::string& name) override;
  Result<Json> List(const ResourceType& type, const std::string& ns, const ListOptions& options) override;
  Result<Json> Create(const ResourceType& type, const std::string& ns, const Json& object) override;
  Result<Json> Replace(const ResourceType& type, const std::string& ns, const std::string& name, const Json& object,
                       const std::string& subresource = "") override;
  Result<Json> Patch(const ResourceType& type, const std::string& ns, const std::string& name, const Json& patch,
                     PatchType patch_type, const std::string& subresource = "") override;
  Result<Json> Apply(const ResourceType& type, const std::string& ns, const std::string& name, const Json& object,
                     const std::string& field_manager, const std::string& subresource = "") override;
  Status Delete(const ResourceType& type, const std::string& ns, const std::string& name) override;
  Status Watch(const ResourceType& type, const std::string& ns, const ListOptions& options,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Pure helpers, exposed for tests.
// "/api/v1/namespaces/ns/pods/name/status" or "/apis/group/version/plural" etc.
std::string ResourcePath(const ResourceType& type, const std::string& ns, const std::string& name = "",
                         const std::string& subresource = "");
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string EscapeQueryValue(const std::string& value);
// "?labelSelector=...&limit=..." (empty when no option is set); `watch` adds the watch options.
std::string ListQuery(const ListOptions& options, bool watch);
// An error response (metav1.Status JSON or anything else) as an ApiError.
ApiError DecodeStatus(int http_status, const std::string& body);
// One line of a watch stream; an error for a malformed line. ERROR events stay kError here.
Result<WatchEvent> ParseWatchLine(const std::string& line);

}  // namespace minitwit::kube
