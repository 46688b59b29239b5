#include "controller/leader_election.hpp"

#include <ctime>
#include <thread>

#include <spdlog/spdlog.h>

#include "controller/clock.hpp"

namespace minitwit::controller {

std::string FormatMicroTime(std::chrono::system_clock::time_point time) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%06lldZ", static_cast<long long>(micros % 1'000'000));
  return text;
}

LeaderElection::LeaderElection(kube::KubeClient& client, observability::OperatorMetrics& metrics,
                               LeaderElectionConfig config, WriteFence* fence)
    : client_(client), metrics_(metrics), config_(std::move(config)), fence_(fence) {
  metrics_.leader.Set({config_.lease_name}, 0);
}

void LeaderElection::SetLeader(bool leader) {
  leader_ = leader;
  metrics_.leader.Set({config_.lease_name}, leader ? 1 : 0);
}

std::string LeaderElection::ObservedHolder() const {
  std::lock_guard lock(mutex_);
  return observed_.is_object() ? observed_["spec"].value("holderIdentity", "") : "";
}

bool LeaderElection::TryAcquireOrRenew() {
  auto wall_now = FormatMicroTime(std::chrono::system_clock::now());
  auto now = std::chrono::steady_clock::now();
  int duration_seconds =
      static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(config_.lease_duration).count());

  auto current = client_.Get(kLeaseType, config_.lease_namespace, config_.lease_name);
  if (!current.ok()) {
    if (!current.error().IsNotFound()) {
      spdlog::warn("leader election: cannot read lease {}/{}: {} {}", config_.lease_namespace, config_.lease_name,
                   current.error().status, current.error().message);
      return false;
    }
    kube::Json lease = {
        {"apiVersion", kLeaseType.ApiVersion()},
        {"kind", kLeaseType.kind},
        {"metadata", {{"name", config_.lease_name}, {"namespace", config_.lease_namespace}}},
        {"spec",
         {{"holderIdentity", config_.identity},
          {"leaseDurationSeconds", duration_seconds},
          {"acquireTime", wall_now},
          {"renewTime", wall_now},
          {"leaseTransitions", 0}}}};
    auto created = client_.Create(kLeaseType, config_.lease_namespace, lease);
    if (!created.ok()) return false;  // e.g. AlreadyExists: another candidate was faster
    std::lock_guard lock(mutex_);
    observed_ = created.value();
    observed_time_ = now;
    return true;
  }

  kube::Json lease = std::move(current).value();
  kube::Json spec = lease.contains("spec") && lease["spec"].is_object() ? lease["spec"] : kube::Json::object();
  std::string holder = spec.value("holderIdentity", "");
  std::string record = holder + "|" + spec.value("renewTime", "") + "|" + std::to_string(spec.value("leaseDurationSeconds", 0));
  {
    std::lock_guard lock(mutex_);
    if (record != observed_record_) {
      observed_record_ = record;
      observed_time_ = now;
    }
    observed_ = lease;
    auto held_for = std::chrono::seconds(spec.value("leaseDurationSeconds", duration_seconds));
    bool held_by_other = !holder.empty() && holder != config_.identity;
    if (held_by_other && observed_time_ + held_for > now) return false;
  }

  bool renewing = holder == config_.identity;
  spec["holderIdentity"] = config_.identity;
  spec["leaseDurationSeconds"] = duration_seconds;
  spec["renewTime"] = wall_now;
  if (!renewing) {
    spec["acquireTime"] = wall_now;
    spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
  }
  lease["spec"] = spec;
  // lease.metadata.resourceVersion is the one just read: a concurrent writer makes this a 409.
  auto updated = client_.Replace(kLeaseType, config_.lease_namespace, config_.lease_name, lease);
  if (!updated.ok()) {
    if (!updated.error().IsConflict()) {
      spdlog::warn("leader election: cannot update lease: {} {}", updated.error().status, updated.error().message);
    }
    return false;
  }
  std::lock_guard lock(mutex_);
  observed_ = updated.value();
  const auto& new_spec = observed_["spec"];
  observed_record_ = new_spec.value("holderIdentity", "") + "|" + new_spec.value("renewTime", "") + "|" +
                     std::to_string(new_spec.value("leaseDurationSeconds", 0));
  observed_time_ = now;
  return true;
}

void LeaderElection::Release() {
  kube::Json lease;
  {
    std::lock_guard lock(mutex_);
    lease = observed_;
  }
  if (!lease.is_object() || !lease.contains("spec") || lease["spec"].value("holderIdentity", "") != config_.identity) {
    return;
  }
  // As client-go: an empty holder and a one-second lease; the next candidate takes it at once.
  auto wall_now = FormatMicroTime(std::chrono::system_clock::now());
  lease["spec"]["holderIdentity"] = "";
  lease["spec"]["leaseDurationSeconds"] = 1;
  lease["spec"]["renewTime"] = wall_now;
  lease["spec"]["acquireTime"] = wall_now;
  auto released = client_.Replace(kLeaseType, config_.lease_namespace, config_.lease_name, lease);
  if (!released.ok()) {
    spdlog::warn("leader election: could not release the lease: {} {}", released.error().status,
                 released.error().message);
  } else {
    spdlog::info("leader election: released lease {}/{}", config_.lease_namespace, config_.lease_name);
  }
}

LeaderElection::Outcome LeaderElection::Run(std::stop_token stop, const std::function<void(std::stop_token)>& lead) {
  spdlog::info("leader election: {} waiting for lease {}/{}", config_.identity, config_.lease_namespace,
               config_.lease_name);
  // A renewal counts from when it started: the lease can only have been seen later than that.
  auto attempt = std::chrono::steady_clock::now();
  while (!TryAcquireOrRenew()) {
    if (!SleepFor(config_.retry_period, stop)) return Outcome::kStopped;
    attempt = std::chrono::steady_clock::now();
  }
  auto last_renew = attempt;
  if (fence_) fence_->GrantUntil(last_renew + config_.renew_deadline);
  SetLeader(true);
  spdlog::info("leader election: {} became leader", config_.identity);

  std::stop_source leading;
  std::jthread leader_thread([&lead, token = leading.get_token()] { lead(token); });
  Outcome outcome = Outcome::kStopped;
  while (SleepFor(config_.retry_period, stop)) {
    attempt = std::chrono::steady_clock::now();
    if (TryAcquireOrRenew()) {
      last_renew = attempt;
      if (fence_) fence_->GrantUntil(last_renew + config_.renew_deadline);
      continue;
    }
    // Someone else holds the lease now (taken over while this process was frozen or cut off):
    // stop writing at once rather than at the deadline.
    if (const std::string holder = ObservedHolder(); fence_ && !holder.empty() && holder != config_.identity) {
      fence_->Revoke();
    }
    if (std::chrono::steady_clock::now() - last_renew >= config_.renew_deadline) {
      outcome = Outcome::kLost;
      break;
    }
  }
  // Lost: no write may start any more, even from a reconcile in flight. Stopped: in-flight
  // reconciles finish while the lease is still ours, then the fence closes before release.
  if (outcome == Outcome::kLost && fence_) fence_->Revoke();
  leading.request_stop();
  leader_thread.join();
  if (fence_) fence_->Revoke();
  SetLeader(false);
  if (outcome == Outcome::kLost) {
    spdlog::error("leader election: {} lost the lease {}/{} (not renewed within {} ms)", config_.identity,
                  config_.lease_namespace, config_.lease_name, config_.renew_deadline.count());
  } else if (config_.release_on_stop) {
    Release();
  }
  return outcome;
}

}  // namespace minitwit::controller
