#include "sim/stats.hpp"

#include <gtest/gtest.h>

namespace minitwit::sim {
namespace {

TEST(PercentileTest, NearestRank) {
  std::vector<double> values;
  for (int i = 1; i <= 100; ++i) values.push_back(i);
  EXPECT_DOUBLE_EQ(Percentile(values, 50), 50);
  EXPECT_DOUBLE_EQ(Percentile(values, 90), 90);
  EXPECT_DOUBLE_EQ(Percentile(values, 99), 99);
  EXPECT_DOUBLE_EQ(Percentile(values, 100), 100);
  EXPECT_DOUBLE_EQ(Percentile(values, 0), 1);
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3, 4}, 50), 2);
  EXPECT_DOUBLE_EQ(Percentile({7}, 99), 7);
  EXPECT_DOUBLE_EQ(Percentile({}, 50), 0);
}

TEST(PercentileTest, SummarizeSortsAndTakesMax) {
  const LatencySummary s = Summarize({5, 1, 4, 2, 3, 100, 6, 7, 8, 9});
  EXPECT_EQ(s.count, 10u);
  EXPECT_DOUBLE_EQ(s.p50, 5);
  EXPECT_DOUBLE_EQ(s.p90, 9);
  EXPECT_DOUBLE_EQ(s.p99, 100);
  EXPECT_DOUBLE_EQ(s.max, 100);
  EXPECT_DOUBLE_EQ(s.mean, 14.5);
}

TEST(ClassifyTest, RegisterAccepts204And400Only) {
  EXPECT_EQ(Classify(RequestKind::kRegister, TransportError::kNone, 204), Outcome::kOk);
  EXPECT_EQ(Classify(RequestKind::kRegister, TransportError::kNone, 400), Outcome::kOk);
  EXPECT_EQ(Classify(RequestKind::kRegister, TransportError::kNone, 200), Outcome::kWrongStatus);
  EXPECT_EQ(Classify(RequestKind::kRegister, TransportError::kNone, 500), Outcome::kWrongStatus);
}

TEST(ClassifyTest, WritesAcceptOnly204) {
  for (RequestKind kind : {RequestKind::kTweet, RequestKind::kFollow, RequestKind::kUnfollow}) {
    EXPECT_EQ(Classify(kind, TransportError::kNone, 204), Outcome::kOk);
    EXPECT_EQ(Classify(kind, TransportError::kNone, 200), Outcome::kWrongStatus);
    EXPECT_EQ(Classify(kind, TransportError::kNone, 201), Outcome::kWrongStatus);
    EXPECT_EQ(Classify(kind, TransportError::kNone, 400), Outcome::kWrongStatus);
    EXPECT_EQ(Classify(kind, TransportError::kNone, 404), Outcome::kWrongStatus);
  }
  EXPECT_EQ(Classify(RequestKind::kReadMsgs, TransportError::kNone, 200), Outcome::kOk);
  EXPECT_EQ(Classify(RequestKind::kReadPublic, TransportError::kNone, 204), Outcome::kWrongStatus);
}

TEST(ClassifyTest, TransportErrorsAsTheCourseCountsThem) {
  // requests.ConnectTimeout is a ConnectionError, caught first by the simulator.
  EXPECT_EQ(Classify(RequestKind::kTweet, TransportError::kConnectTimeout, 0), Outcome::kConnectionError);
  EXPECT_EQ(Classify(RequestKind::kTweet, TransportError::kConnect, 0), Outcome::kConnectionError);
  EXPECT_EQ(Classify(RequestKind::kTweet, TransportError::kOther, 0), Outcome::kConnectionError);
  EXPECT_EQ(Classify(RequestKind::kRegister, TransportError::kReadTimeout, 0), Outcome::kTimeout);
}

TEST(TallyTest, CountsErrorsByKindAndOverBudget) {
  Tally tally;
  tally.Record(RequestKind::kTweet, Outcome::kOk, 1.0, 300, 1, 204, "");
  tally.Record(RequestKind::kTweet, Outcome::kWrongStatus, 2.0, 300, 2, 500, "boom");
  tally.Record(RequestKind::kFollow, Outcome::kTimeout, 301.0, 300, 3, 0, "timeout");
  tally.Record(RequestKind::kRegister, Outcome::kConnectionError, 0.5, 300, 4, 0, "refused");
  EXPECT_EQ(tally.Requests(), 4u);
  EXPECT_EQ(tally.Errors(), 3u);
  EXPECT_EQ(tally.WrongStatus(), 1u);
  EXPECT_EQ(tally.Timeouts(), 1u);
  EXPECT_EQ(tally.ConnectionErrors(), 1u);
  EXPECT_EQ(tally.OverBudget(), 1u);
  EXPECT_EQ(tally.ByKind()[static_cast<std::size_t>(RequestKind::kTweet)].requests, 2u);
  EXPECT_EQ(tally.ByKind()[static_cast<std::size_t>(RequestKind::kTweet)].errors, 1u);
  ASSERT_EQ(tally.Samples().size(), 3u);
  EXPECT_EQ(tally.Samples()[0].id, 2);
  EXPECT_EQ(tally.Samples()[0].status, 500);
}

}  // namespace
}  // namespace minitwit::sim

namespace minitwit::sim {
namespace {

TEST(TallyTest, MergeAddsEverything) {
  Tally a;
  Tally b;
  a.Record(RequestKind::kTweet, Outcome::kOk, 1.0, 300, 1, 204, "");
  b.Record(RequestKind::kTweet, Outcome::kTimeout, 400.0, 300, 2, 0, "timeout");
  b.Record(RequestKind::kRegister, Outcome::kOk, 3.0, 300, 3, 204, "");
  a.Merge(b);
  EXPECT_EQ(a.Requests(), 3u);
  EXPECT_EQ(a.Timeouts(), 1u);
  EXPECT_EQ(a.OverBudget(), 1u);
  EXPECT_EQ(a.Latencies().size(), 3u);
  EXPECT_EQ(a.ByKind()[static_cast<std::size_t>(RequestKind::kTweet)].requests, 2u);
  ASSERT_EQ(a.Samples().size(), 1u);
  EXPECT_EQ(a.Samples()[0].id, 2);
}

}  // namespace
}  // namespace minitwit::sim
