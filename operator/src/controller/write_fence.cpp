#include "controller/write_fence.hpp"

#include <spdlog/spdlog.h>

namespace minitwit::controller {

kube::ApiError FencedKubeClient::Refused(const std::string& verb, const kube::ResourceType& type,
                                         const std::string& name) const {
  spdlog::warn("fenced: {} {} {} refused: not the leader (or past the renew deadline)", verb, type.kind, name);
  return kube::ApiError{503, "NotLeader", "not the leader: the lease was not renewed in time"};
}

kube::Result<kube::Json> FencedKubeClient::Create(const kube::ResourceType& type, const std::string& ns,
                                                  const kube::Json& object) {
  if (!fence_.MayWrite()) return Refused("create", type, object["metadata"].value("name", ""));
  return writes_.Create(type, ns, object);
}

kube::Result<kube::Json> FencedKubeClient::Replace(const kube::ResourceType& type, const std::string& ns,
                                                   const std::string& name, const kube::Json& object,
                                                   const std::string& subresource) {
  if (!fence_.MayWrite()) return Refused("replace", type, name);
  return writes_.Replace(type, ns, name, object, subresource);
}

kube::Result<kube::Json> FencedKubeClient::Patch(const kube::ResourceType& type, const std::string& ns,
                                                 const std::string& name, const kube::Json& patch,
                                                 kube::PatchType patch_type, const std::string& subresource) {
  if (!fence_.MayWrite()) return Refused("patch", type, name);
  return writes_.Patch(type, ns, name, patch, patch_type, subresource);
}

kube::Result<kube::Json> FencedKubeClient::Apply(const kube::ResourceType& type, const std::string& ns,
                                                 const std::string& name, const kube::Json& object,
                                                 const std::string& field_manager, const std::string& subresource) {
  if (!fence_.MayWrite()) return Refused("apply", type, name);
  return writes_.Apply(type, ns, name, object, field_manager, subresource);
}

kube::Status FencedKubeClient::Delete(const kube::ResourceType& type, const std::string& ns,
                                      const std::string& name) {
  if (!fence_.MayWrite()) return Refused("delete", type, name);
  return writes_.Delete(type, ns, name);
}

}  // namespace minitwit::controller
