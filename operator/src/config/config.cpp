#include "config/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace minitwit::config {
namespace {

// Flags and the environment variables that set them when the flag is absent.
const std::map<std::string, std::string> kFlagEnv = {
    {"kubeconfig", "KUBECONFIG"},
    {"context", "KUBE_CONTEXT"},
    {"namespaces", "WATCH_NAMESPACES"},
    {"workers", "WORKERS"},
    {"resync-period", "RESYNC_PERIOD"},
    {"field-manager", "FIELD_MANAGER"},
    {"leader-elect", "LEADER_ELECT"},
    {"leader-election-namespace", "LEADER_ELECTION_NAMESPACE"},
    {"leader-election-id", "LEADER_ELECTION_ID"},
    {"lease-duration", "LEASE_DURATION"},
    {"renew-deadline", "RENEW_DEADLINE"},
    {"retry-period", "RETRY_PERIOD"},
    {"metrics-bind-address", "METRICS_BIND_ADDRESS"},
    {"health-probe-bind-address", "HEALTH_PROBE_BIND_ADDRESS"},
    {"log-level", "LOG_LEVEL"},
};

std::string Trim(const std::string& text) {
  auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(start, end - start + 1);
}

std::optional<bool> ParseBool(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  return std::nullopt;
}

bool ValidBindAddress(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  return std::stoi(port) <= 65535;
}

bool ValidDnsLabel(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return name.front() != '-' && name.back() != '-';
}

ConfigOrError Fail(std::string error) { return {std::nullopt, std::move(error), false}; }

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stoll(text));
  }
  std::chrono::milliseconds total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 9) return std::nullopt;
    long long value = std::stoll(text.substr(start, i - start));
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(unit_start, i - unit_start);
    if (unit == "ms") total += std::chrono::milliseconds(value);
    else if (unit == "s") total += std::chrono::seconds(value);
    else if (unit == "m") total += std::chrono::minutes(value);
    else if (unit == "h") total += std::chrono::hours(value);
    else return std::nullopt;
  }
  return total;
}

std::string Usage() {
  return R"(Usage: minitwit-operator [flags]

Flags (each also read from the environment variable in brackets; a flag wins):
  --kubeconfig PATH                 kubeconfig file [KUBECONFIG]; default: in-cluster service account
  --context NAME                    kubeconfig context [KUBE_CONTEXT]; default: current-context
  --namespaces a,b                  namespaces to watch [WATCH_NAMESPACES]; default: all
  --workers N                       concurrent reconciles, 1..64 [WORKERS]; default 8
  --resync-period DURATION          re-reconcile every object this often [RESYNC_PERIOD]; default 10m, 0 = off
  --field-manager NAME              server-side apply field manager [FIELD_MANAGER]; default minitwit-operator
  --leader-elect[=BOOL]             elect a leader through a Lease [LEADER_ELECT]; default true in a cluster
  --leader-election-namespace NS    namespace of the Lease [LEADER_ELECTION_NAMESPACE]; default: own namespace
  --leader-election-id NAME         name of the Lease [LEADER_ELECTION_ID]; default minitwit-operator-leader
  --lease-duration DURATION         [LEASE_DURATION]; default 15s
  --renew-deadline DURATION         [RENEW_DEADLINE]; default 10s
  --retry-period DURATION           [RETRY_PERIOD]; default 2s
  --metrics-bind-address HOST:PORT  /metrics, /healthz, /readyz [METRICS_BIND_ADDRESS]; default :8080, :0 = any free port
  --health-probe-bind-address HOST:PORT  a separate /healthz /readyz server [HEALTH_PROBE_BIND_ADDRESS]; default: the metrics server
  --log-level LEVEL                 trace|debug|info|warn|error [LOG_LEVEL]; default info
  --help                            this text
)";
}

