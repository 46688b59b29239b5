#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace minitwit::report {

// A CSV file with a header line: cells as text, read as numbers on demand.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  std::optional<std::size_t> Column(const std::string& name) const;
  // The cell as a number; NaN when the column is absent, the cell empty or not a number.
  double Number(std::size_t row, const std::string& column) const;
  std::string Text(std::size_t row, const std::string& column) const;
};

struct TableResult {
  Table table;
  std::string error;  // empty on success; names the line that is wrong
};

// Plain CSV as the load tool and the cluster recorder write it: no quoting, '\r' tolerated.
TableResult ParseCsv(const std::string& text);
// minitwit-sim's --timeseries output, .csv or .json (flattened to the CSV's columns).
TableResult LoadTimeSeries(const std::string& path);
TableResult LoadCsvFile(const std::string& path);

}  // namespace minitwit::report
