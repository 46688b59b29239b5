#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "storage/repository.hpp"

namespace minitwit {

// Request metrics in Prometheus text format (exposition format 0.0.4).
class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

  void ObserveRequest(std::string_view method, std::string_view route, int status, double seconds);
  void AddInFlight(int delta) { in_flight_ += delta; }

  // latest: the stored value, when the database answered.
  std::string Render(const PoolStats& pool, std::optional<std::int64_t> latest,
                     const TimelineCacheStats& timeline_cache = {}) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // route, method, status
  std::map<std::string, Histogram> latency_;                                     // by route
  std::atomic<int> in_flight_{0};
};

// The method label: the standard methods as sent, anything else "other", so a client
// inventing methods cannot create unbounded series.
std::string_view MethodLabel(std::string_view method);

// Escapes a Prometheus label value (backslash, quote, newline).
std::string EscapeLabelValue(std::string_view value);

}  // namespace minitwit
