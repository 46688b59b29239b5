#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace minitwit::observability {

// One Prometheus metric family (counter, gauge or histogram) with a fixed set of label
// names. Thread-safe; values are kept per label-value tuple.
class MetricFamily {
 public:
  enum class Type { kCounter, kGauge, kHistogram };

  MetricFamily(std::string name, std::string help, Type type, std::vector<std::string> label_names,
               std::vector<double> buckets = {});

  // Counter and gauge.
  void Add(const std::vector<std::string>& label_values, double delta = 1.0);
  void Set(const std::vector<std::string>& label_values, double value);
  // Histogram.
  void Observe(const std::vector<std::string>& label_values, double value);

  double Value(const std::vector<std::string>& label_values) const;        // counter/gauge
  std::uint64_t Count(const std::vector<std::string>& label_values) const;  // histogram
  double Sum() const;  // sum over every label tuple (counter/gauge)

  // Appends the family in the Prometheus text exposition format 0.0.4.
  void Render(std::string& out) const;

 private:
  struct Series {
    double value = 0;                  // counter/gauge value, histogram sum
    std::uint64_t count = 0;           // histogram
    std::vector<std::uint64_t> bucket_counts;  // histogram, non-cumulative
  };
  std::string LabelText(const std::vector<std::string>& values, const std::string& extra = "") const;

  std::string name_;
  std::string help_;
  Type type_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, Series> series_;
};

// Owns metric families and renders them all.
class Registry {
 public:
  MetricFamily& Counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  MetricFamily& Gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  MetricFamily& Histogram(const std::string& name, const std::string& help, std::vector<double> buckets,
                          std::vector<std::string> labels = {});
  std::string Render() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
};

// The operator's metrics, registered once and passed by reference to the components.
struct OperatorMetrics {
  explicit OperatorMetrics(Registry& registry);

  MetricFamily& reconciles;          // {result}: success | requeue | error
  MetricFamily& reconcile_duration;  // seconds
  MetricFamily& queue_depth;
  MetricFamily& queue_adds;
  MetricFamily& queue_retries;
  MetricFamily& watch_restarts;      // {resource, reason}: expired | error
  MetricFamily& leader;              // 1 while this replica leads
  // {client, verb}: client is "controller" (informers and reconciles) or "leader-election";
  // verb is get list watch create update patch apply delete.
  MetricFamily& api_requests;
  MetricFamily& api_errors;          // {client, verb, code}
  MetricFamily& informers_synced;    // {resource}

  // Requests of `client` that change the cluster (create, update, patch, apply, delete).
  // Lease renewals are the leader-election client's, so a converged operator's controller
  // writes nothing.
  double WriteRequests(const std::string& client = "controller") const;
};

}  // namespace minitwit::observability
