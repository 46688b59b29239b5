#include "api/expose.hpp"

#include "api/spec_reader.hpp"

namespace minitwit::api {
namespace {

using Json = nlohmann::json;

// An Ingress host: a DNS subdomain, optionally with one leading "*." label.
bool IsIngressHost(const std::string& host) {
  const std::string name = host.rfind("*.", 0) == 0 ? host.substr(2) : host;
  return IsDnsSubdomainName(name) && name.find('.') != std::string::npos;
}

}  // namespace

Expose ReadExpose(const Json& expose, const std::string& path) {
  if (!expose.is_object()) throw FieldError(path + " must be an object");
  Expose result;
  if (const Json* ingress = SpecField(expose, "ingress")) {
    const std::string ipath = path + ".ingress";
    if (!ingress->is_object()) throw FieldError(ipath + " must be an object");
    IngressExpose value;
    value.host = SpecString(*ingress, "host", ipath, "");
    value.path = SpecString(*ingress, "path", ipath, kDefaultIngressPath);
    value.path_type = SpecString(*ingress, "pathType", ipath, kDefaultIngressPathType);
    value.class_name = SpecString(*ingress, "ingressClassName", ipath, "");
    value.tls_secret_name = SpecString(*ingress, "tlsSecretName", ipath, "");
    value.annotations = SpecStringMap(*ingress, "annotations", ipath);
    result.ingress = value;
  }
  return result;
}

Json ExposeToJson(const Expose& expose) {
  Json json = Json::object();
  if (expose.ingress) {
    const IngressExpose& i = *expose.ingress;
    json["ingress"] = {{"host", i.host}, {"path", i.path}, {"pathType", i.path_type}};
    if (!i.class_name.empty()) json["ingress"]["ingressClassName"] = i.class_name;
    if (!i.tls_secret_name.empty()) json["ingress"]["tlsSecretName"] = i.tls_secret_name;
    if (!i.annotations.empty()) json["ingress"]["annotations"] = i.annotations;
  }
  return json;
}

void ValidateExpose(const Expose& expose, const std::string& path, std::vector<std::string>& errors) {
  if (!expose.ingress) {
    errors.push_back(path + " must set ingress");
    return;
  }
  const IngressExpose& i = *expose.ingress;
  const std::string ipath = path + ".ingress";
  if (!IsIngressHost(i.host)) {
    errors.push_back(ipath + ".host must be a fully qualified DNS name such as minitwit.example.com");
  }
  if (i.path.empty() || i.path.front() != '/') errors.push_back(ipath + ".path must start with /");
  if (i.path_type != "Prefix" && i.path_type != "Exact" && i.path_type != "ImplementationSpecific") {
    errors.push_back(ipath + ".pathType must be Prefix, Exact or ImplementationSpecific");
  }
  if (!i.class_name.empty() && !IsDnsSubdomainName(i.class_name)) {
    errors.push_back(ipath + ".ingressClassName must be a valid IngressClass name");
  }
  if (!i.tls_secret_name.empty() && !IsDnsSubdomainName(i.tls_secret_name)) {
    errors.push_back(ipath + ".tlsSecretName must be a valid Secret name");
  }
  for (const auto& [key, value] : i.annotations) {
    if (!IsQualifiedName(key)) errors.push_back(ipath + ".annotations: \"" + key + "\" is not a valid annotation key");
  }
}

}  // namespace minitwit::api
