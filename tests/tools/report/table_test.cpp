#include "report/table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

namespace minitwit::report {
namespace {

TEST(TableTest, ReadsAHeaderAndRowsAsTextAndNumbers) {
  const TableResult r = ParseCsv("unix_time,hpa_desired,phase\r\n10.5,2,Ready\n\n11.5,,Progressing\n");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.table.rows.size(), 2u);
  EXPECT_DOUBLE_EQ(r.table.Number(0, "unix_time"), 10.5);
  EXPECT_DOUBLE_EQ(r.table.Number(0, "hpa_desired"), 2);
  EXPECT_TRUE(std::isnan(r.table.Number(1, "hpa_desired")));  // empty: not measured
  EXPECT_TRUE(std::isnan(r.table.Number(0, "phase")));
  EXPECT_TRUE(std::isnan(r.table.Number(0, "missing")));
  EXPECT_EQ(r.table.Text(1, "phase"), "Progressing");
}

TEST(TableTest, ARaggedRowOrAnEmptyFileIsAnErrorNamingTheLine) {
  EXPECT_EQ(ParseCsv("a,b\n1,2\n3\n").error, "line 3: 1 cells, the header has 2");
  EXPECT_NE(ParseCsv("").error, "");
  EXPECT_NE(LoadCsvFile("/nonexistent/x.csv").error.find("cannot read"), std::string::npos);
}

TEST(TableTest, TheLoadToolsJsonTimeSeriesReadsLikeItsCsv) {
  const std::string path = ::testing::TempDir() + "/series.json";
  {
    std::ofstream out(path);
    out << R"([{"t":0,"unix_time":100.5,"target_rps":20.0,"sent":19,"ok":18,)"
           R"("errors":{"connection":1,"timeout":0,"status":0,"dropped":2},"p50_ms":1.5,"p99_ms":9.0,"max_ms":12.0}])";
  }
  const TableResult r = LoadTimeSeries(path);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.table.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(r.table.Number(0, "unix_time"), 100.5);
  EXPECT_DOUBLE_EQ(r.table.Number(0, "connection"), 1);
  EXPECT_DOUBLE_EQ(r.table.Number(0, "dropped"), 2);
  EXPECT_DOUBLE_EQ(r.table.Number(0, "p99_ms"), 9);
  {
    std::ofstream out(path);
    out << "{\"not\": \"an array\"}";
  }
  EXPECT_NE(LoadTimeSeries(path).error.find("not a JSON array"), std::string::npos);
}

}  // namespace
}  // namespace minitwit::report
