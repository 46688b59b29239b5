#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "crypto/password_hasher.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "observability/metrics.hpp"
#include "service/clock.hpp"
#include "sim/sim_api.hpp"
#include "storage/repository.hpp"
#include "web/session_cookie.hpp"
#include "web/web_ui.hpp"

namespace minitwit {

// The settings the handlers need (config/ fills them in from Config).
struct ServiceOptions {
  std::string session_secret;  // signs the cookies; >= 16 characters
  SimOptions sim;
  CookieOptions cookies;
};

// The whole application behind one pure entry point: Handle() turns a Request into a
// Response without sockets (the HTTP server, tests and fuzzers all call it). It records
// `latest`, routes, serves /metrics, /healthz and /readyz, and logs one line per request.
class MinitwitService {
 public:
  MinitwitService(Repository& repository, const PasswordHasher& hasher, ServiceOptions options,
                  Clock clock = SystemClock());

  Response Handle(const Request& request);

  // The answer to a request that needs neither the database nor the CPU (GET /healthz),
  // or nullopt. The server gives these on its I/O threads, so a liveness probe is
  // answered while every request thread waits on the database.
  std::optional<Response> Immediate(const Request& request) const;

  // /readyz is 503 until migrations are done and again from the moment draining starts;
  // not while the database is down, which every replica shares (app/README.md, "Probes").
  void SetMigrated(bool migrated) { migrated_ = migrated; }
  void SetDraining() { draining_ = true; }

 private:
  void RecordLatest(const Request& request);
  Response Ready();
  Response RenderMetrics();
  Response RegisterPost(const Request& request);

  Repository& repository_;
  SessionCookies cookies_;
  SimApi sim_;
  WebUi web_;
  Router router_;
  Metrics metrics_;
  std::atomic<bool> migrated_{false};
  std::atomic<bool> draining_{false};
};

// The integer value of ?latest=, if the query has a well-formed one.
std::optional<std::int64_t> LatestFromQuery(std::string_view query);

}  // namespace minitwit
