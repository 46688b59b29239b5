#include "observability/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "observability/process_metrics.hpp"

namespace minitwit::observability {
namespace {

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// The shortest text that reads back as the same double (0.1, not 0.10000000000000001).
std::string FormatNumber(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : std::to_string(value);
}

const char* TypeName(MetricFamily::Type type) {
  switch (type) {
    case MetricFamily::Type::kCounter: return "counter";
    case MetricFamily::Type::kGauge: return "gauge";
    case MetricFamily::Type::kHistogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

MetricFamily::MetricFamily(std::string name, std::string help, Type type, std::vector<std::string> label_names,
                           std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {
  // An unlabelled family shows up at 0 from the start, as Prometheus clients do.
  if (label_names_.empty()) series_[{}].bucket_counts.resize(buckets_.size());
}

void MetricFamily::Add(const std::vector<std::string>& label_values, double delta) {
  std::lock_guard lock(mutex_);
  series_[label_values].value += delta;
}

void MetricFamily::Set(const std::vector<std::string>& label_values, double value) {
  std::lock_guard lock(mutex_);
  series_[label_values].value = value;
}

void MetricFamily::Observe(const std::vector<std::string>& label_values, double value) {
  std::lock_guard lock(mutex_);
  Series& series = series_[label_values];
  series.bucket_counts.resize(buckets_.size());
  series.value += value;
  ++series.count;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (value <= buckets_[i]) {
      ++series.bucket_counts[i];
      break;
    }
  }
}

void MetricFamily::Touch(const std::vector<std::string>& label_values) {
  std::lock_guard lock(mutex_);
  series_[label_values].bucket_counts.resize(buckets_.size());
}

void MetricFamily::Remove(const std::vector<std::string>& label_values) {
  std::lock_guard lock(mutex_);
  series_.erase(label_values);
}

double MetricFamily::SumWhere(const std::map<std::string, std::string>& labels) const {
  std::lock_guard lock(mutex_);
  double sum = 0;
  for (const auto& [values, series] : series_) {
    bool match = true;
    for (std::size_t i = 0; i < label_names_.size() && i < values.size() && match; ++i) {
      auto it = labels.find(label_names_[i]);
      match = it == labels.end() || it->second == values[i];
    }
    if (match) sum += series.value;
  }
  return sum;
}

std::size_t MetricFamily::SeriesCount() const {
  std::lock_guard lock(mutex_);
  return series_.size();
}

double MetricFamily::Value(const std::vector<std::string>& label_values) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find(label_values);
  return it == series_.end() ? 0.0 : it->second.value;
}

std::uint64_t MetricFamily::Count(const std::vector<std::string>& label_values) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find(label_values);
  return it == series_.end() ? 0 : it->second.count;
}

double MetricFamily::Sum() const {
  std::lock_guard lock(mutex_);
  double sum = 0;
  for (const auto& [labels, series] : series_) sum += series.value;
  return sum;
}

std::string MetricFamily::LabelText(const std::vector<std::string>& values, const std::string& extra) const {
  std::string out;
  for (std::size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ',';
    out += label_names_[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  }
  if (!extra.empty()) {
    if (!out.empty()) out += ',';
    out += extra;
  }
  return out.empty() ? "" : "{" + out + "}";
}

void MetricFamily::Render(std::string& out) const {
  std::lock_guard lock(mutex_);
  out += "# HELP " + name_ + " " + help_ + "\n";
  out += "# TYPE " + name_ + " " + TypeName(type_) + "\n";
  for (const auto& [labels, series] : series_) {
    if (type_ != Type::kHistogram) {
      out += name_ + LabelText(labels) + " " + FormatNumber(series.value) + "\n";
      continue;
    }
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += i < series.bucket_counts.size() ? series.bucket_counts[i] : 0;
      out += name_ + "_bucket" + LabelText(labels, "le=\"" + FormatNumber(buckets_[i]) + "\"") + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name_ + "_bucket" + LabelText(labels, "le=\"+Inf\"") + " " + std::to_string(series.count) + "\n";
    out += name_ + "_sum" + LabelText(labels) + " " + FormatNumber(series.value) + "\n";
    out += name_ + "_count" + LabelText(labels) + " " + std::to_string(series.count) + "\n";
  }
}

MetricFamily& Registry::Counter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  families_.push_back(std::make_unique<MetricFamily>(name, help, MetricFamily::Type::kCounter, std::move(labels)));
  return *families_.back();
}

MetricFamily& Registry::Gauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  families_.push_back(std::make_unique<MetricFamily>(name, help, MetricFamily::Type::kGauge, std::move(labels)));
  return *families_.back();
}

MetricFamily& Registry::Histogram(const std::string& name, const std::string& help, std::vector<double> buckets,
                                  std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  families_.push_back(std::make_unique<MetricFamily>(name, help, MetricFamily::Type::kHistogram, std::move(labels),
                                                     std::move(buckets)));
  return *families_.back();
}

void Registry::AddCollector(std::function<std::string()> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& family : families_) family->Render(out);
  for (const auto& collector : collectors_) out += collector();
  return out;
}

