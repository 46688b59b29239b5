// minitwit-operator: wiring only. Configuration, the Kubernetes client, the controller, leader
// election and the observability server are built here and connected; the work is elsewhere.
#include <malloc.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stop_token>
#include <thread>

#include <spdlog/spdlog.h>

#include "config/config.hpp"
#include "controller/clock.hpp"
#include "controller/controller.hpp"
#include "controller/leader_election.hpp"
#include "controller/reconciler.hpp"
#include "controller/write_fence.hpp"
#include "kube/kubeconfig.hpp"
#include "kube/rest_kube_client.hpp"
#include "observability/http_server.hpp"
#include "observability/logging.hpp"
#include "observability/metrics.hpp"

namespace {

constexpr int kExitBadConfig = 2;
constexpr int kExitLostLeadership = 1;

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// SIGTERM and SIGINT are blocked in every thread and taken here, which requests `stop`.
std::jthread WatchSignals(std::stop_source stop) {
  return std::jthread([stop](std::stop_token done) mutable {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    timespec poll{0, 200'000'000};
    while (!done.stop_requested() && !stop.stop_requested()) {
      int signal = sigtimedwait(&signals, nullptr, &poll);
      if (signal == SIGTERM || signal == SIGINT) {
        spdlog::info("received signal {}, shutting down", signal);
        stop.request_stop();
      }
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  using namespace minitwit;
  // glibc gives each thread that allocates its own arena (up to 8 per core), each keeping freed
  // memory; two shared arenas halve the idle footprint and cost nothing at this request rate.
  mallopt(M_ARENA_MAX, 2);

  auto parsed = config::ParseConfig(std::vector<std::string>(argv + 1, argv + argc), config::ProcessEnvironment(),
                                    Hostname(), static_cast<long>(getpid()));
  if (parsed.help) {
    std::cout << parsed.error;
    return 0;
  }
  if (!parsed.config) {
    std::cerr << "minitwit-operator: " << parsed.error << "\n(run with --help for the flags)\n";
    return kExitBadConfig;
  }
  const config::Config& cfg = *parsed.config;
  observability::SetUpJsonLogging(cfg.log_level);

  auto connection = cfg.InCluster()
                        ? kube::InClusterConnection(cfg.in_cluster_host, cfg.in_cluster_port, cfg.service_account_dir)
                        : kube::LoadKubeconfig(cfg.kubeconfig, cfg.kube_context);
  if (!connection.connection) {
    spdlog::critical("cannot configure the Kubernetes client: {}", connection.error);
    return kExitBadConfig;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  observability::Registry registry;
  observability::OperatorMetrics metrics(registry);
  observability::RegisterProcessMetrics(registry);
  std::unique_ptr<kube::RestKubeClient> client;
  std::unique_ptr<kube::RestKubeClient> election_client;
  std::unique_ptr<kube::RestKubeClient> write_client;
  try {
    client = std::make_unique<kube::RestKubeClient>(*connection.connection, metrics);
    if (cfg.leader_elect) {
      // Fenced writes start before the renew deadline and must land before the lease can be
      // taken over: their timeout is the margin between the two.
      kube::ClusterConnection write_connection = *connection.connection;
      write_connection.request_timeout = std::min(write_connection.request_timeout,
                                                  std::chrono::duration_cast<std::chrono::milliseconds>(
                                                      cfg.lease_duration - cfg.renew_deadline));
      write_client = std::make_unique<kube::RestKubeClient>(write_connection, metrics);
      // A hung request must not outlast the renew deadline.
      kube::ClusterConnection election_connection = *connection.connection;
      election_connection.request_timeout = std::max(cfg.retry_period, cfg.renew_deadline / 2);
      election_client = std::make_unique<kube::RestKubeClient>(election_connection, metrics, "leader-election");
    }
  } catch (const std::exception& e) {
    spdlog::critical("cannot configure the Kubernetes client: {}", e.what());
    return kExitBadConfig;
  }
  spdlog::info("minitwit-operator starting: server {}, namespaces [{}], {} workers, leader election {}",
               connection.connection->server, fmt::join(cfg.namespaces, ","), cfg.workers,
               cfg.leader_elect ? "on" : "off");

  controller::SteadyClock clock;
  controller::ControllerOptions controller_options;
  controller_options.namespaces = cfg.namespaces;
  controller_options.workers = cfg.workers;
  controller_options.resync_period = cfg.resync_period;
  controller::Controller controller(*client, metrics, clock, controller_options);

  controller::SystemWallClock wall_clock;
  controller::ReconcilerOptions reconciler_options;
  reconciler_options.reporting_instance = cfg.identity;
  reconciler_options.field_manager = cfg.field_manager;
  reconciler_options.metrics = &metrics;
  // With leader election every write of the reconciler passes the fence that the election
  // opens on each renewal and closes when the lease may be lost.
  controller::WriteFence fence(clock);
  std::unique_ptr<controller::FencedKubeClient> fenced;
  if (cfg.leader_elect) fenced = std::make_unique<controller::FencedKubeClient>(*client, *write_client, fence);
  kube::KubeClient& reconciler_client = fenced ? static_cast<kube::KubeClient&>(*fenced) : *client;
  controller::MiniTwitReconciler reconciler(reconciler_client, wall_clock, controller.Caches(), reconciler_options);

  std::unique_ptr<observability::HttpServer> metrics_server;
  std::unique_ptr<observability::HttpServer> probe_server;
  try {
    auto handler = observability::MakeObservabilityHandler([&registry] { return registry.Render(); },
                                                           [&controller] { return controller.HasSynced(); });
    metrics_server = std::make_unique<observability::HttpServer>(cfg.metrics_bind_address, handler);
    spdlog::info("serving /metrics /healthz /readyz on port {}", metrics_server->Port());
    if (!cfg.health_probe_bind_address.empty() && cfg.health_probe_bind_address != cfg.metrics_bind_address) {
      probe_server = std::make_unique<observability::HttpServer>(cfg.health_probe_bind_address, handler);
      spdlog::info("serving /healthz /readyz on port {}", probe_server->Port());
    }
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return kExitBadConfig;
  }

  // GCC 12 warns that stop_source's own constructor reads `stop` uninitialized (it passes
  // *this to its state); a known false positive of that compiler.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
  std::stop_source stop;
#pragma GCC diagnostic pop
  auto signal_thread = WatchSignals(stop);
  controller.StartInformers();

  int exit_code = 0;
  if (cfg.leader_elect) {
    controller::LeaderElectionConfig election;
    election.lease_namespace = cfg.leader_election_namespace;
    election.lease_name = cfg.leader_election_id;
    election.identity = cfg.identity;
    election.lease_duration = cfg.lease_duration;
    election.renew_deadline = cfg.renew_deadline;
    election.retry_period = cfg.retry_period;
    controller::LeaderElection leader_election(*election_client, metrics, election, &fence);
    auto outcome = leader_election.Run(stop.get_token(), [&](std::stop_token leading) {
      controller.RunWorkers(reconciler, leading);
    });
    // A replica that lost the lease may still be reconciling with stale beliefs: exit and
    // let Kubernetes restart it as a fresh standby.
    if (outcome == controller::LeaderElection::Outcome::kLost) exit_code = kExitLostLeadership;
  } else {
    controller.RunWorkers(reconciler, stop.get_token());
  }

  spdlog::info("stopping informers");
  controller.StopInformers();
  signal_thread.request_stop();
  signal_thread.join();
  if (probe_server) probe_server->Stop();
  metrics_server->Stop();
  spdlog::info("minitwit-operator stopped (exit {})", exit_code);
  return exit_code;
}
