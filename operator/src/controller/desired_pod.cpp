// spec.pod on the pod templates the operator builds, and the digest of the Secret values the
// app's pods read (the restart-on-rotation annotation).
#include <openssl/evp.h>

#include <cstdio>

#include "controller/desired_state.hpp"

namespace minitwit::controller {

void ApplyPodSettings(const api::MiniTwit& minitwit, PodRole role, Json& pod_template) {
  const api::PodSettings& pod = minitwit.spec.pod;
  Json& spec = pod_template["spec"];
  if (!pod.image_pull_secrets.empty()) {
    spec["imagePullSecrets"] = Json::array();
    for (const std::string& name : pod.image_pull_secrets) spec["imagePullSecrets"].push_back({{"name", name}});
  }
  if (!pod.node_selector.empty()) spec["nodeSelector"] = pod.node_selector;
  if (!pod.tolerations.empty()) spec["tolerations"] = pod.tolerations;
  if (!pod.affinity.empty()) spec["affinity"] = pod.affinity;
  if (role == PodRole::kDatabase) return;

  if (!pod.topology_spread_constraints.empty()) {
    Json constraints = pod.topology_spread_constraints;
    for (Json& constraint : constraints) {
      // Without a selector a constraint counts no pod: spread the app's own pods.
      if (!constraint.contains("labelSelector")) {
        constraint["labelSelector"] = {{"matchLabels", AppSelectorLabels(minitwit)}};
      }
    }
    spec["topologySpreadConstraints"] = constraints;
  }
  for (const auto& [key, value] : pod.annotations) pod_template["metadata"]["annotations"][key] = value;
  for (const auto& [key, value] : pod.labels) pod_template["metadata"]["labels"][key] = value;
  if (!pod.extra_env.empty()) {
    for (Json& container : spec["containers"]) {
      if (container.value("name", "") != "minitwit") continue;
      for (const Json& env : pod.extra_env) container["env"].push_back(env);
    }
  }
}

std::string SecretsHash(const std::vector<std::pair<api::SecretKeyRef, std::string>>& values) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  // Length-prefixed fields, so that no two different lists hash alike.
  auto add = [context](const std::string& field) {
    const std::string length = std::to_string(field.size()) + ":";
    EVP_DigestUpdate(context, length.data(), length.size());
    EVP_DigestUpdate(context, field.data(), field.size());
  };
  for (const auto& [ref, value] : values) {
    add(ref.name);
    add(ref.key);
    add(value);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context, digest, &size);
  EVP_MD_CTX_free(context);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < size && i < 16; ++i) {  // 128 bits tell changes apart
    std::snprintf(byte, sizeof(byte), "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace minitwit::controller
