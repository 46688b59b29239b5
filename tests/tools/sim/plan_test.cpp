#include "sim/plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "sim/generator.hpp"

namespace minitwit::sim {
namespace {

std::vector<std::size_t> Flatten(const Plan& plan) {
  std::vector<std::size_t> all;
  for (const auto& phase : plan.phases) {
    for (const Lane& lane : phase) all.insert(all.end(), lane.begin(), lane.end());
  }
  if (plan.final_action) all.push_back(*plan.final_action);
  return all;
}

TEST(PlanTest, OneUserIsFileOrder) {
  const auto actions = GenerateScenario(300);
  const Plan plan = MakePlan(actions, 1);
  ASSERT_EQ(plan.phases.size(), 1u);
  ASSERT_EQ(plan.phases[0].size(), 1u);
  std::vector<std::size_t> expected(actions.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = i;
  EXPECT_EQ(Flatten(plan), expected);
}

TEST(PlanTest, EveryActionExactlyOnceAndTheLastOneLast) {
  const auto actions = GenerateScenario(2000, 5);
  const Plan plan = MakePlan(actions, 32);
  auto all = Flatten(plan);
  ASSERT_EQ(all.size(), actions.size());
  EXPECT_EQ(all.back(), actions.size() - 1);
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
}

TEST(PlanTest, KeepsEachUsersOrderInOneLane) {
  const auto actions = GenerateScenario(3000, 9);
  const Plan plan = MakePlan(actions, 8);
  for (const auto& phase : plan.phases) {
    EXPECT_LE(phase.size(), 8u);
    std::map<std::string, std::size_t> lane_of_user;
    for (std::size_t l = 0; l < phase.size(); ++l) {
      EXPECT_TRUE(std::is_sorted(phase[l].begin(), phase[l].end()));
      for (std::size_t index : phase[l]) {
        auto [it, inserted] = lane_of_user.emplace(actions[index].user, l);
        EXPECT_EQ(it->second, l) << actions[index].user << " split over lanes";
      }
    }
  }
}

TEST(PlanTest, RegistersRunInAnEarlierPhaseThanAnythingElse) {
  // Registers interleaved with activity, as in the course file.
  std::vector<Action> actions;
  auto add = [&](ActionKind kind, std::string user, std::string argument) {
    Action a;
    a.id = static_cast<std::int64_t>(actions.size());
    a.kind = kind;
    a.user = std::move(user);
    a.argument = std::move(argument);
    actions.push_back(a);
  };
  add(ActionKind::kRegister, "A", "a@x");
  add(ActionKind::kTweet, "A", "hi");
  add(ActionKind::kRegister, "B", "b@x");
  add(ActionKind::kFollow, "A", "B");
  add(ActionKind::kRegister, "C", "c@x");
  add(ActionKind::kFollow, "C", "A");
  add(ActionKind::kTweet, "B", "yo");
  const Plan plan = MakePlan(actions, 4);
  ASSERT_EQ(plan.phases.size(), 2u);
  for (const Lane& lane : plan.phases[0]) {
    for (std::size_t i : lane) EXPECT_EQ(actions[i].kind, ActionKind::kRegister);
  }
  for (const Lane& lane : plan.phases[1]) {
    for (std::size_t i : lane) EXPECT_NE(actions[i].kind, ActionKind::kRegister);
  }
  EXPECT_EQ(plan.final_action, 6u);
}

TEST(PlanTest, SpreadsLoadOverLanes) {
  const auto actions = GenerateScenario(25922, 1);
  const Plan plan = MakePlan(actions, 32);
  ASSERT_EQ(plan.phases.size(), 2u);
  const auto& work = plan.phases[1];
  ASSERT_EQ(work.size(), 32u);
  std::size_t smallest = actions.size();
  std::size_t largest = 0;
  for (const Lane& lane : work) {
    smallest = std::min(smallest, lane.size());
    largest = std::max(largest, lane.size());
  }
  EXPECT_LT(static_cast<double>(largest), 1.5 * static_cast<double>(smallest));
}

TEST(PlanTest, EmptyScenarioIsAnEmptyPlan) {
  const Plan plan = MakePlan({}, 4);
  EXPECT_TRUE(plan.phases.empty());
  EXPECT_FALSE(plan.final_action);
}

}  // namespace
}  // namespace minitwit::sim

namespace minitwit::sim {
namespace {

TEST(PlanTest, RegistersAreSequentialUnlessAskedOtherwise) {
  const auto actions = GenerateScenario(3000, 11);
  const Plan sequential = MakePlan(actions, 32);
  ASSERT_EQ(sequential.phases.size(), 2u);
  ASSERT_EQ(sequential.phases[0].size(), 1u);
  EXPECT_TRUE(std::is_sorted(sequential.phases[0][0].begin(), sequential.phases[0][0].end()));
  const Plan spread = MakePlan(actions, 32, 8);
  EXPECT_EQ(spread.phases[0].size(), 8u);
}

}  // namespace
}  // namespace minitwit::sim

namespace minitwit::sim {
namespace {

TEST(PlanTest, NamesEachPhase) {
  const auto actions = GenerateScenario(500, 2);
  EXPECT_EQ(MakePlan(actions, 1).phase_names, (std::vector<std::string>{"sequential"}));
  EXPECT_EQ(MakePlan(actions, 4).phase_names, (std::vector<std::string>{"registers", "activity"}));
  std::vector<Action> only_registers(actions.begin(), actions.begin() + 4);
  EXPECT_EQ(MakePlan(only_registers, 4).phase_names, (std::vector<std::string>{"registers"}));
}

}  // namespace
}  // namespace minitwit::sim
