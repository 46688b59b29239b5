#include "sim/runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <exception>
#include <memory>

#include "sim/plan.hpp"
#include "sim/request.hpp"

namespace minitwit::sim {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Runner::Runner(RunSettings settings)
    : settings_(std::move(settings)),
      signals_(io_, SIGINT, SIGTERM),
      start_(Clock::now()),
      series_(UnixNow()) {}

double Runner::SinceStart(Clock::time_point at) const {
  return std::chrono::duration<double>(at - start_).count();
}

std::optional<std::string> Runner::Resolve() {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  endpoints_ = resolver.resolve(settings_.client.host, settings_.client.port, ec);
  if (ec) return "cannot resolve " + settings_.client.host + ":" + settings_.client.port + ": " + ec.message();
  return std::nullopt;
}

void Runner::RecordExchange(Tally& tally, const RequestSpec& spec, const Exchange& exchange, double sent_at_s) {
  const Outcome outcome = Classify(spec.kind, exchange.error, exchange.status);
  if (settings_.request_log != nullptr) settings_.request_log->Write(spec, exchange, outcome);
  std::string detail = exchange.detail;
  if (outcome == Outcome::kWrongStatus) detail = exchange.body.substr(0, 200);
  tally.Record(spec.kind, outcome, exchange.latency_ms, static_cast<double>(settings_.client.timeout.count()),
               spec.id, exchange.status, detail);
  series_.Record(sent_at_s, outcome, exchange.latency_ms);
}

void Runner::RunAll(const std::vector<Task>& tasks, const Tally* watched, std::optional<double> planned_s) {
  if (stop_) return;
  std::exception_ptr failure;
  std::size_t running = tasks.size();
  asio::steady_timer ticker(io_);
  bool finished = tasks.empty();
  auto finish = [&] {
    finished = true;
    ticker.cancel();
    signals_.cancel();  // its pending wait would keep io_ running; signals stay blocked and queue
  };
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    stop_ = true;
    signal_ = signal;
    for (asio::steady_timer* timer : wake_on_stop_) timer->cancel();
  });
  if (settings_.progress && watched != nullptr) {
    const Clock::time_point phase_start = Clock::now();
    asio::co_spawn(
        io_,
        [&, phase_start]() -> asio::awaitable<void> {
          while (!finished) {
            ticker.expires_after(std::chrono::seconds(1));
            boost::system::error_code ignored;
            co_await ticker.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            if (finished) break;
            // The last complete second of the run's time series, and the phase's totals.
            const std::size_t now_second = static_cast<std::size_t>(SinceStart(Clock::now()));
            ProgressSnapshot snapshot;
            snapshot.elapsed_s = SecondsSince(phase_start);
            snapshot.planned_s = planned_s;
            snapshot.last = series_.Window(now_second > 0 ? now_second - 1 : 0, now_second);
            snapshot.sent = watched->Requests();
            snapshot.connection = watched->ConnectionErrors();
            snapshot.timeout = watched->Timeouts();
            snapshot.status = watched->WrongStatus();
            snapshot.dropped = watched->Dropped();
            settings_.progress(FormatProgress(snapshot));
          }
        },
        asio::detached);
  }
  for (const Task& task : tasks) {
    asio::co_spawn(io_, task(), [&](std::exception_ptr error) {
      if (error && !failure) failure = error;
      if (--running == 0) finish();
    });
  }
  if (finished) finish();
  io_.restart();
  io_.run();
  if (failure) std::rethrow_exception(failure);
}