void RegisterProcessMetrics(Registry& registry) { registry.AddCollector(RenderProcessMetrics); }

namespace {
// controller-runtime's reconcile buckets and client-go's work-queue buckets (10 ns .. 10 s).
const std::vector<double> kReconcileBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4,
                                               0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3,
                                               3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60};
const std::vector<double> kQueueBuckets = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10};
}  // namespace

OperatorMetrics::OperatorMetrics(Registry& registry)
    : reconciles(registry.Counter("controller_runtime_reconcile_total",
                                  "Total number of reconciliations per controller.", {"controller", "result"})),
      reconcile_errors(registry.Counter("controller_runtime_reconcile_errors_total",
                                        "Total number of reconciliation errors per controller.", {"controller"})),
      reconcile_duration(registry.Histogram("controller_runtime_reconcile_time_seconds",
                                            "Length of time per reconciliation per controller.", kReconcileBuckets,
                                            {"controller"})),
      active_workers(registry.Gauge("controller_runtime_active_workers",
                                    "Number of currently used workers per controller.", {"controller"})),
      max_workers(registry.Gauge("controller_runtime_max_concurrent_reconciles",
                                 "Maximum number of concurrent reconciles per controller.", {"controller"})),
      queue_depth(registry.Gauge("workqueue_depth", "Current depth of workqueue.", {"name"})),
      queue_adds(registry.Counter("workqueue_adds_total", "Total number of adds handled by workqueue.", {"name"})),
      queue_retries(registry.Counter("workqueue_retries_total", "Total number of retries handled by workqueue.",
                                     {"name"})),
      queue_duration(registry.Histogram("workqueue_queue_duration_seconds",
                                        "How long in seconds an item stays in workqueue before being requested.",
                                        kQueueBuckets, {"name"})),
      work_duration(registry.Histogram("workqueue_work_duration_seconds",
                                       "How long in seconds processing an item from workqueue takes.", kQueueBuckets,
                                       {"name"})),
      leader(registry.Gauge("leader_election_master_status",
                            "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, "
                            "1 indicates master. 'name' is the string used to identify the lease.",
                            {"name"})),
      rest_requests(registry.Counter("rest_client_requests_total",
                                     "Number of HTTP requests, partitioned by status code, method, and host.",
                                     {"code", "method", "host"})),
      api_requests(registry.Counter("minitwit_operator_api_requests_total",
                                    "Requests sent to the Kubernetes API server by client and verb.",
                                    {"client", "verb"})),
      watch_restarts(registry.Counter("minitwit_operator_watch_restarts_total",
                                      "Watches that broke and were re-established.", {"resource", "reason"})),
      informers_synced(registry.Gauge("minitwit_operator_informer_synced",
                                      "1 once an informer has listed its resource.", {"resource"})),
      resource_ready(registry.Gauge("minitwit_operator_resource_ready",
                                    "1 while the MiniTwit's Ready condition is True, else 0.", {"namespace", "name"})),
      database_ready(registry.Gauge("minitwit_operator_database_ready",
                                    "1 while the MiniTwit's DatabaseReady condition is True, else 0.",
                                    {"namespace", "name"})),
      rollbacks(registry.Counter("minitwit_operator_rollbacks_total",
                                 "Rollouts the operator rolled back to the last good image.", {"namespace", "name"})),
      replicas(registry.Gauge("minitwit_operator_replicas",
                              "Replicas of a MiniTwit: desired (the Deployment's spec), ready, and the min and max "
                              "the autoscaler may choose (both the fixed replicas without autoscaling).",
                              {"namespace", "name", "type"})) {
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) reconciles.Touch({kControllerName, result});
  for (MetricFamily* family : {&reconcile_errors, &reconcile_duration, &active_workers, &max_workers, &queue_depth,
                               &queue_adds, &queue_retries, &queue_duration, &work_duration}) {
    family->Touch({kControllerName});
  }
}

void OperatorMetrics::ForgetResource(const std::string& ns, const std::string& name) {
  resource_ready.Remove({ns, name});
  database_ready.Remove({ns, name});
  rollbacks.Remove({ns, name});
  for (const char* type : {"desired", "ready", "min", "max"}) replicas.Remove({ns, name, type});
}

double OperatorMetrics::WriteRequests(const std::string& client) const {
  double sum = 0;
  for (const char* verb : {"create", "update", "patch", "apply", "delete"}) sum += api_requests.Value({client, verb});
  return sum;
}

}  // namespace minitwit::observability
