#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace minitwit::sim {

// Indices into the scenario, in the order one virtual user sends them.
using Lane = std::vector<std::size_t>;

// Phases run one after the other; the lanes of a phase run concurrently; `final_action`
// is sent alone after everything else so that GET /latest must end at its id.
struct Plan {
  std::vector<std::vector<Lane>> phases;
  std::vector<std::string> phase_names;  // "sequential", or "registers" / "activity"
  std::optional<std::size_t> final_action;
};

// lanes == 1: one lane in file order, exactly like the course simulator.
// lanes > 1: registers first (phase 1, over `register_lanes` lanes: 1 keeps them sequential in
// file order as the course sends them), then everything else (phase 2 over `lanes`); in each
// phase every acting user's actions go to one lane in file order, users spread over the lanes
// by load. Since the scenario registers every actor and target before use, phase 1 satisfies
// all cross-user dependencies, and each user's own order is kept.
Plan MakePlan(const std::vector<Action>& actions, std::size_t lanes, std::size_t register_lanes = 1);

}  // namespace minitwit::sim
