// LeaderElection between two candidates on a real coordination.k8s.io/v1 Lease.
#include "controller/leader_election.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "controller/clock.hpp"
#include "controller/write_fence.hpp"
#include "kube_test_env.hpp"

namespace minitwit::controller {
namespace {

using namespace std::chrono_literals;

class LeaderElectionTest : public testing::KubeTest {
 protected:
  LeaderElectionConfig Candidate(const std::string& identity, bool release_on_stop = true) {
    LeaderElectionConfig config;
    config.lease_namespace = ns_;
    config.lease_name = "operator-leader";
    config.identity = identity;
    config.lease_duration = 3s;
    config.renew_deadline = 2s;
    config.retry_period = 250ms;
    config.release_on_stop = release_on_stop;
    return config;
  }

  // Overwrites the lease with another holder for a minute, as a leader after a partition would.
  bool TakeLease(const std::string& holder) {
    auto current = client_->Get(kLeaseType, ns_, "operator-leader");
    if (!current.ok()) return false;
    kube::Json update = current.value();
    update["spec"]["holderIdentity"] = holder;
    update["spec"]["leaseDurationSeconds"] = 60;
    update["spec"]["renewTime"] = FormatMicroTime(std::chrono::system_clock::now());
    return client_->Replace(kLeaseType, ns_, "operator-leader", update).ok();
  }

  // Runs a candidate on its own thread; `leading` is true while its lead callback runs.
  struct Runner {
    std::unique_ptr<LeaderElection> election;
    std::atomic<bool> leading{false};
    std::atomic<int> terms{0};
    std::atomic<bool> finished{false};
    LeaderElection::Outcome outcome = LeaderElection::Outcome::kStopped;
    std::stop_source stop;
    std::jthread thread;

