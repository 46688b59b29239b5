#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/scenario.hpp"

namespace minitwit::sim {

// A synthetic scenario with the course scenario's shape, for when the CSV is absent:
// about 0.8% registers (all first), then tweets, follows and unfollows in the course's
// proportions among registered users only; a quarter of the unfollows name a pair that is
// not followed; names with spaces; UTF-8 tweets; ids 0..n-1. Deterministic per seed.
std::vector<Action> GenerateScenario(std::size_t count, std::uint64_t seed = 1);

}  // namespace minitwit::sim
