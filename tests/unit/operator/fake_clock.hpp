#pragma once

#include <atomic>
#include <chrono>

#include "controller/clock.hpp"

namespace minitwit::testing {

class FakeClock : public controller::Clock {
 public:
  TimePoint Now() const override { return TimePoint(std::chrono::nanoseconds(now_.load())); }
  void Advance(std::chrono::nanoseconds delta) { now_ += delta.count(); }

 private:
  std::atomic<std::int64_t> now_{1'000'000'000};
};

}  // namespace minitwit::testing
