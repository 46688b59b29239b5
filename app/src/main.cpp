// Wiring only: configuration, logging, storage, migrations, the service and the server.
#include <algorithm>
#include <csignal>
#include <fstream>
#include <future>
#include <iostream>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "crypto/signer.hpp"
#include "http/server.hpp"
#include "observability/logging.hpp"
#include "service/minitwit_service.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_repository.hpp"

namespace {

// The first line of a file, or "" when it cannot be read.
std::string FirstLine(const char* path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

// The cores this process may use: the CPUs it may run on, fewer under a container's CPU
// limit (resources.limits.cpu), which the CPU count alone does not show. A container sees
// its own cgroup at /sys/fs/cgroup: cpu.max on cgroup v2, cpu/cpu.cfs_quota_us and
// cpu/cpu.cfs_period_us on v1.
unsigned UsableCores() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  auto limit = minitwit::CoresFromCpuMax(FirstLine("/sys/fs/cgroup/cpu.max"));
  if (!limit) {
    limit = minitwit::CoresFromCpuMax(FirstLine("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") + " " +
                                      FirstLine("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  }
  return limit ? std::min(cores, *limit) : cores;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace minitwit;
  const auto loaded = LoadConfig(std::vector<std::string>(argv + 1, argv + argc), ProcessEnvironment());
  if (loaded.show_help) {
    std::cout << ConfigUsage();
    return 0;
  }
  if (!loaded.config) {
    std::cerr << "minitwit: invalid configuration: " << loaded.error << "\n" << ConfigUsage();
    return 2;
  }
  const Config& config = *loaded.config;
  ConfigureLogging(config.log_level);

  // Block SIGTERM/SIGINT in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string secret = config.session_secret;
  if (secret.empty()) {
    secret = RandomSecret();
    Log(spdlog::level::warn, "SESSION_SECRET not set; sessions will not survive a restart or span replicas");
  }

  PgRepository repository(config.database_url, config.db_pool_size);
  ServerOptions options;
  options.bind_address = config.bind_address;
  options.port = config.port;
  const unsigned cores = UsableCores();
  options.threads = EffectiveHttpThreads(config, cores);
  const auto hash_limits = FitToRequestThreads(HashLimits{config.hash_concurrency, config.hash_queue},
                                               options.threads, cores);
  PasswordHasher hasher(Argon2Params{}, hash_limits);
  MinitwitService service(repository, hasher, secret);

  options.read_timeout = config.read_timeout;
  options.write_timeout = config.write_timeout;
  options.close_linger = config.close_linger;
  options.max_body_bytes = config.max_body_bytes;
  HttpServer server(options, [&service](const Request& request) { return service.Handle(request); });
  if (const auto ec = server.Listen()) {
    Log(spdlog::level::critical, "cannot listen",
        {{"address", config.bind_address}, {"port", config.port}, {"error", ec.message()}});
    return 1;
  }
  server.Start();
  Log(spdlog::level::info, "listening",
      {{"address", config.bind_address},
       {"port", server.BoundPort()},
       {"database", RedactDatabaseUrl(config.database_url)},
       {"pool_size", config.db_pool_size},
       {"cores", cores},
       {"threads", options.threads},
       {"hash_concurrency", hash_limits.running},
       {"hash_queue", hash_limits.waiting}});

  // Migrations retry in the background so the process starts (and is alive) before
  // its database; /readyz reports when they are done.
  std::atomic<bool> stopping{false};
  std::thread migrator([&] {
    for (int attempt = 1; !stopping; ++attempt) {
      const auto error = RunMigrations(config.database_url, EmbeddedMigrations());
      if (error.empty()) {
        service.SetMigrated(true);
        Log(spdlog::level::info, "migrations done", {{"attempt", attempt}});
        repository.StartPublicTimelineCache();  // its triggers exist now
        return;
      }
      Log(spdlog::level::warn, "migrations failed; retrying", {{"attempt", attempt}, {"error", error}});
      for (int i = 0; i < 10 && !stopping; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(spdlog::level::info, "shutting down",
      {{"signal", signal_number},
       {"drain_delay_ms", config.drain_delay.count()},
       {"grace_ms", config.shutdown_grace.count()}});
  service.SetDraining();
  stopping = true;
  std::this_thread::sleep_for(config.drain_delay);
  server.Shutdown(config.shutdown_grace);
  migrator.join();
  Log(spdlog::level::info, "stopped");
  spdlog::shutdown();  // flushes what the periodic flush has not written yet
  return 0;
}
