#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace minitwit::config {

// Everything the operator binary is configured with: defaults, then environment (set by the
// Helm chart), then flags. Validated by ParseConfig; passed around by const reference.
struct Config {
  // Where the API server is: a kubeconfig file, else the in-cluster service account.
  std::string kubeconfig;
  std::string kube_context;
  std::string in_cluster_host;  // KUBERNETES_SERVICE_HOST
  std::string in_cluster_port;  // KUBERNETES_SERVICE_PORT
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

  std::vector<std::string> namespaces;  // empty: all namespaces
  int workers = 8;  // reconciles wait on the API server, not the CPU
  std::chrono::seconds resync_period{std::chrono::minutes(10)};
  std::string field_manager = "minitwit-operator";

  bool leader_elect = false;  // default: true when running in a cluster
  std::string leader_election_namespace;
  std::string leader_election_id = "minitwit-operator-leader";
  std::chrono::milliseconds lease_duration{std::chrono::seconds(15)};
  std::chrono::milliseconds renew_deadline{std::chrono::seconds(10)};
  std::chrono::milliseconds retry_period{std::chrono::seconds(2)};
  std::string identity;  // POD_NAME or hostname, plus "_" and the pid

  std::string metrics_bind_address = ":8080";
  std::string health_probe_bind_address;  // empty or equal: served by the metrics server
  std::string log_level = "info";

  bool InCluster() const { return kubeconfig.empty(); }
};

struct ConfigOrError {
  std::optional<Config> config;
  std::string error;  // set when config is empty; "help" text when help was asked for
  bool help = false;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// `args` excludes argv[0]. `env` looks a variable up (std::getenv in main, a map in tests);
// `hostname` and `pid` make the default leader-election identity.
ConfigOrError ParseConfig(const std::vector<std::string>& args, const EnvLookup& env, const std::string& hostname,
                          long pid);

// The process environment, for main.
EnvLookup ProcessEnvironment();

std::string Usage();

// "15s", "500ms", "2m", "1h", "1m30s" or plain seconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);

}  // namespace minitwit::config
