#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <cstdint>
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
  // Creates the series at 0 (an empty histogram), so that it is exported before its first event.
  void Touch(const std::vector<std::string>& label_values);
  // Drops one series (an object that no longer exists).
  void Remove(const std::vector<std::string>& label_values);

  double Value(const std::vector<std::string>& label_values) const;        // counter/gauge
  std::uint64_t Count(const std::vector<std::string>& label_values) const;  // histogram
  double Sum() const;  // sum over every label tuple (counter/gauge)
  // Sum over the series whose labels have the given values (the others are free).
  double SumWhere(const std::map<std::string, std::string>& labels) const;
  std::size_t SeriesCount() const;

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

// Owns metric families and renders them all, then the text of each collector (metrics read
// at scrape time, such as the process's own).
class Registry {
 public:
  MetricFamily& Counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  MetricFamily& Gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  MetricFamily& Histogram(const std::string& name, const std::string& help, std::vector<double> buckets,
                          std::vector<std::string> labels = {});
  void AddCollector(std::function<std::string()> collector);
  std::string Render() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::vector<std::function<std::string()>> collectors_;
};

// Adds the process_* metrics (CPU, memory, start time, file descriptors), read at each scrape.
void RegisterProcessMetrics(Registry& registry);

// Constant label values, as controller-runtime and client-go would set them for this controller.
inline constexpr char kControllerName[] = "minitwit";  // controller=, and the work queue's name=

// The operator's metrics, registered once and passed by reference to the components. Names
// follow controller-runtime and client-go, so that their dashboards and alerts apply as they are;
// minitwit_operator_* are this operator's own. docs/monitoring.md lists them all.
struct OperatorMetrics {
  explicit OperatorMetrics(Registry& registry);

  // controller-runtime
  MetricFamily& reconciles;          // {controller, result}: success | error | requeue | requeue_after
  MetricFamily& reconcile_errors;    // {controller}
  MetricFamily& reconcile_duration;  // {controller}, seconds
  MetricFamily& active_workers;      // {controller}
  MetricFamily& max_workers;         // {controller}
  // client-go work queue, {name}
  MetricFamily& queue_depth;
  MetricFamily& queue_adds;
  MetricFamily& queue_retries;
  MetricFamily& queue_duration;  // seconds from add to Get
  MetricFamily& work_duration;   // seconds from Get to Done
  MetricFamily& leader;          // {name}: 1 while this replica holds the Lease `name`
  // client-go: {code, method, host}; code is the HTTP status or "<error>" (no response).
  MetricFamily& rest_requests;
  // {client, verb}: client is "controller" (informers and reconciles) or "leader-election";
  // verb is get list watch create update patch apply delete. The split by client is what
  // rest_client_requests_total cannot show: a converged controller writes nothing, while the
  // election renews its Lease.
  MetricFamily& api_requests;
  MetricFamily& watch_restarts;      // {resource, reason}: expired | error
  MetricFamily& informers_synced;    // {resource}
  // Per MiniTwit, as the reconciler last saw it; {namespace, name}. Dropped when it is deleted.
  MetricFamily& resource_ready;      // the Ready condition, 1 or 0
  MetricFamily& database_ready;      // the DatabaseReady condition, 1 or 0
  MetricFamily& rollbacks;           // rollbacks the operator made
  MetricFamily& replicas;            // {namespace, name, type}: desired | ready | min | max

  // Requests of `client` that change the cluster (create, update, patch, apply, delete).
  // Lease renewals are the leader-election client's, so a converged operator's controller
  // writes nothing.
  double WriteRequests(const std::string& client = "controller") const;
  // Forgets every per-MiniTwit series of namespace/name.
  void ForgetResource(const std::string& ns, const std::string& name);
};

}  // namespace minitwit::observability
