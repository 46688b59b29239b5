#include "observability/metrics.hpp"

#include <sstream>

#include "observability/process_metrics.hpp"

namespace minitwit {

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"};
  for (const auto known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

void Metrics::ObserveRequest(std::string_view method, std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(MethodLabel(method)), status}];
  auto& histogram = latency_[std::string(route)];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++histogram.buckets[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += seconds;
}

std::string Metrics::Render(const PoolStats& pool, std::optional<std::int64_t> latest,
                            const TimelineCacheStats& timeline_cache) const {
  std::ostringstream out;
  out << "# HELP minitwit_http_requests_total HTTP requests by route pattern, method and status code.\n"
         "# TYPE minitwit_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out << "minitwit_http_requests_total{route=\"" << EscapeLabelValue(route) << "\",method=\""
        << EscapeLabelValue(method) << "\",code=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP minitwit_http_request_duration_seconds Time to handle a request, by route pattern.\n"
         "# TYPE minitwit_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : latency_) {
    const auto label = EscapeLabelValue(route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += histogram.buckets[i];
      out << "minitwit_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\"" << kBuckets[i] << "\"} "
          << cumulative << "\n";
    }
    out << "minitwit_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\"+Inf\"} " << histogram.count
        << "\n";
    out << "minitwit_http_request_duration_seconds_sum{route=\"" << label << "\"} " << histogram.sum << "\n";
    out << "minitwit_http_request_duration_seconds_count{route=\"" << label << "\"} " << histogram.count << "\n";
  }
  out << "# HELP minitwit_http_requests_in_flight Requests being handled now.\n"
         "# TYPE minitwit_http_requests_in_flight gauge\n"
         "minitwit_http_requests_in_flight "
      << in_flight_.load() << "\n";
  out << "# HELP minitwit_db_pool_connections Database connections by state.\n"
         "# TYPE minitwit_db_pool_connections gauge\n"
         "minitwit_db_pool_connections{state=\"in_use\"} "
      << pool.in_use << "\nminitwit_db_pool_connections{state=\"idle\"} " << pool.idle << "\n";
  out << "# HELP minitwit_db_pool_size Configured maximum of database connections.\n"
         "# TYPE minitwit_db_pool_size gauge\n"
         "minitwit_db_pool_size "
      << pool.capacity << "\n";
  out << "# HELP minitwit_public_timeline_reads_total Public timeline reads (GET /msgs, GET /public) by where "
         "they were answered from.\n"
         "# TYPE minitwit_public_timeline_reads_total counter\n"
         "minitwit_public_timeline_reads_total{source=\"cache\"} "
      << timeline_cache.hits << "\nminitwit_public_timeline_reads_total{source=\"database\"} " << timeline_cache.misses
      << "\n";
  out << "# HELP minitwit_public_timeline_cache_live 1 while the public timeline cache hears every change; 0: every "
         "read goes to the database.\n"
         "# TYPE minitwit_public_timeline_cache_live gauge\n"
         "minitwit_public_timeline_cache_live "
      << (timeline_cache.live ? 1 : 0) << "\n";
  out << observability::RenderProcessMetrics();
  if (latest) {
    out << "# HELP minitwit_latest The simulator's most recent action id stored.\n"
           "# TYPE minitwit_latest gauge\n"
           "minitwit_latest "
        << *latest << "\n";
  }
  return out.str();
}

}  // namespace minitwit
