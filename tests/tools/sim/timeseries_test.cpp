#include "sim/timeseries.hpp"

#include <gtest/gtest.h>

namespace minitwit::sim {
namespace {

TEST(TimeSeriesTest, OneRowPerSecondWithErrorsByKindAndPercentiles) {
  TimeSeries series(1000.0);
  for (int i = 1; i <= 100; ++i) series.Record(0.5, Outcome::kOk, i);  // 1..100 ms in second 0
  series.Record(0.9, Outcome::kTimeout, 300);
  series.Record(2.0, Outcome::kConnectionError, 5);
  series.Record(2.999, Outcome::kWrongStatus, 7);
  series.Record(2.5, Outcome::kDropped, 0);
  const std::vector<SecondRow> rows = series.Rows();
  ASSERT_EQ(rows.size(), 3u);  // second 1 is empty but present
  EXPECT_EQ(rows[0].sent, 101u);
  EXPECT_EQ(rows[0].ok, 100u);
  EXPECT_EQ(rows[0].timeout, 1u);
  EXPECT_DOUBLE_EQ(rows[0].p50_ms, 51);
  EXPECT_DOUBLE_EQ(rows[0].p99_ms, 100);
  EXPECT_DOUBLE_EQ(rows[0].max_ms, 300);
  EXPECT_DOUBLE_EQ(rows[0].unix_time, 1000.0);
  EXPECT_EQ(rows[1].sent, 0u);
  EXPECT_DOUBLE_EQ(rows[1].p99_ms, 0);
  EXPECT_EQ(rows[2].sent, 2u);  // a dropped arrival is not sent
  EXPECT_EQ(rows[2].connection, 1u);
  EXPECT_EQ(rows[2].status, 1u);
  EXPECT_EQ(rows[2].dropped, 1u);
  EXPECT_DOUBLE_EQ(rows[2].max_ms, 7);
  EXPECT_DOUBLE_EQ(rows[2].unix_time, 1002.0);
}

TEST(TimeSeriesTest, RowsCarryTheProfilesRateFromItsStart) {
  TimeSeries series(0);
  series.SetProfile(ParseProfile("warm:2s@10,step:2s@50").profile, 1.0);  // open loop began at t=1
  const std::vector<SecondRow> rows = series.Rows();
  ASSERT_EQ(rows.size(), 5u);  // the whole profile, even before any request
  EXPECT_DOUBLE_EQ(rows[0].target_rps, 0);
  EXPECT_NEAR(rows[1].target_rps, 10, 1e-9);
  EXPECT_NEAR(rows[3].target_rps, 50, 1e-9);
  EXPECT_NEAR(rows[4].target_rps, 50, 1e-9);
}

TEST(TimeSeriesTest, CsvAndJsonHaveTheSameRows) {
  TimeSeries series(10.5);
  series.Record(0.1, Outcome::kOk, 2.5);
  series.Record(1.1, Outcome::kDropped, 0);
  EXPECT_EQ(series.Csv(), std::string(kTimeSeriesCsvHeader) +
                              "\n0,10.500,0.000,1,1,0,0,0,0,2.500,2.500,2.500\n"
                              "1,11.500,0.000,0,0,0,0,0,1,0.000,0.000,0.000\n");
  const nlohmann::ordered_json json = series.Json();
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["sent"], 1);
  EXPECT_EQ(json[1]["errors"]["dropped"], 1);
  EXPECT_EQ(json[0]["p99_ms"], 2.5);
}

TEST(TimeSeriesTest, WindowMergesSecondsForTheProgressLine) {
  TimeSeries series(0);
  series.Record(0.2, Outcome::kOk, 1);
  series.Record(1.2, Outcome::kOk, 3);
  series.Record(1.3, Outcome::kTimeout, 300);
  const SecondRow last = series.Window(1, 2);
  EXPECT_EQ(last.sent, 2u);
  EXPECT_EQ(last.timeout, 1u);
  EXPECT_EQ(series.Window(0, 9).sent, 3u);  // past the end is clamped
}

TEST(ProgressTest, ShowsElapsedRemainingRatePercentilesAndErrorsByKind) {
  ProgressSnapshot s;
  s.elapsed_s = 42;
  s.planned_s = 210;
  s.last.sent = 150;
  s.last.p50_ms = 3.14;
  s.last.p99_ms = 12.4;
  s.sent = 6300;
  s.timeout = 2;
  s.dropped = 1;
  EXPECT_EQ(FormatProgress(s),
            "  42s/210s (168s left)    150 req/s  p50 3.1 ms  p99 12.4 ms  sent 6300  errors: connection 0 "
            "timeout 2 status 0 dropped 1");
  s.planned_s.reset();
  EXPECT_EQ(FormatProgress(s).substr(0, 8), "  42s   ");
}

}  // namespace
}  // namespace minitwit::sim
