#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>

#include "controller/write_fence.hpp"
#include "kube/kube_client.hpp"
#include "observability/metrics.hpp"

namespace minitwit::controller {

inline const kube::ResourceType kLeaseType{"coordination.k8s.io", "v1", "leases", "Lease"};

struct LeaderElectionConfig {
  std::string lease_namespace = "default";
  std::string lease_name = "minitwit-operator-leader";
  std::string identity;  // unique per process: pod name (or hostname) + pid
  std::chrono::milliseconds lease_duration{std::chrono::seconds(15)};
  std::chrono::milliseconds renew_deadline{std::chrono::seconds(10)};
  std::chrono::milliseconds retry_period{std::chrono::seconds(2)};
  // On a graceful stop, give the lease up so that a standby takes over at once.
  bool release_on_stop = true;
};

// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: a candidate takes
// the lease when it is free or its holder has not renewed it for leaseDurationSeconds (judged
// by this process's own clock from when it last saw the record change, so clocks need not
// agree); the leader renews every retry period and gives up when it cannot renew within the
// renew deadline. Every write is a PUT with the resourceVersion last read.
class LeaderElection {
 public:
  enum class Outcome { kStopped, kLost };

  // `fence`, when given, is granted writes until each successful renewal's start + renew
  // deadline, and revoked the moment leadership is lost (before `lead` is told to stop).
  LeaderElection(kube::KubeClient& client, observability::OperatorMetrics& metrics, LeaderElectionConfig config,
                 WriteFence* fence = nullptr);

  // Blocks: acquires the lease, runs `lead` on its own thread with a stop token that fires
  // when leadership ends, renews, and returns kLost when renewal failed (after `lead`
  // returned) or kStopped once `stop` was requested (after `lead` returned and the lease was
  // released).
  Outcome Run(std::stop_token stop, const std::function<void(std::stop_token)>& lead);

  bool IsLeader() const { return leader_.load(); }
  std::string ObservedHolder() const;

  // One acquire-or-renew attempt; true when this process holds the lease afterwards.
  bool TryAcquireOrRenew();
  // Gives the lease up if this process holds it.
  void Release();

 private:
  void SetLeader(bool leader);

  kube::KubeClient& client_;
  observability::OperatorMetrics& metrics_;
  LeaderElectionConfig config_;
  WriteFence* fence_;
  std::atomic<bool> leader_{false};

  mutable std::mutex mutex_;
  kube::Json observed_;  // the Lease as last read or written
  std::string observed_record_;  // holder + renewTime + duration, to notice changes
  std::chrono::steady_clock::time_point observed_time_{};
};

// metav1.MicroTime: "2006-01-02T15:04:05.000000Z".
std::string FormatMicroTime(std::chrono::system_clock::time_point time);

}  // namespace minitwit::controller
