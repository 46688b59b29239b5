#include "sim/scenario.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace minitwit::sim {
namespace {

TEST(ScenarioTest, ParsesRegisterWithSeventhColumn) {
  std::string error;
  auto action = ParseScenarioLine(
      "0\t0\t1582246860738\tregister\tRoger Histand\tRoger+Histand@hotmail.com\t]=)[X{Km{z", &error);
  ASSERT_TRUE(action) << error;
  EXPECT_EQ(action->id, 0);
  EXPECT_EQ(action->timestamp_ms, 1582246860738);
  EXPECT_EQ(action->kind, ActionKind::kRegister);
  EXPECT_EQ(action->user, "Roger Histand");
  EXPECT_EQ(action->argument, "Roger+Histand@hotmail.com");
  EXPECT_EQ(action->password, "]=)[X{Km{z");
}

TEST(ScenarioTest, RegisterWithoutPasswordIsAnError) {
  std::string error;
  EXPECT_FALSE(ParseScenarioLine("0\t0\t1\tregister\tRoger Histand\tr@x.dk", &error));
  EXPECT_NE(error.find("7th"), std::string::npos);
}

TEST(ScenarioTest, KeepsUtf8TweetBytesAndSpacesExactly) {
  const std::string text = "Smørrebrød “quoted” 日本語 🚀  two  spaces\\n";
  auto action = ParseScenarioLine("3\t3614448\t1582270042673\ttweet\tRoger Histand\t" + text, nullptr);
  ASSERT_TRUE(action);
  EXPECT_EQ(action->kind, ActionKind::kTweet);
  EXPECT_EQ(action->delay_ms, 3614448);
  EXPECT_EQ(action->argument, text);
  EXPECT_TRUE(action->password.empty());
}

TEST(ScenarioTest, FollowAndUnfollowTakeTheTargetName) {
  auto follow = ParseScenarioLine("7\t1\t2\tfollow\tRoger Histand\tOdessa Redepenning", nullptr);
  auto unfollow = ParseScenarioLine("8\t1\t2\tunfollow\tRoger Histand\tOdessa Redepenning\r", nullptr);
  ASSERT_TRUE(follow && unfollow);
  EXPECT_EQ(follow->kind, ActionKind::kFollow);
  EXPECT_EQ(unfollow->kind, ActionKind::kUnfollow);
  EXPECT_EQ(unfollow->argument, "Odessa Redepenning");  // trailing \r dropped
}

TEST(ScenarioTest, RejectsBadLinesWithTheLineNumber) {
  std::istringstream in("0\t0\t1\ttweet\tA\thello\n\n1\tx\t1\ttweet\tA\thello\n");
  const ScenarioResult result = ParseScenario(in);
  EXPECT_FALSE(result.Ok());
  EXPECT_NE(result.error.find("line 3"), std::string::npos) << result.error;
  EXPECT_TRUE(result.actions.empty());

  std::string error;
  EXPECT_FALSE(ParseScenarioLine("0\t0\t1\tretweet\tA\thello", &error));
  EXPECT_FALSE(ParseScenarioLine("0 0 1 tweet A hello", &error));  // spaces are not tabs
}

TEST(ScenarioTest, ParsesAWholeFileInOrderSkippingBlankLines) {
  std::istringstream in(
      "0\t0\t1\tregister\tA B\ta@b.c\tpw\n"
      "\n"
      "1\t5\t6\ttweet\tA B\tfirst\n"
      "2\t5\t11\tunfollow\tA B\tC D\n");
  const ScenarioResult result = ParseScenario(in);
  ASSERT_TRUE(result.Ok()) << result.error;
  ASSERT_EQ(result.actions.size(), 3u);
  EXPECT_EQ(result.actions[1].argument, "first");
  EXPECT_EQ(result.actions[2].id, 2);
}

TEST(ScenarioTest, MissingFileIsAResultNotAnException) {
  const ScenarioResult result = LoadScenarioFile("/nonexistent/scenario.csv");
  EXPECT_FALSE(result.Ok());
}

}  // namespace
}  // namespace minitwit::sim

namespace minitwit::sim {
namespace {

TEST(ScenarioTest, CourseFileHasTheDocumentedShape) {
  ASSERT_TRUE(std::ifstream(MINITWIT_COURSE_SCENARIO)) << "missing prerequisite: the course scenario at "
                                                       << MINITWIT_COURSE_SCENARIO << " (../shared/data beside the repository)";
  const ScenarioResult result = LoadScenarioFile(MINITWIT_COURSE_SCENARIO);
  ASSERT_TRUE(result.Ok()) << result.error;
  ASSERT_EQ(result.actions.size(), 25922u);
  std::size_t counts[4] = {0, 0, 0, 0};
  std::set<std::string> registered;
  std::set<std::pair<std::string, std::string>> followed;
  std::size_t stray = 0;
  for (const Action& action : result.actions) {
    ++counts[static_cast<int>(action.kind)];
    if (action.kind == ActionKind::kRegister) {
      registered.insert(action.user);
      continue;
    }
    EXPECT_TRUE(registered.count(action.user)) << action.id;
    if (action.kind == ActionKind::kFollow) followed.insert({action.user, action.argument});
    if (action.kind == ActionKind::kUnfollow && followed.erase({action.user, action.argument}) == 0) ++stray;
  }
  EXPECT_EQ(counts[0], 200u);
  EXPECT_EQ(counts[1], 11306u);
  EXPECT_EQ(counts[2], 9751u);
  EXPECT_EQ(counts[3], 4665u);
  EXPECT_EQ(stray, 1179u);
}

}  // namespace
}  // namespace minitwit::sim
