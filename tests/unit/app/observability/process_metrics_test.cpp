#include "observability/process_metrics.hpp"

#include <gtest/gtest.h>

namespace minitwit::observability {
namespace {

TEST(ProcessMetricsTest, ParsesProcSelfStat) {
  // Fields 14/15 utime/stime = 250/150 ticks, 22 starttime = 1000 ticks, 23 vsize, 24 rss pages;
  // the command name holds a space and a parenthesis.
  const std::string stat =
      "4242 (mini) twit) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 150 0 0 20 0 8 0 1000 123456789 300 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  ProcessSample sample;
  ASSERT_TRUE(ParseProcStat(stat, 100, 4096, 1'700'000'000, sample));
  EXPECT_DOUBLE_EQ(sample.cpu_seconds, 4.0);
  EXPECT_DOUBLE_EQ(sample.start_time_seconds, 1'700'000'010.0);
  EXPECT_DOUBLE_EQ(sample.virtual_bytes, 123456789.0);
  EXPECT_DOUBLE_EQ(sample.resident_bytes, 300.0 * 4096);
}

TEST(ProcessMetricsTest, RejectsAMalformedLine) {
  ProcessSample sample;
  EXPECT_FALSE(ParseProcStat("", 100, 4096, 0, sample));
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 2 3", 100, 4096, 0, sample));
}

TEST(ProcessMetricsTest, RendersTheStandardNamesForThisProcess) {
  const std::string text = RenderProcessMetrics();
  for (const char* line : {"# TYPE process_cpu_seconds_total counter\n", "# TYPE process_resident_memory_bytes gauge\n",
                           "# TYPE process_start_time_seconds gauge\n", "# TYPE process_open_fds gauge\n",
                           "# TYPE process_max_fds gauge\n", "# TYPE process_virtual_memory_bytes gauge\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
  // A start time after 2020 and a resident size above zero: read from this process.
  const auto start = text.find("\nprocess_start_time_seconds ");
  ASSERT_NE(start, std::string::npos);
  EXPECT_GT(std::stod(text.substr(start + 28)), 1.577e9);
  EXPECT_EQ(text.find("process_resident_memory_bytes 0\n"), std::string::npos);
}

}  // namespace
}  // namespace minitwit::observability
