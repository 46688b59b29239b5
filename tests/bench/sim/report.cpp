#include "sim/report.hpp"

#include <cstdarg>
#include <cstdio>

namespace minitwit::sim {
namespace {

double Rate(const PhaseResult& phase) {
  return phase.elapsed_s > 0 ? static_cast<double>(phase.tally.Requests()) / phase.elapsed_s : 0;
}

double Round(double value) { return static_cast<double>(static_cast<long long>(value * 1000.0 + 0.5)) / 1000.0; }

nlohmann::ordered_json LatencyJson(const LatencySummary& s) {
  return {{"p50", Round(s.p50)}, {"p90", Round(s.p90)}, {"p99", Round(s.p99)},
          {"max", Round(s.max)}, {"mean", Round(s.mean)}};
}

[[gnu::format(printf, 1, 2)]] std::string Format(const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  return line;
}

}  // namespace

std::size_t RunReport::TotalErrors() const {
  std::size_t errors = 0;
  for (const PhaseResult& phase : phases) errors += phase.tally.Errors();
  return errors;
}

nlohmann::ordered_json ReportJson(const RunReport& report) {
  nlohmann::ordered_json json;
  json["url"] = report.url;
  json["source"] = report.source;
  json["keep_alive"] = report.keep_alive;
  json["timeout_ms"] = report.timeout_ms;
  json["phases"] = nlohmann::ordered_json::object();
  for (const PhaseResult& phase : report.phases) {
    const Tally& t = phase.tally;
    nlohmann::ordered_json p;
    p["users"] = phase.users;
    p["requests"] = t.Requests();
    p["errors"] = {{"total", t.Errors()}, {"connection", t.ConnectionErrors()},
                   {"timeout", t.Timeouts()}, {"status", t.WrongStatus()},
                   {"dropped", t.Dropped()}};
    p["over_budget"] = t.OverBudget();
    p["elapsed_s"] = Round(phase.elapsed_s);
    p["requests_per_s"] = Round(Rate(phase));
    p["latency_ms"] = LatencyJson(Summarize(t.Latencies()));
    nlohmann::ordered_json kinds = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < kRequestKindCount; ++k) {
      const KindTally& kind = t.ByKind()[k];
      if (kind.requests == 0) continue;
      nlohmann::ordered_json entry = LatencyJson(Summarize(kind.latencies_ms));
      entry["requests"] = kind.requests;
      entry["errors"] = kind.errors;
      kinds[std::string(RequestKindName(static_cast<RequestKind>(k)))] = entry;
    }
    p["by_kind"] = kinds;
    nlohmann::ordered_json stages = nlohmann::ordered_json::object();
    for (const Stage& stage : phase.stages) {
      const double rate = stage.elapsed_s > 0 ? static_cast<double>(stage.tally.Requests()) / stage.elapsed_s : 0;
      stages[stage.name] = {{"users", stage.users},
                            {"requests", stage.tally.Requests()},
                            {"errors", stage.tally.Errors()},
                            {"over_budget", stage.tally.OverBudget()},
                            {"elapsed_s", Round(stage.elapsed_s)},
                            {"requests_per_s", Round(rate)},
                            {"latency_ms", LatencyJson(Summarize(stage.tally.Latencies()))}};
    }
    p["stages"] = stages;
    nlohmann::ordered_json samples = nlohmann::ordered_json::array();
    for (const ErrorSample& s : t.Samples()) {
      samples.push_back({{"id", s.id}, {"kind", RequestKindName(s.kind)}, {"error", OutcomeName(s.outcome)},
                         {"status", s.status}, {"latency_ms", Round(s.latency_ms)}, {"detail", s.detail}});
    }
    p["error_samples"] = samples;
    json["phases"][phase.name] = p;
  }
  nlohmann::ordered_json latest;
  latest["value"] = report.latest.value ? nlohmann::ordered_json(*report.latest.value) : nullptr;
  latest["expected"] = report.latest.expected ? nlohmann::ordered_json(*report.latest.expected) : nullptr;
  latest["match"] = report.latest.error.empty() && report.latest.Matches();
  if (!report.latest.error.empty()) latest["error"] = report.latest.error;
  json["latest"] = latest;
  json["errors_total"] = report.TotalErrors();
  return json;
}

std::string ReportText(const RunReport& report) {
  std::string out = "minitwit-sim " + report.url + " (" + report.source + ", " +
                    (report.keep_alive ? "keep-alive" : "Connection: close") + ", budget " +
                    std::to_string(report.timeout_ms) + " ms)\n";
  for (const PhaseResult& phase : report.phases) {
    const Tally& t = phase.tally;
    const LatencySummary s = Summarize(t.Latencies());
    out += Format("%-8s users=%zu requests=%zu errors=%zu (connection=%zu timeout=%zu status=%zu dropped=%zu) "
                  "over_budget=%zu\n",
                  phase.name.c_str(), phase.users, t.Requests(), t.Errors(), t.ConnectionErrors(),
                  t.Timeouts(), t.WrongStatus(), t.Dropped(), t.OverBudget());
    out += Format("         %.1f req/s in %.2f s; latency ms p50=%.2f p90=%.2f p99=%.2f max=%.2f\n",
                  Rate(phase), phase.elapsed_s, s.p50, s.p90, s.p99, s.max);
    for (const Stage& stage : phase.stages) {
      const LatencySummary ss = Summarize(stage.tally.Latencies());
      const double rate = stage.elapsed_s > 0 ? static_cast<double>(stage.tally.Requests()) / stage.elapsed_s : 0;
      out += Format("         stage %-10s users=%zu n=%zu errors=%zu %.1f req/s p50=%.2f p99=%.2f max=%.2f\n",
                    stage.name.c_str(), stage.users, stage.tally.Requests(), stage.tally.Errors(), rate, ss.p50,
                    ss.p99, ss.max);
    }
    for (std::size_t k = 0; k < kRequestKindCount; ++k) {
      const KindTally& kind = t.ByKind()[k];
      if (kind.requests == 0) continue;
      const LatencySummary ks = Summarize(kind.latencies_ms);
      out += Format("         %-9s n=%-6zu errors=%-5zu p50=%.2f p99=%.2f max=%.2f\n",
                    std::string(RequestKindName(static_cast<RequestKind>(k))).c_str(), kind.requests,
                    kind.errors, ks.p50, ks.p99, ks.max);
    }
    for (const ErrorSample& e : t.Samples()) {
      out += Format("         error id=%lld %s %s status=%d %.1f ms %s\n", static_cast<long long>(e.id),
                    std::string(RequestKindName(e.kind)).c_str(), std::string(OutcomeName(e.outcome)).c_str(),
                    e.status, e.latency_ms, e.detail.c_str());
    }
  }
  if (!report.latest.error.empty()) {
    out += "latest   " + report.latest.error + "\n";
  } else {
    out += "latest   " + (report.latest.value ? std::to_string(*report.latest.value) : std::string("?")) +
           (report.latest.expected ? " expected " + std::to_string(*report.latest.expected) : std::string()) +
           (report.latest.Matches() ? " (ok)\n" : " (MISMATCH)\n");
  }
  out += "total errors " + std::to_string(report.TotalErrors()) + "\n";
  return out;
}

}  // namespace minitwit::sim
