#include "sim/timeseries.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace minitwit::sim {

const char* const kTimeSeriesCsvHeader =
    "t,unix_time,target_rps,sent,ok,connection,timeout,status,dropped,p50_ms,p99_ms,max_ms";

namespace {

double Round3(double value) { return std::round(value * 1000.0) / 1000.0; }

// The mean of the profile's rate over [t, t + 1), by the trapezoid rule on a fine grid.
double MeanRate(const Profile& profile, double t) {
  constexpr int kSteps = 20;
  double sum = 0;
  for (int i = 0; i < kSteps; ++i) sum += profile.RateAt(t + (i + 0.5) / kSteps);
  return sum / kSteps;
}

}  // namespace

void TimeSeries::SetProfile(Profile profile, double offset_s) {
  profile_ = std::move(profile);
  profile_offset_s_ = offset_s;
  const double end = offset_s + profile_->DurationSeconds();
  if (end > 0 && buckets_.size() < static_cast<std::size_t>(std::ceil(end))) {
    buckets_.resize(static_cast<std::size_t>(std::ceil(end)));
  }
}

void TimeSeries::Record(double t_s, Outcome outcome, double latency_ms) {
  const std::size_t second = t_s <= 0 ? 0 : static_cast<std::size_t>(t_s);
  if (second >= buckets_.size()) buckets_.resize(second + 1);
  Bucket& bucket = buckets_[second];
  ++bucket.counts[static_cast<std::size_t>(outcome)];
  if (outcome != Outcome::kDropped) bucket.latencies_ms.push_back(latency_ms);
}

SecondRow TimeSeries::RowOf(std::size_t second, const Bucket& bucket) const {
  SecondRow row;
  row.second = second;
  row.unix_time = unix_start_ + static_cast<double>(second);
  if (profile_) row.target_rps = MeanRate(*profile_, static_cast<double>(second) - profile_offset_s_);
  row.ok = bucket.counts[static_cast<std::size_t>(Outcome::kOk)];
  row.connection = bucket.counts[static_cast<std::size_t>(Outcome::kConnectionError)];
  row.timeout = bucket.counts[static_cast<std::size_t>(Outcome::kTimeout)];
  row.status = bucket.counts[static_cast<std::size_t>(Outcome::kWrongStatus)];
  row.dropped = bucket.counts[static_cast<std::size_t>(Outcome::kDropped)];
  row.sent = row.ok + row.connection + row.timeout + row.status;
  const LatencySummary summary = Summarize(bucket.latencies_ms);
  row.p50_ms = summary.p50;
  row.p99_ms = summary.p99;
  row.max_ms = summary.max;
  return row;
}

std::vector<SecondRow> TimeSeries::Rows() const {
  std::vector<SecondRow> rows;
  rows.reserve(buckets_.size());
  for (std::size_t s = 0; s < buckets_.size(); ++s) rows.push_back(RowOf(s, buckets_[s]));
  return rows;
}

SecondRow TimeSeries::Window(std::size_t from, std::size_t to) const {
  Bucket merged;
  to = std::min(to, buckets_.size());
  for (std::size_t s = from; s < to; ++s) {
    for (std::size_t k = 0; k < 5; ++k) merged.counts[k] += buckets_[s].counts[k];
    merged.latencies_ms.insert(merged.latencies_ms.end(), buckets_[s].latencies_ms.begin(),
                               buckets_[s].latencies_ms.end());
  }
  return RowOf(from, merged);
}

std::string TimeSeries::Csv() const {
  std::string out = std::string(kTimeSeriesCsvHeader) + "\n";
  char line[256];
  for (const SecondRow& r : Rows()) {
    std::snprintf(line, sizeof line, "%zu,%.3f,%.3f,%zu,%zu,%zu,%zu,%zu,%zu,%.3f,%.3f,%.3f\n", r.second,
                  r.unix_time, r.target_rps, r.sent, r.ok, r.connection, r.timeout, r.status, r.dropped,
                  r.p50_ms, r.p99_ms, r.max_ms);
    out += line;
  }
  return out;
}

nlohmann::ordered_json TimeSeries::Json() const {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const SecondRow& r : Rows()) {
    rows.push_back({{"t", r.second},
                    {"unix_time", Round3(r.unix_time)},
                    {"target_rps", Round3(r.target_rps)},
                    {"sent", r.sent},
                    {"ok", r.ok},
                    {"errors", {{"connection", r.connection}, {"timeout", r.timeout}, {"status", r.status},
                                {"dropped", r.dropped}}},
                    {"p50_ms", Round3(r.p50_ms)},
                    {"p99_ms", Round3(r.p99_ms)},
                    {"max_ms", Round3(r.max_ms)}});
  }
  return rows;
}

std::string FormatProgress(const ProgressSnapshot& s) {
  char time[64];
  if (s.planned_s) {
    const double left = std::max(0.0, *s.planned_s - s.elapsed_s);
    std::snprintf(time, sizeof time, "%4.0fs/%.0fs (%.0fs left)", s.elapsed_s, *s.planned_s, left);
  } else {
    std::snprintf(time, sizeof time, "%4.0fs", s.elapsed_s);
  }
  char line[256];
  std::snprintf(line, sizeof line,
                "%s  %5zu req/s  p50 %.1f ms  p99 %.1f ms  sent %zu  errors: connection %zu timeout %zu "
                "status %zu dropped %zu",
                time, s.last.sent, s.last.p50_ms, s.last.p99_ms, s.sent, s.connection, s.timeout, s.status,
                s.dropped);
  return line;
}

}  // namespace minitwit::sim
