#include "report/table.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

namespace minitwit::report {
namespace {

std::vector<std::string> SplitLine(std::string_view line) {
  std::vector<std::string> cells;
  while (true) {
    const std::size_t comma = line.find(',');
    cells.emplace_back(line.substr(0, comma));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return cells;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Cell(const nlohmann::json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value.get<double>());
    return buffer;
  }
  if (value.is_string()) return value.get<std::string>();
  return "";
}

}  // namespace

std::optional<std::size_t> Table::Column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  return std::nullopt;
}

double Table::Number(std::size_t row, const std::string& column) const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const auto index = Column(column);
  if (!index || row >= rows.size() || *index >= rows[row].size()) return kNaN;
  const std::string& cell = rows[row][*index];
  double value = 0;
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || ec != std::errc() || ptr != cell.data() + cell.size()) return kNaN;
  return value;
}

std::string Table::Text(std::size_t row, const std::string& column) const {
  const auto index = Column(column);
  if (!index || row >= rows.size() || *index >= rows[row].size()) return "";
  return rows[row][*index];
}

TableResult ParseCsv(const std::string& text) {
  TableResult result;
  std::istringstream in(text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells = SplitLine(line);
    if (result.table.columns.empty()) {
      result.table.columns = std::move(cells);
      continue;
    }
    if (cells.size() != result.table.columns.size()) {
      result.error = "line " + std::to_string(number) + ": " + std::to_string(cells.size()) + " cells, the header has " +
                     std::to_string(result.table.columns.size());
      return result;
    }
    result.table.rows.push_back(std::move(cells));
  }
  if (result.table.columns.empty()) result.error = "empty file (want a header line)";
  return result;
}

TableResult LoadCsvFile(const std::string& path) {
  const auto text = ReadFile(path);
  if (!text) return {{}, path + ": cannot read"};
  TableResult result = ParseCsv(*text);
  if (!result.error.empty()) result.error = path + ": " + result.error;
  return result;
}

TableResult LoadTimeSeries(const std::string& path) {
  if (!path.ends_with(".json")) return LoadCsvFile(path);
  const auto text = ReadFile(path);
  if (!text) return {{}, path + ": cannot read"};
  TableResult result;
  const nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_array()) return {{}, path + ": not a JSON array of seconds"};
  result.table.columns = {"t", "unix_time", "target_rps", "sent", "ok", "connection", "timeout", "status",
                          "dropped", "p50_ms", "p99_ms", "max_ms"};
  for (const nlohmann::json& second : json) {
    if (!second.is_object()) return {{}, path + ": a row is not an object"};
    std::vector<std::string> row;
    for (const std::string& column : result.table.columns) {
      const bool error_kind = column == "connection" || column == "timeout" || column == "status" || column == "dropped";
      if (error_kind) {
        row.push_back(second.contains("errors") ? Cell(second["errors"].value(column, nlohmann::json())) : "");
      } else {
        row.push_back(Cell(second.value(column, nlohmann::json())));
      }
    }
    result.table.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace minitwit::report
