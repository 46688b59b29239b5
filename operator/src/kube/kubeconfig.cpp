#include "kube/kubeconfig.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace minitwit::kube {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Resolve(const std::string& path, const std::string& base_dir) {
  std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / p).string();
}

std::string Trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

// Finds the entry named `name` in a list of {name, <field>} maps and returns its <field>.
// (A default-constructed YAML::Node is a defined null node, hence the optional.)
std::optional<YAML::Node> FindNamed(const YAML::Node& list, const std::string& name, const char* field) {
  if (!list || !list.IsSequence()) return std::nullopt;
  for (const auto& entry : list) {
    if (entry["name"] && entry["name"].as<std::string>() == name && entry[field] && entry[field].IsMap()) {
      return entry[field];
    }
  }
  return std::nullopt;
}

std::string Scalar(const YAML::Node& node, const char* key) {
  return node && node[key] && node[key].IsScalar() ? node[key].as<std::string>() : std::string();
}

// Fills `pem` from `<key>-data` (base64) or `<key>` (a file path).
std::string LoadPem(const YAML::Node& node, const std::string& key, const std::string& base_dir,
                    std::string& pem) {
  std::string data = Scalar(node, (key + "-data").c_str());
  if (!data.empty()) {
    auto decoded = Base64Decode(data);
    if (!decoded) return key + "-data is not valid base64";
    pem = *decoded;
    return "";
  }
  std::string file = Scalar(node, key.c_str());
  if (file.empty()) return "";
  auto content = ReadFile(Resolve(file, base_dir));
  if (!content) return "cannot read " + key + " file " + Resolve(file, base_dir);
  pem = *content;
  return "";
}

}  // namespace

std::optional<std::string> Base64Decode(const std::string& text) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    int digit;
    if (c >= 'A' && c <= 'Z') digit = c - 'A';
    else if (c >= 'a' && c <= 'z') digit = c - 'a' + 26;
    else if (c >= '0' && c <= '9') digit = c - '0' + 52;
    else if (c == '+' || c == '-') digit = 62;
    else if (c == '/' || c == '_') digit = 63;
    else if (c == '=') break;
    else if (std::isspace(static_cast<unsigned char>(c))) continue;
    else return std::nullopt;
    value = (value << 6) | static_cast<unsigned>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xFFu));
    }
  }
  return out;
}

ConnectionOrError ParseKubeconfig(const std::string& yaml_text, const std::string& base_dir,
                                  const std::string& context) {
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root || !root.IsMap()) return {std::nullopt, "kubeconfig is not a YAML map"};
    std::string context_name = context.empty() ? Scalar(root, "current-context") : context;
    if (context_name.empty()) return {std::nullopt, "kubeconfig has no current-context"};
    auto found_context = FindNamed(root["contexts"], context_name, "context");
    if (!found_context) return {std::nullopt, "kubeconfig has no context named " + context_name};
    const YAML::Node& ctx = *found_context;
    std::string cluster_name = Scalar(ctx, "cluster");
    std::string user_name = Scalar(ctx, "user");
    auto found_cluster = FindNamed(root["clusters"], cluster_name, "cluster");
    if (!found_cluster) return {std::nullopt, "kubeconfig has no cluster named " + cluster_name};
    const YAML::Node& cluster = *found_cluster;

    ClusterConnection connection;
    connection.server = Scalar(cluster, "server");
    while (!connection.server.empty() && connection.server.back() == '/') connection.server.pop_back();
    if (connection.server.empty()) return {std::nullopt, "cluster " + cluster_name + " has no server"};
    connection.insecure_skip_tls_verify = Scalar(cluster, "insecure-skip-tls-verify") == "true";
    if (auto error = LoadPem(cluster, "certificate-authority", base_dir, connection.ca_pem); !error.empty()) {
      return {std::nullopt, error};
    }
    if (std::string ns = Scalar(ctx, "namespace"); !ns.empty()) connection.default_namespace = ns;

    if (auto found_user = FindNamed(root["users"], user_name, "user")) {
      const YAML::Node& user = *found_user;
      if (user["exec"] || user["auth-provider"]) {
        return {std::nullopt, "user " + user_name + " uses an exec/auth-provider plugin, which is not supported"};
      }
      if (auto error = LoadPem(user, "client-certificate", base_dir, connection.client_cert_pem); !error.empty()) {
        return {std::nullopt, error};
      }
      if (auto error = LoadPem(user, "client-key", base_dir, connection.client_key_pem); !error.empty()) {
        return {std::nullopt, error};
      }
      connection.token = Scalar(user, "token");
      if (std::string file = Scalar(user, "tokenFile"); !file.empty()) connection.token_file = Resolve(file, base_dir);
    }
    if (connection.client_cert_pem.empty() != connection.client_key_pem.empty()) {
      return {std::nullopt, "user " + user_name + " needs both a client certificate and a client key"};
    }
    return {connection, ""};
  } catch (const YAML::Exception& e) {
    return {std::nullopt, std::string("kubeconfig is not valid YAML: ") + e.what()};
  }
}

ConnectionOrError LoadKubeconfig(const std::string& path, const std::string& context) {
  auto text = ReadFile(path);
  if (!text) return {std::nullopt, "cannot read kubeconfig " + path};
  auto result = ParseKubeconfig(*text, std::filesystem::path(path).parent_path().string(), context);
  if (!result.connection) result.error = path + ": " + result.error;
  return result;
}

ConnectionOrError InClusterConnection(const std::string& host, const std::string& port, const std::string& sa_dir) {
  if (host.empty() || port.empty()) {
    return {std::nullopt, "not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no kubeconfig given"};
  }
  ClusterConnection connection;
  // An IPv6 service host needs brackets in a URL.
  connection.server = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  connection.token_file = sa_dir + "/token";
  if (!ReadFile(connection.token_file)) return {std::nullopt, "cannot read " + connection.token_file};
  auto ca = ReadFile(sa_dir + "/ca.crt");
  if (!ca) return {std::nullopt, "cannot read " + sa_dir + "/ca.crt"};
  connection.ca_pem = *ca;
  if (auto ns = ReadFile(sa_dir + "/namespace")) connection.default_namespace = Trim(*ns);
  return {connection, ""};
}

}  // namespace minitwit::kube
