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
  if (const Json* route = SpecField(expose, "httpRoute")) {
    const std::string rpath = path + ".httpRoute";
    if (!route->is_object()) throw FieldError(rpath + " must be an object");
    HttpRouteExpose value;
    const Json parents = SpecObjectList(*route, "parentRefs", rpath);
    for (size_t i = 0; i < parents.size(); ++i) {
      const std::string ppath = rpath + ".parentRefs[" + std::to_string(i) + "]";
      value.parent_refs.push_back({SpecString(parents[i], "name", ppath, ""), SpecString(parents[i], "namespace", ppath, ""),
                                   SpecString(parents[i], "sectionName", ppath, "")});
    }
    if (const Json* hostnames = SpecField(*route, "hostnames")) {
      if (!hostnames->is_array()) throw FieldError(rpath + ".hostnames must be a list");
      for (const Json& hostname : *hostnames) {
        if (!hostname.is_string()) throw FieldError(rpath + ".hostnames must be a list of strings");
        value.hostnames.push_back(hostname.get<std::string>());
      }
    }
    value.path = SpecString(*route, "path", rpath, kDefaultIngressPath);
    result.http_route = value;
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
  if (expose.http_route) {
    const HttpRouteExpose& r = *expose.http_route;
    Json parents = Json::array();
    for (const GatewayRef& ref : r.parent_refs) {
      Json parent = {{"name", ref.name}};
      if (!ref.ns.empty()) parent["namespace"] = ref.ns;
      if (!ref.section_name.empty()) parent["sectionName"] = ref.section_name;
      parents.push_back(parent);
    }
    json["httpRoute"] = {{"parentRefs", parents}, {"path", r.path}};
    if (!r.hostnames.empty()) json["httpRoute"]["hostnames"] = r.hostnames;
  }
  return json;
}

void ValidateExpose(const Expose& expose, const std::string& path, std::vector<std::string>& errors) {
  if (expose.ingress.has_value() == expose.http_route.has_value()) {
    errors.push_back(path + " must set exactly one of ingress and httpRoute");
  }
  if (expose.http_route) {
    const HttpRouteExpose& r = *expose.http_route;
    const std::string rpath = path + ".httpRoute";
    if (r.parent_refs.empty()) errors.push_back(rpath + ".parentRefs must name at least one Gateway");
    for (size_t i = 0; i < r.parent_refs.size(); ++i) {
      const std::string ppath = rpath + ".parentRefs[" + std::to_string(i) + "]";
      if (!IsDnsSubdomainName(r.parent_refs[i].name)) errors.push_back(ppath + ".name must be a valid Gateway name");
      if (!r.parent_refs[i].ns.empty() && !IsDnsSubdomainName(r.parent_refs[i].ns)) {
        errors.push_back(ppath + ".namespace must be a valid namespace name");
      }
    }
    for (size_t i = 0; i < r.hostnames.size(); ++i) {
      if (!IsIngressHost(r.hostnames[i])) {
        errors.push_back(rpath + ".hostnames[" + std::to_string(i) + "] must be a fully qualified DNS name");
      }
    }
    if (r.path.empty() || r.path.front() != '/') errors.push_back(rpath + ".path must start with /");
  }
  if (!expose.ingress) return;
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
