#include "sim/runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>

#include "sim/plan.hpp"
#include "sim/request.hpp"

namespace minitwit::sim {

namespace asio = boost::asio;

namespace {

void Record(Tally& tally, const RequestSpec& spec, const Exchange& exchange, double budget_ms, RequestLog* log) {
  const Outcome outcome = Classify(spec.kind, exchange.error, exchange.status);
  if (log != nullptr) log->Write(spec, exchange, outcome);
  std::string detail = exchange.detail;
  if (outcome == Outcome::kWrongStatus) detail = exchange.body.substr(0, 200);
  tally.Record(spec.kind, outcome, exchange.latency_ms, budget_ms, spec.id, exchange.status, detail);
}

// Runs every spawned coroutine to completion and rethrows the first exception, if any.
void RunAll(asio::io_context& io, const std::vector<std::function<asio::awaitable<void>()>>& tasks) {
  std::exception_ptr failure;
  for (const auto& task : tasks) {
    asio::co_spawn(io, task(), [&failure](std::exception_ptr error) {
      if (error && !failure) failure = error;
    });
  }
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Runner::Runner(RunSettings settings) : settings_(std::move(settings)) {}

std::optional<std::string> Runner::Resolve() {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  endpoints_ = resolver.resolve(settings_.client.host, settings_.client.port, ec);
  if (ec) return "cannot resolve " + settings_.client.host + ":" + settings_.client.port + ": " + ec.message();
  return std::nullopt;
}

PhaseResult Runner::RunScenario(const std::vector<Action>& actions) {
  PhaseResult result;
  result.name = "scenario";
  result.users = settings_.users;
  const double budget_ms = static_cast<double>(settings_.client.timeout.count());
  const Plan plan = MakePlan(actions, settings_.users, settings_.register_users);

  auto run_lane = [this, &actions, budget_ms](const Lane* lane, Tally* tally) -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    HttpClient client(executor, settings_.client, endpoints_);
    asio::steady_timer timer(executor);
    for (std::size_t index : *lane) {
      const Action& action = actions[index];
      if (settings_.honor_delays && action.delay_ms > 0) {
        timer.expires_after(std::chrono::microseconds(
            static_cast<std::int64_t>(static_cast<double>(action.delay_ms) * 1000.0 / settings_.speedup)));
        boost::system::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      }
      const RequestSpec spec = BuildActionRequest(action, settings_.base_path);
      const Exchange exchange = co_await client.Send(spec);
      Record(*tally, spec, exchange, budget_ms, settings_.request_log);
    }
  };
  auto run_phase = [&](const std::vector<Lane>& lanes, Tally* tally) {
    std::vector<std::function<asio::awaitable<void>()>> tasks;
    for (const Lane& lane : lanes) tasks.push_back([&run_lane, &lane, tally] { return run_lane(&lane, tally); });
    RunAll(io_, tasks);
  };

  const auto start = std::chrono::steady_clock::now();
  const bool sequential = settings_.users <= 1;
  const std::size_t stage_count = std::max<std::size_t>(1, plan.phases.size());
  for (std::size_t i = 0; i < stage_count; ++i) {
    Stage stage;
    const bool last = i + 1 == stage_count;
    if (i < plan.phase_names.size()) {
      stage.name = plan.phase_names[i];
    } else {
      stage.name = sequential ? "sequential" : "activity";  // only the final action
    }
    const auto stage_start = std::chrono::steady_clock::now();
    if (i < plan.phases.size()) {
      stage.users = plan.phases[i].size();
      run_phase(plan.phases[i], &stage.tally);
    }
    // The final action goes alone, after everything else, so /latest must end at its id.
    if (last && plan.final_action) {
      stage.users = std::max<std::size_t>(stage.users, 1);
      run_phase({Lane{*plan.final_action}}, &stage.tally);
    }
    stage.elapsed_s = SecondsSince(stage_start);
    result.tally.Merge(stage.tally);
    result.stages.push_back(std::move(stage));
  }
  result.elapsed_s = SecondsSince(start);
  return result;
}

PhaseResult Runner::RunReads(std::size_t count) {
  PhaseResult result;
  result.name = "reads";
  result.users = settings_.users;
  const double budget_ms = static_cast<double>(settings_.client.timeout.count());
  std::size_t next = 0;  // shared by the lanes; one thread, so no lock

  auto run_lane = [this, &result, &next, count, budget_ms]() -> asio::awaitable<void> {
    HttpClient client(co_await asio::this_coro::executor, settings_.client, endpoints_);
    while (next < count) {
      const std::size_t i = next++;
      const RequestSpec spec = i % 2 == 0 ? BuildReadMsgsRequest(settings_.base_path, settings_.read_page)
                                          : BuildPublicRequest(settings_.base_path);
      const Exchange exchange = co_await client.Send(spec);
      Record(result.tally, spec, exchange, budget_ms, settings_.request_log);
    }
  };

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::function<asio::awaitable<void>()>> tasks(std::max<std::size_t>(1, settings_.users), run_lane);
  RunAll(io_, tasks);
  result.elapsed_s = SecondsSince(start);
  return result;
}

LatestCheck Runner::CheckLatest(std::optional<std::int64_t> expected) {
  LatestCheck check;
  check.expected = expected;
  auto fetch = [this, &check]() -> asio::awaitable<void> {
    ClientSettings relaxed = settings_.client;
    relaxed.timeout = std::chrono::milliseconds(5000);  // a check, not a measured request
    relaxed.keep_alive = false;
    HttpClient client(co_await asio::this_coro::executor, relaxed, endpoints_);
    const Exchange exchange = co_await client.Send(BuildLatestRequest(settings_.base_path));
    if (exchange.error != TransportError::kNone) {
      check.error = "GET /latest failed: " + exchange.detail;
    } else if (exchange.status != 200) {
      check.error = "GET /latest returned " + std::to_string(exchange.status);
    } else if (!(check.value = ParseLatestBody(exchange.body))) {
      check.error = "GET /latest body is not {\"latest\": N}: " + exchange.body.substr(0, 200);
    }
  };
  RunAll(io_, {fetch});
  return check;
}

}  // namespace minitwit::sim
