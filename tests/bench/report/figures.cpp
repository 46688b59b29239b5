#include "report/figures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minitwit::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* const kLoadColumns[] = {"t",      "unix_time", "target_rps", "sent",   "ok",    "connection",
                                    "timeout", "status",   "dropped",    "p50_ms", "p99_ms", "max_ms"};
const char* const kClusterColumns[] = {"unix_time", "hpa_desired", "hpa_current", "ready_pods", "cpu_utilization",
                                       "cpu_target"};

double ZeroIfNaN(double value) { return std::isnan(value) ? 0 : value; }

WindowLatency Latency(const ScalingRun& run, double from, double to) {
  std::vector<double> p99;
  for (std::size_t i = 0; i < run.t.size(); ++i) {
    if (run.t[i] >= from && run.t[i] < to && run.sent[i] > 0) p99.push_back(run.p99_ms[i]);
  }
  WindowLatency window;
  window.seconds = p99.size();
  if (p99.empty()) return window;
  std::sort(p99.begin(), p99.end());
  window.median_p99_ms = p99[(p99.size() - 1) / 2];
  window.worst_p99_ms = p99.back();
  return window;
}

std::size_t ErrorsBetween(const ScalingRun& run, double from, double to) {
  double errors = 0;
  for (std::size_t i = 0; i < run.t.size(); ++i) {
    if (run.t[i] >= from && run.t[i] <= to) errors += run.ErrorsAt(i);
  }
  return static_cast<std::size_t>(errors);
}

nlohmann::ordered_json Seconds(double value) {
  if (std::isnan(value)) return nullptr;
  return std::round(value * 10) / 10;
}

nlohmann::ordered_json LatencyJson(const WindowLatency& w) {
  return {{"seconds", w.seconds},
          {"median_p99_ms", std::round(w.median_p99_ms * 10) / 10},
          {"worst_p99_ms", std::round(w.worst_p99_ms * 10) / 10}};
}

}  // namespace

ScalingRunResult MakeRun(const Table& load, const Table& cluster) {
  ScalingRunResult result;
  for (const char* column : kLoadColumns) {
    if (!load.Column(column)) return {{}, std::string("the load time series has no column ") + column};
  }
  for (const char* column : kClusterColumns) {
    if (!cluster.Column(column)) return {{}, std::string("the cluster recording has no column ") + column};
  }
  if (load.rows.empty()) return {{}, "the load time series has no rows"};
  ScalingRun& run = result.run;
  run.unix_start = load.Number(0, "unix_time") - load.Number(0, "t");
  std::vector<double>* load_series[] = {&run.t,          &run.target_rps, &run.sent,   &run.ok,
                                        &run.connection, &run.timeout,    &run.status, &run.dropped,
                                        &run.p50_ms,     &run.p99_ms,     &run.max_ms};
  const char* load_names[] = {"t",       "target_rps", "sent",   "ok",     "connection", "timeout",
                              "status",  "dropped",    "p50_ms", "p99_ms", "max_ms"};
  for (std::size_t r = 0; r < load.rows.size(); ++r) {
    for (std::size_t k = 0; k < std::size(load_names); ++k) load_series[k]->push_back(ZeroIfNaN(load.Number(r, load_names[k])));
  }
  for (std::size_t r = 0; r < cluster.rows.size(); ++r) {
    const double unix_time = cluster.Number(r, "unix_time");
    if (std::isnan(unix_time)) return {{}, "cluster recording row " + std::to_string(r + 2) + ": no unix_time"};
    run.ct.push_back(unix_time - run.unix_start);
    run.hpa_desired.push_back(cluster.Number(r, "hpa_desired"));
    run.hpa_current.push_back(cluster.Number(r, "hpa_current"));
    run.ready_pods.push_back(cluster.Number(r, "ready_pods"));
    run.cpu_utilization.push_back(cluster.Number(r, "cpu_utilization"));
    run.cpu_target.push_back(cluster.Number(r, "cpu_target"));
    run.phase.push_back(cluster.Text(r, "phase"));
  }
  return result;
}

