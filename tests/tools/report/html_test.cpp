#include "report/html.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace minitwit::report {
namespace {

ScalingRun TinyRun() {
  const Table load = ParseCsv(
                         "t,unix_time,target_rps,sent,ok,connection,timeout,status,dropped,p50_ms,p99_ms,max_ms\n"
                         "0,100,10,10,10,0,0,0,0,1,5,6\n1,101,50,50,49,1,0,0,0,2,9,12\n2,102,50,50,50,0,0,0,0,2,8,9\n")
                         .table;
  const Table cluster = ParseCsv(
                            "unix_time,hpa_desired,hpa_current,ready_pods,cpu_utilization,cpu_target\n"
                            "100.2,2,2,2,30,60\n101.2,3,2,2,90,60\n102.2,3,3,3,,60\n")
                            .table;
  const ScalingRunResult run = MakeRun(load, cluster);
  EXPECT_TRUE(run.error.empty()) << run.error;
  return run.run;
}

TEST(HtmlTest, FivePlotsOnOneAxisWithEverySeriesDrawn) {
  const ScalingRun run = TinyRun();
  const std::string html = RenderHtml(run, ComputeFigures(run, 2), "A <run>");
  for (const char* id : {"rate", "latency", "errors", "replicas", "cpu"}) {
    EXPECT_NE(html.find("<svg id=\"" + std::string(id) + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<title>A &lt;run&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("data-series=\"p99\" data-points=\"3\""), std::string::npos);
  EXPECT_NE(html.find("data-series=\"ready pods\" data-points=\"3\""), std::string::npos);
  // The CPU sample that metrics-server had not filled is a gap, not a zero.
  EXPECT_NE(html.find("data-series=\"utilisation\" data-points=\"2\""), std::string::npos);
  EXPECT_NE(html.find("<table id=\"figures\">"), std::string::npos);
}

TEST(HtmlTest, SelfContainedNothingFetchedFromOutside) {
  const ScalingRun run = TinyRun();
  const std::string html = RenderHtml(run, ComputeFigures(run, 2), "run");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // The only URL is the SVG namespace, which is a name, not a fetch.
  const std::regex url("(https?:)?//[a-z0-9.-]+");
  for (std::sregex_iterator it(html.begin(), html.end(), url), end; it != end; ++it) {
    EXPECT_EQ(it->str(), "http://www.w3.org") << it->str();
  }
}

}  // namespace
}  // namespace minitwit::report
