#include "sim/generator.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace minitwit::sim {
namespace {

TEST(GeneratorTest, HasTheRequestedSizeAndSequentialIds) {
  const auto actions = GenerateScenario(5000, 7);
  ASSERT_EQ(actions.size(), 5000u);
  for (std::size_t i = 0; i < actions.size(); ++i) EXPECT_EQ(actions[i].id, static_cast<std::int64_t>(i));
}

TEST(GeneratorTest, RegistersEveryActorAndTargetFirst) {
  const auto actions = GenerateScenario(25922, 1);
  std::set<std::string> registered;
  bool registers_done = false;
  for (const Action& action : actions) {
    if (action.kind == ActionKind::kRegister) {
      EXPECT_FALSE(registers_done) << "register after activity at id " << action.id;
      EXPECT_TRUE(registered.insert(action.user).second) << "duplicate name " << action.user;
      EXPECT_NE(action.argument.find('@'), std::string::npos);
      EXPECT_FALSE(action.password.empty());
      continue;
    }
    registers_done = true;
    EXPECT_TRUE(registered.count(action.user)) << action.user << " acts before registering";
    if (action.kind != ActionKind::kTweet) {
      EXPECT_TRUE(registered.count(action.argument)) << action.argument << " targeted before registering";
      EXPECT_NE(action.user, action.argument);
    }
  }
}

TEST(GeneratorTest, HasTheCourseMixIncludingStrayUnfollowsSpacesAndUtf8) {
  const auto actions = GenerateScenario(25922, 3);
  std::size_t counts[4] = {0, 0, 0, 0};
  std::size_t stray_unfollows = 0;
  bool name_with_space = false;
  bool non_ascii_tweet = false;
  std::set<std::pair<std::string, std::string>> followed;
  for (const Action& action : actions) {
    ++counts[static_cast<int>(action.kind)];
    if (action.user.find(' ') != std::string::npos) name_with_space = true;
    if (action.kind == ActionKind::kTweet) {
      for (char c : action.argument) non_ascii_tweet |= static_cast<unsigned char>(c) >= 0x80;
    } else if (action.kind == ActionKind::kFollow) {
      followed.insert({action.user, action.argument});
    } else if (action.kind == ActionKind::kUnfollow) {
      if (followed.erase({action.user, action.argument}) == 0) ++stray_unfollows;
    }
  }
  // The course file: 200 register, 11,306 tweet, 9,751 follow, 4,665 unfollow (1,179 stray).
  EXPECT_EQ(counts[static_cast<int>(ActionKind::kRegister)], 200u);
  EXPECT_NEAR(static_cast<double>(counts[static_cast<int>(ActionKind::kTweet)]), 11306, 600);
  EXPECT_NEAR(static_cast<double>(counts[static_cast<int>(ActionKind::kFollow)]), 9751, 600);
  EXPECT_NEAR(static_cast<double>(counts[static_cast<int>(ActionKind::kUnfollow)]), 4665, 400);
  EXPECT_NEAR(static_cast<double>(stray_unfollows), 1179, 250);
  EXPECT_TRUE(name_with_space);
  EXPECT_TRUE(non_ascii_tweet);
}

TEST(GeneratorTest, IsDeterministicPerSeed) {
  const auto a = GenerateScenario(500, 42);
  const auto b = GenerateScenario(500, 42);
  const auto c = GenerateScenario(500, 43);
  ASSERT_EQ(a.size(), b.size());
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].user, b[i].user);
    EXPECT_EQ(a[i].argument, b[i].argument);
    differs |= a[i].argument != c[i].argument;
  }
  EXPECT_TRUE(differs);
}

TEST(GeneratorTest, TinySizesStillStartWithRegisters) {
  EXPECT_TRUE(GenerateScenario(0).empty());
  const auto one = GenerateScenario(1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].kind, ActionKind::kRegister);
  const auto few = GenerateScenario(10);
  ASSERT_EQ(few.size(), 10u);
  EXPECT_EQ(few[0].kind, ActionKind::kRegister);
  EXPECT_EQ(few[1].kind, ActionKind::kRegister);
}

}  // namespace
}  // namespace minitwit::sim