Figures ComputeFigures(const ScalingRun& run, std::optional<int> min_replicas) {
  Figures f;
  f.first_scale_up_s = f.peak_desired_s = f.peak_ready_s = f.back_to_min_s = kNaN;
  for (double rate : run.target_rps) f.peak_rps = std::max(f.peak_rps, rate);
  f.step_start_s = run.t.empty() ? 0 : run.t.back() + 1;
  f.step_end_s = f.step_start_s;
  bool seen_step = false;
  for (std::size_t i = 0; i < run.t.size(); ++i) {
    const bool in_step = f.peak_rps > 0 && run.target_rps[i] >= 0.9 * f.peak_rps;
    if (in_step && !seen_step) f.step_start_s = run.t[i];
    if (in_step) f.step_end_s = run.t[i] + 1;
    seen_step = seen_step || in_step;
    // The warm-up's rate: its first full second (the second the step starts in is a blend).
    if (!seen_step && f.base_rps == 0 && i > 0 && run.target_rps[i] > 0 && run.target_rps[i - 1] > 0) {
      f.base_rps = run.target_rps[i];
    }
  }
  for (double target : run.cpu_target) {
    if (!std::isnan(target)) f.cpu_target = target;
  }

  // The replicas the HPA wanted when the step began: the last sample at or before it.
  int at_step = 0;
  for (std::size_t i = 0; i < run.ct.size(); ++i) {
    if (std::isnan(run.hpa_desired[i])) continue;
    if (run.ct[i] <= f.step_start_s || at_step == 0) at_step = static_cast<int>(run.hpa_desired[i]);
  }
  f.min_replicas = min_replicas.value_or(at_step);
  for (std::size_t i = 0; i < run.ct.size(); ++i) {
    if (!std::isnan(run.hpa_desired[i])) f.peak_replicas = std::max(f.peak_replicas, static_cast<int>(run.hpa_desired[i]));
    if (!std::isnan(run.ready_pods[i])) f.peak_ready = std::max(f.peak_ready, static_cast<int>(run.ready_pods[i]));
    if (!run.phase[i].empty() && run.phase[i] != "Ready") ++f.not_ready_samples;
  }
  double scale_down_from = kNaN;
  for (std::size_t i = 0; i < run.ct.size(); ++i) {
    const double t = run.ct[i];
    if (t < f.step_start_s) continue;
    const double since_step = t - f.step_start_s;
    if (std::isnan(f.first_scale_up_s) && run.hpa_desired[i] > at_step) f.first_scale_up_s = since_step;
    if (std::isnan(f.peak_desired_s) && run.hpa_desired[i] == f.peak_replicas && f.peak_replicas > at_step) {
      f.peak_desired_s = since_step;
    }
    if (std::isnan(f.peak_ready_s) && run.ready_pods[i] == f.peak_ready && f.peak_ready > at_step) {
      f.peak_ready_s = since_step;
    }
    if (!std::isnan(f.peak_desired_s) && std::isnan(scale_down_from) && run.hpa_desired[i] < f.peak_replicas) {
      scale_down_from = t;
    }
    if (t >= f.step_end_s && std::isnan(f.back_to_min_s) && run.hpa_desired[i] == f.min_replicas &&
        run.ready_pods[i] == f.min_replicas && (std::isnan(run.hpa_current[i]) || run.hpa_current[i] == f.min_replicas)) {
      f.back_to_min_s = t - f.step_end_s;
    }
  }
  const double end = run.t.empty() ? 0 : run.t.back() + 1;
  const double scaled_up_at = std::isnan(f.peak_ready_s) ? f.step_end_s : f.step_start_s + f.peak_ready_s;
  f.before = Latency(run, 0, f.step_start_s);
  f.during = Latency(run, f.step_start_s, scaled_up_at);
  f.after = Latency(run, scaled_up_at, f.step_end_s);
  for (std::size_t i = 0; i < run.t.size(); ++i) {
    f.requests += static_cast<std::size_t>(run.sent[i]);
    f.failed += static_cast<std::size_t>(run.ErrorsAt(i));
  }
  f.failed_scale_up = ErrorsBetween(run, f.step_start_s, scaled_up_at);
  if (!std::isnan(scale_down_from)) {
    const double back = std::isnan(f.back_to_min_s) ? end : f.step_end_s + f.back_to_min_s;
    f.failed_scale_down = ErrorsBetween(run, scale_down_from, back);
  }
  return f;
}

nlohmann::ordered_json FiguresJson(const Figures& f) {
  return {{"base_rps", f.base_rps},
          {"peak_rps", f.peak_rps},
          {"step_start_s", f.step_start_s},
          {"step_end_s", f.step_end_s},
          {"cpu_target_percent", f.cpu_target},
          {"min_replicas", f.min_replicas},
          {"peak_replicas", f.peak_replicas},
          {"peak_ready", f.peak_ready},
          {"first_scale_up_after_step_s", Seconds(f.first_scale_up_s)},
          {"peak_desired_after_step_s", Seconds(f.peak_desired_s)},
          {"peak_ready_after_step_s", Seconds(f.peak_ready_s)},
          {"back_to_min_after_step_end_s", Seconds(f.back_to_min_s)},
          {"p99_before", LatencyJson(f.before)},
          {"p99_during_scale_up", LatencyJson(f.during)},
          {"p99_after_scale_up", LatencyJson(f.after)},
          {"requests", f.requests},
          {"failed", f.failed},
          {"failed_during_scale_up", f.failed_scale_up},
          {"failed_during_scale_down", f.failed_scale_down},
          {"not_ready_samples", f.not_ready_samples}};
}

}  // namespace minitwit::report
