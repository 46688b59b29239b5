#pragma once

#include <chrono>
#include <string>

namespace minitwit::controller {

struct ReconcileResult {
  enum class Kind { kDone, kRequeueAfter, kError } kind;
  std::chrono::milliseconds after{0};
  std::string error;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual ReconcileResult Reconcile(const std::string& ns, const std::string& name) = 0;
};

}  // namespace minitwit::controller