    void Start() {
      thread = std::jthread([this] {
        outcome = election->Run(stop.get_token(), [this](std::stop_token leadership) {
          leading = true;
          ++terms;
          while (!leadership.stop_requested()) std::this_thread::sleep_for(10ms);
          leading = false;
        });
        finished = true;
      });
    }
  };
};

TEST_F(LeaderElectionTest, OneLeadsAndTheStandbyTakesOverWhenItStops) {
  Runner a;
  a.election = std::make_unique<LeaderElection>(*client_, metrics_, Candidate("a"));
  a.Start();
  ASSERT_TRUE(Eventually([&] { return a.leading.load(); }, 5s));

  observability::Registry registry_b;
  observability::OperatorMetrics metrics_b(registry_b);
  Runner b;
  b.election = std::make_unique<LeaderElection>(*client_, metrics_b, Candidate("b"));
  b.Start();
  // b keeps waiting while a renews, well past one lease duration.
  std::this_thread::sleep_for(4s);
  EXPECT_TRUE(a.leading);
  EXPECT_FALSE(b.leading);
  EXPECT_EQ(b.election->ObservedHolder(), "a");
  EXPECT_EQ(metrics_.leader.Value({"operator-leader"}), 1.0);
  EXPECT_EQ(metrics_b.leader.Value({"operator-leader"}), 0.0);

  auto stopped_at = std::chrono::steady_clock::now();
  a.stop.request_stop();
  a.thread.join();
  EXPECT_EQ(a.outcome, LeaderElection::Outcome::kStopped);
  EXPECT_FALSE(a.leading);
  // a released the lease: b takes over within a retry period or two, well within the lease.
  ASSERT_TRUE(Eventually([&] { return b.leading.load(); }, 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 3s);

  auto lease = client_->Get(kLeaseType, ns_, "operator-leader");
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease.value()["spec"]["holderIdentity"], "b");
  EXPECT_EQ(lease.value()["spec"]["leaseDurationSeconds"], 3);
  EXPECT_GE(lease.value()["spec"].value("leaseTransitions", 0), 1);
  b.stop.request_stop();
}

TEST_F(LeaderElectionTest, StandbyTakesOverAnExpiredLeaseOfACrashedLeader) {
  // a "crashes": it stops renewing and does not release the lease.
  Runner a;
  a.election = std::make_unique<LeaderElection>(*client_, metrics_, Candidate("a", false));
  a.Start();
  ASSERT_TRUE(Eventually([&] { return a.leading.load(); }, 5s));
  a.stop.request_stop();
  a.thread.join();

  auto crashed_at = std::chrono::steady_clock::now();
  Runner b;
  b.election = std::make_unique<LeaderElection>(*client_, metrics_, Candidate("b"));
  b.Start();
  ASSERT_TRUE(Eventually([&] { return b.leading.load(); }, 8s));
  auto waited = std::chrono::steady_clock::now() - crashed_at;
  // Not before the 3 s lease has run out (as b measures it), and not much after.
  EXPECT_GE(waited, 2900ms);
  EXPECT_LT(waited, 5s);
  b.stop.request_stop();
}

TEST_F(LeaderElectionTest, LeaderThatCannotRenewGivesUp) {
  Runner a;
  a.election = std::make_unique<LeaderElection>(*client_, metrics_, Candidate("a"));
  a.Start();
  ASSERT_TRUE(Eventually([&] { return a.leading.load(); }, 5s));
  // Someone else overwrites the lease (e.g. a leader after a network partition): a's
  // renewals now conflict or see another holder, and it must step down within the deadline.
  ASSERT_TRUE(Eventually([&] { return TakeLease("intruder"); }));
  ASSERT_TRUE(Eventually([&] { return a.finished.load(); }, 5s));
  EXPECT_EQ(a.outcome, LeaderElection::Outcome::kLost);
  EXPECT_FALSE(a.leading);
  EXPECT_EQ(metrics_.leader.Value({"operator-leader"}), 0.0);
}


// Fencing: a leader that is deposed (here the lease is taken from it; a frozen leader is the
// same once it resumes) keeps reconciling for a while, as in-flight work does. None of its
// writes may reach the API server once the lease can have another holder.
TEST_F(LeaderElectionTest, DeposedLeaderWritesNothingOnceTheLeaseIsTaken) {
  controller::SteadyClock clock;
  WriteFence fence(clock);
  FencedKubeClient fenced(*client_, *client_, fence);
  std::atomic<bool> deposed{false};
  std::atomic<int> writes_before{0};
  std::atomic<int> writes_after{0};
  std::atomic<int> refused_after{0};
  Runner a;
  // Whatever fails below, the writing loop and the election end before `a` is destroyed.
  struct Ender {
    Runner& runner;
    ~Ender() {
      runner.finished = true;
      runner.stop.request_stop();
    }
  } ender{a};
  a.election = std::make_unique<LeaderElection>(*client_, metrics_, Candidate("a"), &fence);
  a.thread = std::jthread([&] {
    a.outcome = a.election->Run(a.stop.get_token(), [&](std::stop_token) {
      a.leading = true;
      // A reconcile that does not look at the stop token: it writes until the test ends it.
      for (int i = 0; !a.finished; ++i) {
        const bool after = deposed.load();
        auto written = fenced.Apply(testing::kConfigMapType, ns_, "cm", ConfigMap("cm", {{"n", std::to_string(i)}}),
                                    "fence-test");
        if (written.ok()) {
          ++(after ? writes_after : writes_before);
        } else if (after && written.error().status == 503) {
          ++refused_after;
        }
        if (after && refused_after >= 5) break;
        std::this_thread::sleep_for(20ms);
      }
      a.leading = false;
    });
  });
  ASSERT_TRUE(Eventually([&] { return writes_before.load() > 0; }, 5s));

  ASSERT_TRUE(Eventually([&] { return TakeLease("b"); }));
  // From here on b may write. a learns of it at its next renewal at the latest; its renew
  // deadline (2 s) is shorter than the lease (3 s) it could have been holding.
  auto taken_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(Eventually([&] { return !fence.MayWrite(); }, 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - taken_at, 2500ms);
  deposed = true;
  ASSERT_TRUE(Eventually([&] { return refused_after.load() >= 5; }, 5s));
  EXPECT_EQ(writes_after.load(), 0);
  a.finished = true;
  a.thread.join();
  EXPECT_EQ(a.outcome, LeaderElection::Outcome::kLost);
}

}  // namespace
}  // namespace minitwit::controller
