#pragma once

// spec.expose: how the app is reached from outside the cluster. An Ingress today; the struct
// leaves room for a Gateway API HTTPRoute beside it.

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

struct Expose {
  std::optional<IngressExpose> ingress;
};

// Reads spec.expose; throws FieldError on wrong JSON types.
Expose ReadExpose(const nlohmann::json& expose, const std::string& path);
nlohmann::json ExposeToJson(const Expose& expose);
void ValidateExpose(const Expose& expose, const std::string& path, std::vector<std::string>& errors);

}  // namespace minitwit::api
