#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace minitwit::kube {

// How to reach and authenticate to one API server. Certificates are PEM text, loaded into
// the TLS context from memory, so base64 data from a kubeconfig never touches the disk.
struct ClusterConnection {
  std::string server;  // "https://host:port", no trailing slash
  std::string ca_pem;  // empty: system trust store
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;       // bearer token, used when token_file is empty
  std::string token_file;  // re-read whenever it changes (bound service-account tokens rotate)
  bool insecure_skip_tls_verify = false;
  std::string default_namespace = "default";
  // Per request (a watch's is its timeoutSeconds plus a margin). Leader election uses a
  // client with a short one so that a hung API server cannot outlast the renew deadline.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
};

struct ConnectionOrError {
  std::optional<ClusterConnection> connection;
  std::string error;
};

// Reads a kubeconfig file: the named context or current-context, its cluster (server,
// certificate-authority[-data], insecure-skip-tls-verify) and user (client-certificate[-data],
// client-key[-data], token, tokenFile). Relative file paths are resolved against the file's
// directory. Exec and auth-provider plugins are not supported.
ConnectionOrError LoadKubeconfig(const std::string& path, const std::string& context = "");
ConnectionOrError ParseKubeconfig(const std::string& yaml_text, const std::string& base_dir,
                                  const std::string& context = "");

// The pod's service account: https://host:port with token, ca.crt and namespace from `sa_dir`.
ConnectionOrError InClusterConnection(const std::string& host, const std::string& port,
                                      const std::string& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// Standard base64 (padding optional, whitespace ignored); nullopt on a bad character.
std::optional<std::string> Base64Decode(const std::string& text);

}  // namespace minitwit::kube
