#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "controller/clock.hpp"
#include "kube/kube_client.hpp"

namespace minitwit::controller {

// Fencing for a leader-elected process: writes are allowed only until a deadline that leader
// election moves forward on every successful renewal (the renewal's start + renew deadline).
// The renew deadline is shorter than the lease, and a candidate waits a whole lease after it
// last saw the record change, so every write that starts before the deadline and finishes
// within (lease - renew deadline) lands before anyone else can hold the lease. A frozen or
// partitioned leader finds its deadline passed when it resumes, whatever its threads were doing.
class WriteFence {
 public:
  explicit WriteFence(const Clock& clock) : clock_(clock) {}

  // Writes may start until `deadline`.
  void GrantUntil(Clock::TimePoint deadline) { until_.store(deadline.time_since_epoch().count()); }
  // No write may start from now on (leadership lost or given up).
  void Revoke() { until_.store(0); }
  bool MayWrite() const { return clock_.Now().time_since_epoch().count() < until_.load(); }

 private:
  const Clock& clock_;
  std::atomic<Clock::TimePoint::rep> until_{0};
};

// A KubeClient whose writes (create, replace, patch, apply, delete) pass the fence first; a
// write the fence refuses fails with 503 NotLeader and never reaches the API server. Reads and
// watches go to `reads`, writes to `writes` (a client whose request timeout fits the margin
// between renew deadline and lease).
class FencedKubeClient : public kube::KubeClient {
 public:
  FencedKubeClient(kube::KubeClient& reads, kube::KubeClient& writes, const WriteFence& fence)
      : reads_(reads), writes_(writes), fence_(fence) {}

  kube::Result<kube::Json> Get(const kube::ResourceType& type, const std::string& ns, const std::string& name) override {
    return reads_.Get(type, ns, name);
  }
  kube::Result<kube::Json> List(const kube::ResourceType& type, const std::string& ns,
                                const kube::ListOptions& options) override {
    return reads_.List(type, ns, options);
  }
  kube::Status Watch(const kube::ResourceType& type, const std::string& ns, const kube::ListOptions& options,
                     const std::function<bool(const kube::WatchEvent&)>& on_event, std::stop_token stop) override {
    return reads_.Watch(type, ns, options, on_event, stop);
  }
  kube::Result<kube::Json> Create(const kube::ResourceType& type, const std::string& ns,
                                  const kube::Json& object) override;
  kube::Result<kube::Json> Replace(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                                   const kube::Json& object, const std::string& subresource = "") override;
  kube::Result<kube::Json> Patch(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                                 const kube::Json& patch, kube::PatchType patch_type,
                                 const std::string& subresource = "") override;
  kube::Result<kube::Json> Apply(const kube::ResourceType& type, const std::string& ns, const std::string& name,
                                 const kube::Json& object, const std::string& field_manager,
                                 const std::string& subresource = "") override;
  kube::Status Delete(const kube::ResourceType& type, const std::string& ns, const std::string& name) override;

 private:
  kube::ApiError Refused(const std::string& verb, const kube::ResourceType& type, const std::string& name) const;

  kube::KubeClient& reads_;
  kube::KubeClient& writes_;
  const WriteFence& fence_;
};

}  // namespace minitwit::controller
