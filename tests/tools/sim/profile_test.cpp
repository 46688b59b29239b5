#include "sim/profile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

namespace minitwit::sim {
namespace {

std::vector<double> AllArrivals(const std::string& text) {
  const ProfileResult parsed = ParseProfile(text);
  EXPECT_TRUE(parsed.error.empty()) << parsed.error;
  ArrivalSchedule schedule(parsed.profile);
  std::vector<double> times;
  while (auto t = schedule.Next()) {
    times.push_back(*t);
    if (times.size() > 100000) break;  // a broken schedule must not hang the test
  }
  return times;
}

TEST(ProfileTest, ParsesStepsRampsNamesAndUnits) {
  const ProfileResult r = ParseProfile("warm:30s@20, ramp:1500ms@20-150 ,step:2m@150,drop:60@0");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.profile.segments.size(), 4u);
  EXPECT_EQ(r.profile.segments[0].name, "warm");
  EXPECT_DOUBLE_EQ(r.profile.segments[0].duration_s, 30);
  EXPECT_DOUBLE_EQ(r.profile.segments[0].from_rps, 20);
  EXPECT_DOUBLE_EQ(r.profile.segments[0].to_rps, 20);
  EXPECT_DOUBLE_EQ(r.profile.segments[1].duration_s, 1.5);
  EXPECT_DOUBLE_EQ(r.profile.segments[1].to_rps, 150);
  EXPECT_DOUBLE_EQ(r.profile.segments[2].duration_s, 120);
  EXPECT_DOUBLE_EQ(r.profile.segments[3].duration_s, 60);
  EXPECT_DOUBLE_EQ(r.profile.segments[3].from_rps, 0);
  EXPECT_DOUBLE_EQ(r.profile.DurationSeconds(), 211.5);
  EXPECT_DOUBLE_EQ(r.profile.RateAt(10), 20);
  EXPECT_DOUBLE_EQ(r.profile.RateAt(30.75), 85);  // half way up the ramp
  EXPECT_DOUBLE_EQ(r.profile.RateAt(100), 150);
  EXPECT_DOUBLE_EQ(r.profile.RateAt(500), 0);
}

TEST(ProfileTest, UnnamedSegmentsAreNumbered) {
  const ProfileResult r = ParseProfile("10s@5,20s@6");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.profile.segments[1].name, "segment2");
}

TEST(ProfileTest, RejectsBadSegmentsWithTheirName) {
  EXPECT_NE(ParseProfile("").error, "");
  EXPECT_NE(ParseProfile("warm:30s").error.find("DURATION@RATE"), std::string::npos);
  EXPECT_NE(ParseProfile("warm:0s@5").error.find("'warm'"), std::string::npos);
  EXPECT_NE(ParseProfile("warm:xs@5").error.find("duration"), std::string::npos);
  EXPECT_NE(ParseProfile("step:5s@-3").error.find("rate"), std::string::npos);
  EXPECT_NE(ParseProfile("step:5s@abc").error.find("'step'"), std::string::npos);
  EXPECT_NE(ParseProfile("step:5s@1-x").error, "");
  EXPECT_NE(ParseProfile("step:5h@1").error, "");
}

TEST(ProfileTest, ReadsAFileWithCommentsAndOneSegmentPerLine) {
  const std::string path = ::testing::TempDir() + "/profile_test.txt";
  {
    std::ofstream out(path);
    out << "# the autoscaling proof\nwarm:10s@5   # below the target\n\nstep:20s@50\r\n";
  }
  const ProfileResult r = LoadProfile(path);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.profile.segments.size(), 2u);
  EXPECT_EQ(r.profile.segments[1].name, "step");
  EXPECT_DOUBLE_EQ(r.profile.segments[1].from_rps, 50);
  std::remove(path.c_str());
  // Not a file: the value is the profile itself.
  EXPECT_EQ(LoadProfile("a:1s@1").profile.segments.size(), 1u);
}

TEST(ArrivalScheduleTest, AStepSendsEveryOneOverRate) {
  const std::vector<double> times = AllArrivals("step:1s@10");
  ASSERT_EQ(times.size(), 10u);
  for (std::size_t k = 0; k < times.size(); ++k) EXPECT_NEAR(times[k], 0.1 * static_cast<double>(k + 1), 1e-9);
}

TEST(ArrivalScheduleTest, ARampSpeedsUpAlongTheIntegralOfTheRate) {
  // rate(u) = 5u over 2 s: the k-th arrival is where 2.5 u^2 = k.
  const std::vector<double> times = AllArrivals("ramp:2s@0-10");
  ASSERT_EQ(times.size(), 10u);
  for (std::size_t k = 0; k < times.size(); ++k) {
    EXPECT_NEAR(times[k], std::sqrt(static_cast<double>(k + 1) / 2.5), 1e-9) << k;
  }
  // Down the same ramp: gaps widen.
  const std::vector<double> down = AllArrivals("ramp:2s@10-0");
  ASSERT_EQ(down.size(), 10u);
  EXPECT_LT(down[1] - down[0], down[9] - down[8]);
}

TEST(ArrivalScheduleTest, PausesSendNothingAndFractionsCarryOver) {
  const std::vector<double> times = AllArrivals("a:1s@2,pause:1s@0,b:1s@2");
  ASSERT_EQ(times.size(), 4u);
  EXPECT_NEAR(times[0], 0.5, 1e-9);
  EXPECT_NEAR(times[1], 1.0, 1e-9);
  EXPECT_NEAR(times[2], 2.5, 1e-9);
  EXPECT_NEAR(times[3], 3.0, 1e-9);
  // 1.5 arrivals in the first half second: the half carries into the next segment.
  const std::vector<double> carried = AllArrivals("a:0.5s@3,b:0.5s@1");
  ASSERT_EQ(carried.size(), 2u);
  EXPECT_NEAR(carried[0], 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(carried[1], 1.0, 1e-9);
}

TEST(ArrivalScheduleTest, ALongProfileSendsItsIntegralWithoutDrift) {
  const std::vector<double> times = AllArrivals("warm:30s@20,ramp:10s@20-150,step:120s@150,drop:60s@0");
  EXPECT_EQ(times.size(), 600u + 850u + 18000u);
  EXPECT_NEAR(times.back(), 160.0, 1e-6);
  for (std::size_t k = 1; k < times.size(); ++k) ASSERT_GE(times[k], times[k - 1]);
}

}  // namespace
}  // namespace minitwit::sim
