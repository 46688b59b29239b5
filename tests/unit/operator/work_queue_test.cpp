#include "controller/work_queue.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fake_clock.hpp"

namespace minitwit::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class WorkQueueTest : public ::testing::Test {
 protected:
  observability::Registry registry_;
  observability::OperatorMetrics metrics_{registry_};
  testing::FakeClock clock_;
  WorkQueue queue_{clock_, metrics_};
};

TEST_F(WorkQueueTest, DeduplicatesKeysWaitingInTheQueue) {
  queue_.Add("ns/a");
  queue_.Add("ns/a");
  queue_.Add("ns/b");
  queue_.Add("ns/a");
  EXPECT_EQ(queue_.Len(), 2u);
  EXPECT_EQ(queue_.TryGet(), "ns/a");
  EXPECT_EQ(queue_.TryGet(), "ns/b");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  EXPECT_EQ(metrics_.queue_adds.Value({"minitwit"}), 2.0);
}

TEST_F(WorkQueueTest, ReAddWhileProcessingIsQueuedOnlyAfterDone) {
  queue_.Add("ns/a");
  auto key = queue_.TryGet();
  ASSERT_EQ(key, "ns/a");
  queue_.Add("ns/a");
  queue_.Add("ns/a");
  // Another worker must not get the key that is being processed.
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  queue_.Done("ns/a");
  EXPECT_EQ(queue_.Len(), 1u);
  EXPECT_EQ(queue_.TryGet(), "ns/a");
  queue_.Done("ns/a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, NeverHandsTheSameKeyToTwoWorkers) {
  SteadyClock real_clock;
  WorkQueue queue(real_clock, metrics_);
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::atomic<int> processed{0};
  std::vector<std::jthread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      while (auto key = queue.Get()) {
        int now = ++in_flight;
        int seen = max_in_flight.load();
        while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(milliseconds(1));
        --in_flight;
        ++processed;
        queue.Done(*key);
      }
    });
  }
  for (int i = 0; i < 300; ++i) {
    queue.Add("ns/same");
    if (i % 10 == 0) std::this_thread::sleep_for(milliseconds(1));
  }
  while (queue.Len() > 0) std::this_thread::sleep_for(milliseconds(5));
  std::this_thread::sleep_for(milliseconds(20));
  queue.ShutDown();
  workers.clear();
  EXPECT_EQ(max_in_flight.load(), 1);
  EXPECT_GE(processed.load(), 1);
}

TEST_F(WorkQueueTest, BackoffDoublesFromFiveMillisecondsAndCapsAtThousandSeconds) {
  std::vector<milliseconds> delays;
  for (int i = 0; i < 30; ++i) {
    delays.push_back(queue_.NextBackoff("ns/a"));
    queue_.AddRateLimited("ns/a");
  }
  EXPECT_EQ(delays[0], milliseconds(5));
  EXPECT_EQ(delays[1], milliseconds(10));
  EXPECT_EQ(delays[2], milliseconds(20));
  EXPECT_EQ(delays[10], milliseconds(5 * 1024));
  EXPECT_EQ(delays[17], milliseconds(655'360));
  EXPECT_EQ(delays[18], seconds(1000));  // 1310.72 s capped
  EXPECT_EQ(delays[29], seconds(1000));
  EXPECT_EQ(queue_.NumRequeues("ns/a"), 30);
  EXPECT_EQ(metrics_.queue_retries.Value({"minitwit"}), 30.0);
  // Other keys have their own back-off.
  EXPECT_EQ(queue_.NextBackoff("ns/b"), milliseconds(5));
}

TEST_F(WorkQueueTest, RateLimitedKeyBecomesReadyAfterItsDelay) {
  queue_.AddRateLimited("ns/a");  // 5 ms
  queue_.AddRateLimited("ns/a");  // 10 ms, but the earlier deadline wins
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(milliseconds(4));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(queue_.TryGet(), "ns/a");
  queue_.Done("ns/a");
  EXPECT_EQ(queue_.NumRequeues("ns/a"), 2);
}

TEST_F(WorkQueueTest, ForgetResetsTheBackoff) {
  for (int i = 0; i < 5; ++i) queue_.AddRateLimited("ns/a");
  EXPECT_EQ(queue_.NextBackoff("ns/a"), milliseconds(160));
  queue_.Forget("ns/a");
  EXPECT_EQ(queue_.NumRequeues("ns/a"), 0);
  EXPECT_EQ(queue_.NextBackoff("ns/a"), milliseconds(5));
}

TEST_F(WorkQueueTest, AddAfterWaitsForTheFakeClock) {
  queue_.AddAfter("ns/b", seconds(30));
  queue_.AddAfter("ns/a", seconds(10));
  EXPECT_EQ(queue_.WaitingCount(), 2u);
  clock_.Advance(seconds(9));
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(seconds(1));
  EXPECT_EQ(queue_.TryGet(), "ns/a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
  clock_.Advance(seconds(20));
  EXPECT_EQ(queue_.TryGet(), "ns/b");
}

TEST_F(WorkQueueTest, AddAfterOfAQueuedKeyDoesNotDuplicateIt) {
  queue_.Add("ns/a");
  queue_.AddAfter("ns/a", milliseconds(1));
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(queue_.TryGet(), "ns/a");
  EXPECT_EQ(queue_.TryGet(), std::nullopt);
}

TEST_F(WorkQueueTest, ZeroDelayAddsAtOnce) {
  queue_.AddAfter("ns/a", milliseconds(0));
  EXPECT_EQ(queue_.TryGet(), "ns/a");
}

TEST_F(WorkQueueTest, BlockingGetWakesForADelayedKey) {
  std::jthread advancer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    clock_.Advance(seconds(5));
    queue_.Poke();
  });
  queue_.AddAfter("ns/a", seconds(5));
  EXPECT_EQ(queue_.Get(), "ns/a");
}

TEST_F(WorkQueueTest, ShutDownReleasesBlockedWorkers) {
  std::optional<std::string> got = "unset";
  std::jthread worker([&] { got = queue_.Get(); });
  std::this_thread::sleep_for(milliseconds(20));
  queue_.ShutDown();
  worker.join();
  EXPECT_EQ(got, std::nullopt);
  queue_.Add("ns/a");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, DepthMetricFollowsTheQueue) {
  queue_.Add("ns/a");
  queue_.Add("ns/b");
  EXPECT_EQ(metrics_.queue_depth.Value({"minitwit"}), 2.0);
  queue_.TryGet();
  EXPECT_EQ(metrics_.queue_depth.Value({"minitwit"}), 1.0);
}

}  // namespace
}  // namespace minitwit::controller
