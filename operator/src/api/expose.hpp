#pragma once

// spec.expose: how the app is reached from outside the cluster: an Ingress, or a Gateway API
// HTTPRoute (applied only where the cluster serves gateway.networking.k8s.io/v1).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace minitwit::api {

inline constexpr char kDefaultIngressPath[] = "/";
inline constexpr char kDefaultIngressPathType[] = "Prefix";

struct IngressExpose {
  std::string host;                 // required; "*.example.com" allowed, as in Ingress rules
  std::string path = kDefaultIngressPath;
  std::string path_type = kDefaultIngressPathType;  // Prefix | Exact | ImplementationSpecific
  std::string class_name;           // spec.ingressClassName; "" = the cluster's default class
  std::string tls_secret_name;      // "" = no TLS section
  std::map<std::string, std::string> annotations;  // on the Ingress (controller settings)
};

// gateway.networking.k8s.io/v1 ParentReference to a Gateway (group and kind are Gateway's).
struct GatewayRef {
  std::string name;
  std::string ns;            // "" = the MiniTwit's namespace
  std::string section_name;  // "" = every listener
};

struct HttpRouteExpose {
  std::vector<GatewayRef> parent_refs;  // at least one
  std::vector<std::string> hostnames;   // empty = the Gateway listeners' hosts
  std::string path = kDefaultIngressPath;  // a PathPrefix match
};

// Exactly one of the two.
struct Expose {
  std::optional<IngressExpose> ingress;
  std::optional<HttpRouteExpose> http_route;
};

// Reads spec.expose; throws FieldError on wrong JSON types.
Expose ReadExpose(const nlohmann::json& expose, const std::string& path);
nlohmann::json ExposeToJson(const Expose& expose);
void ValidateExpose(const Expose& expose, const std::string& path, std::vector<std::string>& errors);

}  // namespace minitwit::api
