#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kube/kube_client.hpp"

namespace minitwit::kube {

// A read-only view of one resource type's informer cache: the latest state seen through
// list and watch. The reconciler reads children from here so that a resync of a converged
// resource costs no API request.
class ObjectCache {
 public:
  virtual ~ObjectCache() = default;
  virtual std::optional<Json> Get(const std::string& ns, const std::string& name) const = 0;
  // Every object in `ns` ("" for all) whose labels contain all of `labels`.
  virtual std::vector<Json> List(const std::string& ns, const std::map<std::string, std::string>& labels = {}) const = 0;
  // True once the initial list has been stored.
  virtual bool HasSynced() const = 0;
};

}  // namespace minitwit::kube
