// minitwit-report: a run's time series (minitwit-sim --timeseries) and the cluster's side
// (a CSV, see figures.hpp) into one self-contained HTML page; wiring only.
#include <charconv>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "report/figures.hpp"
#include "report/html.hpp"
#include "report/table.hpp"

namespace {

const char* const kUsage = R"(usage: minitwit-report --load SIM.csv|SIM.json --cluster CLUSTER.csv --out REPORT.html
                       [--figures FIGURES.json] [--min-replicas N] [--title TEXT]
Joins minitwit-sim's per-second time series with the cluster recording (columns unix_time,
hpa_desired, hpa_current, ready_pods, cpu_utilization, cpu_target[, phase]) on one time axis.
Exit: 0 written, 2 usage or input error.
)";

int Usage(const std::string& error) {
  std::cerr << "minitwit-report: " << error << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace minitwit::report;
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string load_path, cluster_path, out_path, figures_path, title = "MiniTwit autoscaling under simulator load";
  std::optional<int> min_replicas;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= args.size()) return Usage(arg + " needs a value");
    const std::string& value = args[++i];
    if (arg == "--load") {
      load_path = value;
    } else if (arg == "--cluster") {
      cluster_path = value;
    } else if (arg == "--out") {
      out_path = value;
    } else if (arg == "--figures") {
      figures_path = value;
    } else if (arg == "--title") {
      title = value;
    } else if (arg == "--min-replicas") {
      int n = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size() || n < 1) return Usage("--min-replicas needs a positive count");
      min_replicas = n;
    } else {
      return Usage("unknown argument " + arg);
    }
  }
  if (load_path.empty() || cluster_path.empty() || out_path.empty()) return Usage("--load, --cluster and --out are required");

  const TableResult load = LoadTimeSeries(load_path);
  if (!load.error.empty()) return Usage(load.error);
  const TableResult cluster = LoadCsvFile(cluster_path);
  if (!cluster.error.empty()) return Usage(cluster.error);
  const ScalingRunResult run = MakeRun(load.table, cluster.table);
  if (!run.error.empty()) return Usage(run.error);
  const Figures figures = ComputeFigures(run.run, min_replicas);

  std::ofstream out(out_path);
  out << RenderHtml(run.run, figures, title);
  out.close();
  if (!out) return Usage("cannot write " + out_path);
  const std::string json = FiguresJson(figures).dump(2);
  if (!figures_path.empty()) {
    std::ofstream figures_out(figures_path);
    figures_out << json << "\n";
    if (!figures_out) return Usage("cannot write " + figures_path);
  }
  std::cout << json << "\n";
  return 0;
}
