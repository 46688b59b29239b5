#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/table.hpp"

namespace minitwit::report {

// A run on one time axis: seconds since the load tool started. The load side has one entry
// per second; the cluster side one per sample (about one a second).
struct ScalingRun {
  double unix_start = 0;
  std::vector<double> t, target_rps, sent, ok, connection, timeout, status, dropped, p50_ms, p99_ms, max_ms;
  std::vector<double> ct, hpa_desired, hpa_current, ready_pods, cpu_utilization, cpu_target;
  std::vector<std::string> phase;  // the MiniTwit's status.phase per cluster sample ("" if not recorded)
  double ErrorsAt(std::size_t i) const { return connection[i] + timeout[i] + status[i] + dropped[i]; }
};

struct ScalingRunResult {
  ScalingRun run;
  std::string error;
};

// Joins minitwit-sim's time series (columns t, unix_time, target_rps, sent, ok, connection,
// timeout, status, dropped, p50_ms, p99_ms, max_ms) with the cluster recording (columns
// unix_time, hpa_desired, hpa_current, ready_pods, cpu_utilization, cpu_target and optionally
// phase) on the load tool's clock.
ScalingRunResult MakeRun(const Table& load, const Table& cluster);

// p99 over a stretch of the run: the median and the worst of its seconds' p99.
struct WindowLatency {
  std::size_t seconds = 0;
  double median_p99_ms = 0;
  double worst_p99_ms = 0;
};

// What the issue asks to see from one run. Times are seconds; NaN when it did not happen.
struct Figures {
  double base_rps = 0;          // the rate before the step
  double peak_rps = 0;          // the step's rate
  double step_start_s = 0;      // the first second at >= 90% of the peak rate
  double step_end_s = 0;        // the second after the last one at >= 90% of it
  double cpu_target = 0;
  int min_replicas = 0;
  int peak_replicas = 0;        // the most replicas the HPA asked for
  int peak_ready = 0;           // the most ready pods
  double first_scale_up_s;      // step start -> the HPA first asks for more
  double peak_desired_s;        // step start -> the HPA asks for its peak
  double peak_ready_s;          // step start -> that many pods are ready
  double back_to_min_s;         // step end -> desired and ready are back at min_replicas
  WindowLatency before, during, after;  // before the step, scale-up, after scale-up (to step end)
  std::size_t requests = 0;
  std::size_t failed = 0;
  std::size_t failed_scale_up = 0;    // errors sent from step start to peak ready
  std::size_t failed_scale_down = 0;  // errors sent from the first scale-down to back at min
  std::size_t not_ready_samples = 0;  // cluster samples whose phase was recorded and not Ready
};

// min_replicas: the MiniTwit's autoscaling.minReplicas; when unset, the replicas the HPA
// wanted at the step.
Figures ComputeFigures(const ScalingRun& run, std::optional<int> min_replicas);
nlohmann::ordered_json FiguresJson(const Figures& figures);

}  // namespace minitwit::report
