#include "report/figures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace minitwit::report {
namespace {

// A run shaped like the end-to-end test's: 20 req/s for 20 s, 150 req/s to 110 s, 20 req/s
// to 170 s. The HPA (sampled at x.4 s) wants 4 at 35 s, 6 at 50 s, back to 2 at 140 s; ready
// pods follow 10-15 s later.
ScalingRun SampleRun(bool with_errors) {
  std::string load = "t,unix_time,target_rps,sent,ok,connection,timeout,status,dropped,p50_ms,p99_ms,max_ms\n";
  for (int t = 0; t < 200; ++t) {
    const int rate = t < 20 ? 20 : t < 110 ? 150 : t < 170 ? 20 : 0;
    const double p99 = t >= 20 && t < 65 ? 100 + t : 10;
    const int refused = with_errors && (t == 30 || t == 145) ? 1 : 0;
    load += std::to_string(t) + "," + std::to_string(1000 + t) + "," + std::to_string(rate) + "," +
            std::to_string(rate) + "," + std::to_string(rate - refused) + "," + std::to_string(refused) +
            ",0,0,0,2," + std::to_string(p99) + "," + std::to_string(p99) + "\n";
  }
  std::string cluster = "unix_time,hpa_desired,hpa_current,ready_pods,cpu_utilization,cpu_target,phase\n";
  for (int t = -5; t < 205; ++t) {
    const int desired = t < 35 ? 2 : t < 50 ? 4 : t < 140 ? 6 : 2;
    const int ready = t < 45 ? 2 : t < 65 ? 4 : t < 150 ? 6 : 2;
    cluster += std::to_string(1000 + t) + ".4," + std::to_string(desired) + "," + std::to_string(desired) + "," +
               std::to_string(ready) + ",50,60," + (t == 100 ? "Progressing" : "Ready") + "\n";
  }
  const ScalingRunResult run = MakeRun(ParseCsv(load).table, ParseCsv(cluster).table);
  EXPECT_TRUE(run.error.empty()) << run.error;
  return run.run;
}

TEST(FiguresTest, MeasuresTheScalingFromTheStepOnOneClock) {
  const Figures f = ComputeFigures(SampleRun(false), 2);
  EXPECT_DOUBLE_EQ(f.base_rps, 20);
  EXPECT_DOUBLE_EQ(f.peak_rps, 150);
  EXPECT_DOUBLE_EQ(f.step_start_s, 20);
  EXPECT_DOUBLE_EQ(f.step_end_s, 110);
  EXPECT_EQ(f.min_replicas, 2);
  EXPECT_EQ(f.peak_replicas, 6);
  EXPECT_EQ(f.peak_ready, 6);
  EXPECT_NEAR(f.first_scale_up_s, 15.4, 1e-9);
  EXPECT_NEAR(f.peak_desired_s, 30.4, 1e-9);
  EXPECT_NEAR(f.peak_ready_s, 45.4, 1e-9);
  EXPECT_NEAR(f.back_to_min_s, 40.4, 1e-9);  // desired 2 at 140.4, ready 2 at 150.4
  EXPECT_DOUBLE_EQ(f.cpu_target, 60);
  EXPECT_EQ(f.not_ready_samples, 1u);
}

TEST(FiguresTest, SplitsP99AndFailuresByScalingWindow) {
  const Figures f = ComputeFigures(SampleRun(true), std::nullopt);
  EXPECT_EQ(f.min_replicas, 2);  // what the HPA wanted at the step
  EXPECT_EQ(f.before.seconds, 20u);
  EXPECT_DOUBLE_EQ(f.before.worst_p99_ms, 10);
  EXPECT_EQ(f.during.seconds, 46u);  // 20 .. 65.4
  EXPECT_DOUBLE_EQ(f.during.worst_p99_ms, 164);
  EXPECT_DOUBLE_EQ(f.after.worst_p99_ms, 10);
  EXPECT_EQ(f.failed, 2u);
  EXPECT_EQ(f.failed_scale_up, 1u);    // second 30
  EXPECT_EQ(f.failed_scale_down, 1u);  // second 145, between 140.4 and 150.4
  EXPECT_EQ(f.requests, 400u + 13500u + 1200u);
}

TEST(FiguresTest, NoScaleUpIsReportedAsNotHappened) {
  ScalingRun run = SampleRun(false);
  for (double& d : run.hpa_desired) d = 2;
  for (double& r : run.ready_pods) r = 2;
  const Figures f = ComputeFigures(run, 2);
  EXPECT_TRUE(std::isnan(f.first_scale_up_s));
  EXPECT_TRUE(std::isnan(f.peak_ready_s));
  EXPECT_EQ(f.peak_replicas, 2);
  EXPECT_EQ(FiguresJson(f)["first_scale_up_after_step_s"], nullptr);
}

TEST(FiguresTest, MissingColumnsAreNamed) {
  const Table load = ParseCsv("t,unix_time\n0,1\n").table;
  const Table cluster = ParseCsv("unix_time,hpa_desired,hpa_current,ready_pods,cpu_utilization,cpu_target\n").table;
  EXPECT_EQ(MakeRun(load, cluster).error, "the load time series has no column target_rps");
}

}  // namespace
}  // namespace minitwit::report