ConfigOrError ParseConfig(const std::vector<std::string>& args, const EnvLookup& env, const std::string& hostname,
                          long pid) {
  std::map<std::string, std::string> values;
  for (const auto& [flag, variable] : kFlagEnv) {
    if (auto value = env(variable); value && !value->empty()) values[flag] = *value;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") return {std::nullopt, Usage(), true};
    if (arg.rfind("--", 0) != 0) return Fail("unexpected argument " + arg);
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (!kFlagEnv.contains(name)) return Fail("unknown flag --" + name);
    if (!value) {
      if (name == "leader-elect") {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Fail("flag --" + name + " needs a value");
      }
    }
    values[name] = *value;
  }

  Config config;
  config.in_cluster_host = env("KUBERNETES_SERVICE_HOST").value_or("");
  config.in_cluster_port = env("KUBERNETES_SERVICE_PORT").value_or("");
  if (values.contains("kubeconfig")) {
    // KUBECONFIG may be a colon-separated list; the first file is used.
    std::string path = values["kubeconfig"];
    config.kubeconfig = path.substr(0, path.find(':'));
  }
  if (values.contains("context")) config.kube_context = values["context"];

  if (values.contains("namespaces")) {
    std::stringstream list(values["namespaces"]);
    std::string ns;
    while (std::getline(list, ns, ',')) {
      ns = Trim(ns);
      if (ns.empty()) continue;
      if (!ValidDnsLabel(ns)) return Fail("--namespaces: invalid namespace name \"" + ns + "\"");
      config.namespaces.push_back(ns);
    }
  }
  if (values.contains("workers")) {
    const std::string& text = values["workers"];
    if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos) {
      return Fail("--workers must be a number from 1 to 64, got \"" + text + "\"");
    }
    config.workers = std::stoi(text);
    if (config.workers < 1 || config.workers > 64) return Fail("--workers must be from 1 to 64, got " + text);
  }
  auto duration = [&](const char* flag, auto& field) -> std::string {
    if (!values.contains(flag)) return "";
    auto parsed = ParseDuration(values[flag]);
    if (!parsed) return std::string("--") + flag + ": bad duration \"" + values[flag] + "\" (e.g. 15s, 500ms, 2m)";
    field = std::chrono::duration_cast<std::remove_reference_t<decltype(field)>>(*parsed);
    return "";
  };
  for (auto error : {duration("resync-period", config.resync_period), duration("lease-duration", config.lease_duration),
                     duration("renew-deadline", config.renew_deadline), duration("retry-period", config.retry_period)}) {
    if (!error.empty()) return Fail(error);
  }
  if (values.contains("field-manager")) config.field_manager = values["field-manager"];
  if (config.field_manager.empty()) return Fail("--field-manager must not be empty");

  config.leader_elect = config.InCluster();
  if (values.contains("leader-elect")) {
    auto parsed = ParseBool(values["leader-elect"]);
    if (!parsed) return Fail("--leader-elect must be true or false, got \"" + values["leader-elect"] + "\"");
    config.leader_elect = *parsed;
  }
  if (values.contains("leader-election-id")) config.leader_election_id = values["leader-election-id"];
  if (values.contains("leader-election-namespace")) {
    config.leader_election_namespace = values["leader-election-namespace"];
  } else if (auto pod_ns = env("POD_NAMESPACE"); pod_ns && !pod_ns->empty()) {
    config.leader_election_namespace = *pod_ns;
  } else if (std::ifstream file(config.service_account_dir + "/namespace"); config.InCluster() && file) {
    std::getline(file, config.leader_election_namespace);
    config.leader_election_namespace = Trim(config.leader_election_namespace);
  }
  if (config.leader_election_namespace.empty()) config.leader_election_namespace = "default";
  if (config.leader_elect) {
    if (!ValidDnsLabel(config.leader_election_namespace)) {
      return Fail("--leader-election-namespace: invalid namespace \"" + config.leader_election_namespace + "\"");
    }
    if (config.leader_election_id.empty()) return Fail("--leader-election-id must not be empty");
    if (config.retry_period <= std::chrono::milliseconds::zero()) return Fail("--retry-period must be positive");
    if (config.renew_deadline <= config.retry_period) return Fail("--renew-deadline must be longer than --retry-period");
    if (config.lease_duration <= config.renew_deadline) {
      return Fail("--lease-duration must be longer than --renew-deadline");
    }
    if (config.lease_duration % std::chrono::seconds(1) != std::chrono::milliseconds::zero()) {
      return Fail("--lease-duration must be whole seconds (Lease.spec.leaseDurationSeconds)");
    }
  }
  std::string who = env("POD_NAME").value_or("");
  if (who.empty()) who = hostname.empty() ? "minitwit-operator" : hostname;
  config.identity = who + "_" + std::to_string(pid);

  if (values.contains("metrics-bind-address")) config.metrics_bind_address = values["metrics-bind-address"];
  if (!ValidBindAddress(config.metrics_bind_address)) {
    return Fail("--metrics-bind-address must be host:port or :port, got \"" + config.metrics_bind_address + "\"");
  }
  if (values.contains("health-probe-bind-address")) {
    config.health_probe_bind_address = values["health-probe-bind-address"];
    if (!config.health_probe_bind_address.empty() && !ValidBindAddress(config.health_probe_bind_address)) {
      return Fail("--health-probe-bind-address must be host:port or :port, got \"" +
                  config.health_probe_bind_address + "\"");
    }
  }
  if (values.contains("log-level")) config.log_level = values["log-level"];
  static const std::vector<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), config.log_level) == kLevels.end()) {
    return Fail("--log-level must be one of trace, debug, info, warn, error; got \"" + config.log_level + "\"");
  }
  // Last, so that a bad flag is reported as such even outside a cluster.
  if (config.InCluster() && (config.in_cluster_host.empty() || config.in_cluster_port.empty())) {
    return Fail("no --kubeconfig or KUBECONFIG given and not running in a cluster (KUBERNETES_SERVICE_HOST unset)");
  }
  return {config, "", false};
}

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

}  // namespace minitwit::config
