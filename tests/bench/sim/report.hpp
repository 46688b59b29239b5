#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/runner.hpp"

namespace minitwit::sim {

struct RunReport {
  std::string url;
  std::string source;  // scenario path or "generated:N"
  bool keep_alive = false;
  int timeout_ms = 300;
  std::vector<PhaseResult> phases;
  LatestCheck latest;
  std::size_t TotalErrors() const;
};

nlohmann::ordered_json ReportJson(const RunReport& report);
std::string ReportText(const RunReport& report);

}  // namespace minitwit::sim
