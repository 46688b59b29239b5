#include "observability/metrics.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

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

std::string FormatNumber(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
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

std::string Registry::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& family : families_) family->Render(out);
  return out;
}

OperatorMetrics::OperatorMetrics(Registry& registry)
    : reconciles(registry.Counter("minitwit_operator_reconcile_total", "Reconciles by result.", {"result"})),
      reconcile_duration(registry.Histogram("minitwit_operator_reconcile_duration_seconds",
                                            "Time spent in one Reconcile call.",
                                            {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
      queue_depth(registry.Gauge("minitwit_operator_workqueue_depth", "Keys waiting in the work queue.")),
      queue_adds(registry.Counter("minitwit_operator_workqueue_adds_total", "Keys added to the work queue.")),
      queue_retries(registry.Counter("minitwit_operator_workqueue_retries_total",
                                     "Keys re-added with rate-limited back-off.")),
      watch_restarts(registry.Counter("minitwit_operator_watch_restarts_total",
                                      "Watches that broke and were re-established.", {"resource", "reason"})),
      leader(registry.Gauge("minitwit_operator_leader", "1 while this replica holds the leader lease.")),
      api_requests(registry.Counter("minitwit_operator_api_requests_total",
                                    "Requests sent to the Kubernetes API server by client and verb.",
                                    {"client", "verb"})),
      api_errors(registry.Counter("minitwit_operator_api_errors_total",
                                  "Failed Kubernetes API requests by verb and status (0: transport).",
                                  {"client", "verb", "code"})),
      informers_synced(registry.Gauge("minitwit_operator_informer_synced",
                                      "1 once an informer has listed its resource.", {"resource"})) {}

double OperatorMetrics::WriteRequests(const std::string& client) const {
  double sum = 0;
  for (const char* verb : {"create", "update", "patch", "apply", "delete"}) sum += api_requests.Value({client, verb});
  return sum;
}

}  // namespace minitwit::observability
