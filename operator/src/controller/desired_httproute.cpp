// The Gateway API HTTPRoute of spec.expose.httpRoute: the Gateways it attaches to, its host
// names, one PathPrefix rule to the app Service's port 80.
#include "controller/desired_state.hpp"

namespace minitwit::controller {

std::optional<Json> BuildHttpRoute(const api::MiniTwit& minitwit) {
  if (!minitwit.spec.expose || !minitwit.spec.expose->http_route) return std::nullopt;
  const api::HttpRouteExpose& route = *minitwit.spec.expose->http_route;
  Json parents = Json::array();
  for (const api::GatewayRef& ref : route.parent_refs) {
    Json parent = {{"group", "gateway.networking.k8s.io"}, {"kind", "Gateway"}, {"name", ref.name}};
    if (!ref.ns.empty()) parent["namespace"] = ref.ns;
    if (!ref.section_name.empty()) parent["sectionName"] = ref.section_name;
    parents.push_back(parent);
  }
  Json spec = {
      {"parentRefs", parents},
      {"rules",
       Json::array({{{"matches", Json::array({{{"path", {{"type", "PathPrefix"}, {"value", route.path}}}}})},
                     {"backendRefs", Json::array({{{"group", ""},
                                                   {"kind", "Service"},
                                                   {"name", ServiceName(minitwit)},
                                                   {"port", kServicePort},
                                                   {"weight", 1}}})}}})}};
  if (!route.hostnames.empty()) spec["hostnames"] = route.hostnames;
  return Json{{"apiVersion", "gateway.networking.k8s.io/v1"},
              {"kind", "HTTPRoute"},
              {"metadata", ChildMetadata(minitwit, IngressName(minitwit), kComponentApp)},
              {"spec", spec}};
}

}  // namespace minitwit::controller
