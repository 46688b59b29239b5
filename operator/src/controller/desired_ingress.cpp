// The Ingress of spec.expose.ingress: one rule for the host, to the app Service's port 80.
#include "controller/desired_state.hpp"

namespace minitwit::controller {

std::optional<Json> BuildIngress(const api::MiniTwit& minitwit) {
  if (!minitwit.spec.expose || !minitwit.spec.expose->ingress) return std::nullopt;
  const api::IngressExpose& ingress = *minitwit.spec.expose->ingress;
  Json metadata = ChildMetadata(minitwit, IngressName(minitwit), kComponentApp);
  if (!ingress.annotations.empty()) metadata["annotations"] = ingress.annotations;
  const Json backend = {{"service", {{"name", ServiceName(minitwit)}, {"port", {{"number", kServicePort}}}}}};
  Json spec = {
      {"rules",
       Json::array({{{"host", ingress.host},
                     {"http",
                      {{"paths", Json::array({{{"path", ingress.path},
                                               {"pathType", ingress.path_type},
                                               {"backend", backend}}})}}}}})}};
  if (!ingress.class_name.empty()) spec["ingressClassName"] = ingress.class_name;
  if (!ingress.tls_secret_name.empty()) {
    spec["tls"] = Json::array({{{"hosts", Json::array({ingress.host})}, {"secretName", ingress.tls_secret_name}}});
  }
  return Json{{"apiVersion", "networking.k8s.io/v1"}, {"kind", "Ingress"}, {"metadata", metadata}, {"spec", spec}};
}

}  // namespace minitwit::controller