PhaseResult Runner::RunScenario(const std::vector<Action>& actions) {
  PhaseResult result;
  result.name = "scenario";
  result.users = settings_.users;
  const Plan plan = MakePlan(actions, settings_.users, settings_.register_users);

  auto run_lane = [this, &actions](const Lane* lane, Tally* tally) -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    HttpClient client(executor, settings_.client, endpoints_);
    asio::steady_timer timer(executor);
    for (std::size_t index : *lane) {
      if (stop_) break;
      const Action& action = actions[index];
      if (settings_.honor_delays && action.delay_ms > 0) {
        timer.expires_after(std::chrono::microseconds(
            static_cast<std::int64_t>(static_cast<double>(action.delay_ms) * 1000.0 / settings_.speedup)));
        boost::system::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      }
      const RequestSpec spec = BuildActionRequest(action, settings_.base_path);
      const Clock::time_point sent = Clock::now();
      const Exchange exchange = co_await client.Send(spec);
      RecordExchange(*tally, spec, exchange, SinceStart(sent));
    }
  };
  auto run_phase = [&](const std::vector<Lane>& lanes, Tally* tally) {
    std::vector<Task> tasks;
    for (const Lane& lane : lanes) tasks.push_back([&run_lane, &lane, tally] { return run_lane(&lane, tally); });
    RunAll(tasks, tally, std::nullopt);
  };

  const auto start = Clock::now();
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
    const auto stage_start = Clock::now();
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
  std::size_t next = 0;  // shared by the lanes; one thread, so no lock

  auto run_lane = [this, &result, &next, count]() -> asio::awaitable<void> {
    HttpClient client(co_await asio::this_coro::executor, settings_.client, endpoints_);
    while (next < count && !stop_) {
      const std::size_t i = next++;
      const RequestSpec spec = i % 2 == 0 ? BuildReadMsgsRequest(settings_.base_path, settings_.read_page)
                                          : BuildPublicRequest(settings_.base_path);
      const Clock::time_point sent = Clock::now();
      const Exchange exchange = co_await client.Send(spec);
      RecordExchange(result.tally, spec, exchange, SinceStart(sent));
    }
  };

  const auto start = Clock::now();
  std::vector<Task> tasks(std::max<std::size_t>(1, settings_.users), run_lane);
  RunAll(tasks, &result.tally, std::nullopt);
  result.elapsed_s = SecondsSince(start);
  return result;
}

PhaseResult Runner::RunOpenLoop(const std::vector<Action>& actions, const Profile& profile) {
  PhaseResult result;
  result.name = "open_loop";
  Stage stage;
  stage.name = "arrivals";
  std::size_t in_flight = 0;
  std::size_t peak_in_flight = 0;
  const Clock::time_point start = Clock::now();
  series_.SetProfile(profile, SinceStart(start));

  // One request on its own connection (Connection: close, as the course sends them).
  auto send = [this, &in_flight, &stage](RequestSpec spec, Clock::time_point intended) -> asio::awaitable<void> {
    HttpClient client(co_await asio::this_coro::executor, settings_.client, endpoints_);
    Exchange exchange = co_await client.Send(spec);
    exchange.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - intended).count();
    RecordExchange(stage.tally, spec, exchange, SinceStart(intended));
    --in_flight;
  };
  auto schedule = [&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    wake_on_stop_.push_back(&timer);
    ArrivalSchedule arrivals(profile);
    std::size_t next_action = 0;
    while (!stop_ && !actions.empty()) {
      const std::optional<double> at = arrivals.Next();
      if (!at) break;
      const auto intended =
          start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*at));
      timer.expires_at(intended);
      boost::system::error_code ignored;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      if (stop_) break;
      const Action& action = actions[next_action++ % actions.size()];
      RequestSpec spec = BuildActionRequest(action, settings_.base_path);
      if (in_flight >= settings_.max_in_flight) {
        stage.tally.Record(spec.kind, Outcome::kDropped, 0, 0, spec.id, 0, "too many requests in flight");
        series_.Record(SinceStart(intended), Outcome::kDropped, 0);
        continue;
      }
      ++in_flight;
      peak_in_flight = std::max(peak_in_flight, in_flight);
      asio::co_spawn(executor, send(std::move(spec), intended), asio::detached);
    }
    // A profile that ends at rate 0 ("drop:60s@0") is a quiet period the run still lasts.
    if (!stop_) {
      timer.expires_at(start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(profile.DurationSeconds())));
      boost::system::error_code ignored;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    std::erase(wake_on_stop_, &timer);
  };
  RunAll({schedule}, &stage.tally, profile.DurationSeconds());
  stage.users = peak_in_flight;  // the most requests that were outstanding at once
  stage.elapsed_s = SecondsSince(start);
  result.users = peak_in_flight;
  result.elapsed_s = stage.elapsed_s;
  result.tally.Merge(stage.tally);
  result.stages.push_back(std::move(stage));
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
  RunAll({fetch}, nullptr, std::nullopt);
  return check;
}

}  // namespace minitwit::sim
