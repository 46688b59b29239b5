// minitwit-sim: wiring only; see options.cpp for the command line.
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <iostream>

#include "sim/generator.hpp"
#include "sim/options.hpp"
#include "sim/report.hpp"
#include "sim/request_log.hpp"
#include "sim/runner.hpp"
#include "sim/scenario.hpp"
#include "sim/timeseries.hpp"

namespace {

bool WriteTimeSeries(const std::string& path, const minitwit::sim::TimeSeries& series) {
  std::ofstream out(path);
  if (path.ends_with(".json")) {
    out << series.Json().dump(1) << "\n";
  } else {
    out << series.Csv();
  }
  out.close();
  if (!out) std::cerr << "minitwit-sim: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace minitwit::sim;
  const OptionsResult parsed = ParseOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.options.help) {
    std::cout << kUsage;
    return 0;
  }
  if (!parsed.error.empty()) {
    std::cerr << "minitwit-sim: " << parsed.error << "\n" << kUsage;
    return 2;
  }
  const Options& options = parsed.options;

  std::vector<Action> actions;
  RunReport report;
  report.url = options.url;
  report.keep_alive = options.keep_alive;
  report.timeout_ms = options.timeout_ms;
  if (!options.scenario_path.empty()) {
    ScenarioResult scenario = LoadScenarioFile(options.scenario_path);
    if (!scenario.Ok()) {
      std::cerr << "minitwit-sim: " << options.scenario_path << ": " << scenario.error << "\n";
      return 2;
    }
    actions = std::move(scenario.actions);
    report.source = options.scenario_path;
  } else if (options.generate > 0) {
    actions = GenerateScenario(options.generate, options.seed);
    report.source = "generated:" + std::to_string(options.generate);
  } else {
    report.source = "none";
  }
  if (!options.only.empty()) {
    std::erase_if(actions, [&](const Action& action) {
      return action.kind != ActionKind::kRegister &&
             std::find(options.only.begin(), options.only.end(), action.kind) == options.only.end();
    });
  }
  if (options.limit && *options.limit < actions.size()) actions.resize(*options.limit);

  std::unique_ptr<RequestLog> request_log;
  if (!options.request_log_path.empty()) {
    std::string error;
    if (!(request_log = RequestLog::Open(options.request_log_path, &error))) {
      std::cerr << "minitwit-sim: " << error << "\n";
      return 2;
    }
  }

  RunSettings settings;
  settings.client.host = options.host;
  settings.client.port = options.port;
  settings.client.timeout = std::chrono::milliseconds(options.timeout_ms);
  settings.client.keep_alive = options.keep_alive;
  settings.base_path = options.base_path;
  settings.users = options.users;
  settings.register_users = options.register_users;
  settings.honor_delays = options.honor_delays;
  settings.speedup = options.speedup;
  settings.max_in_flight = options.max_in_flight;
  const bool progress = !options.quiet && isatty(STDERR_FILENO) == 1;
  if (progress) {
    settings.progress = [](const std::string& line) { std::cerr << "\r" << line << "\x1b[K" << std::flush; };
  }
  settings.request_log = request_log.get();

  int stopped_by = 0;
  try {
    Runner runner(settings);
    if (auto error = runner.Resolve()) {
      std::cerr << "minitwit-sim: " << *error << "\n";
      return 2;
    }
    std::optional<std::int64_t> expected;
    if (options.profile) {
      // Open loop: registers first (closed, so every later action's users exist), then the
      // rest on the profile's schedule, cycling.
      std::vector<Action> registers;
      std::vector<Action> activity;
      for (Action& action : actions) {
        (action.kind == ActionKind::kRegister ? registers : activity).push_back(std::move(action));
      }
      if (activity.empty()) {
        std::cerr << "minitwit-sim: open loop needs actions other than register\n";
        return 2;
      }
      if (!registers.empty()) report.phases.push_back(runner.RunScenario(registers));
      if (runner.StoppedBySignal() == 0) report.phases.push_back(runner.RunOpenLoop(activity, *options.profile));
    } else {
      if (!actions.empty()) {
        report.phases.push_back(runner.RunScenario(actions));
        expected = actions.back().id;
      }
      if (options.read_mix > 0 && runner.StoppedBySignal() == 0) {
        report.phases.push_back(runner.RunReads(options.read_mix));
      }
    }
    if (progress) std::cerr << "\n";
    stopped_by = runner.StoppedBySignal();
    if (stopped_by == 0) {
      report.latest = runner.CheckLatest(expected);
    } else {
      report.latest.error = "not checked: stopped by signal " + std::to_string(stopped_by);
    }
    if (!options.timeseries_path.empty() && !WriteTimeSeries(options.timeseries_path, runner.Series())) return 2;
  } catch (const std::exception& error) {
    std::cerr << "minitwit-sim: " << error.what() << "\n";
    return 2;
  }

  if (options.json) {
    std::cout << ReportJson(report).dump(2) << "\n";
  } else {
    std::cout << ReportText(report);
  }
  if (stopped_by != 0) {
    std::cerr << "minitwit-sim: stopped by signal " << stopped_by << "; the summary above is partial\n";
    return 128 + stopped_by;
  }
  if (report.TotalErrors() > options.max_errors) return 1;
  if (!report.latest.error.empty() || !report.latest.Matches()) return 3;
  return 0;
}
