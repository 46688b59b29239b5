#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace minitwit {

// Current time in Unix seconds; injected so tests can fix it.
using Clock = std::function<std::int64_t()>;

inline Clock SystemClock() {
  return [] {
    return static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  };
}

}  // namespace minitwit
