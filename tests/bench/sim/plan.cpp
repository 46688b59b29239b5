#include "sim/plan.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace minitwit::sim {
namespace {

// Greedy longest-first bin packing of users over lanes; ties go to the user seen first.
std::vector<Lane> SpreadByUser(const std::vector<Action>& actions, const Lane& indices,
                               std::size_t lanes) {
  std::unordered_map<std::string, std::size_t> user_slot;
  std::vector<Lane> per_user;
  for (std::size_t index : indices) {
    auto [it, inserted] = user_slot.emplace(actions[index].user, per_user.size());
    if (inserted) per_user.emplace_back();
    per_user[it->second].push_back(index);
  }
  std::vector<std::size_t> order(per_user.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return per_user[a].size() > per_user[b].size();
  });
  std::vector<Lane> result(std::min(lanes, per_user.size()));
  for (std::size_t user : order) {
    auto lightest = std::min_element(result.begin(), result.end(),
                                     [](const Lane& a, const Lane& b) { return a.size() < b.size(); });
    lightest->insert(lightest->end(), per_user[user].begin(), per_user[user].end());
  }
  for (Lane& lane : result) std::sort(lane.begin(), lane.end());
  return result;
}

}  // namespace

Plan MakePlan(const std::vector<Action>& actions, std::size_t lanes, std::size_t register_lanes) {
  Plan plan;
  if (actions.empty()) return plan;
  const std::size_t last = actions.size() - 1;
  plan.final_action = last;
  if (lanes <= 1) {
    Lane lane;
    for (std::size_t i = 0; i < last; ++i) lane.push_back(i);
    if (!lane.empty()) {
      plan.phases.push_back({std::move(lane)});
      plan.phase_names.push_back("sequential");
    }
    return plan;
  }
  Lane registers;
  Lane others;
  for (std::size_t i = 0; i < last; ++i) {
    (actions[i].kind == ActionKind::kRegister ? registers : others).push_back(i);
  }
  if (!registers.empty()) {
    plan.phases.push_back(SpreadByUser(actions, registers, std::max<std::size_t>(1, register_lanes)));
    plan.phase_names.push_back("registers");
  }
  if (!others.empty()) {
    plan.phases.push_back(SpreadByUser(actions, others, lanes));
    plan.phase_names.push_back("activity");
  }
  return plan;
}

}  // namespace minitwit::sim
