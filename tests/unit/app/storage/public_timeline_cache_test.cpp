#include "storage/public_timeline_cache.hpp"

#include <gtest/gtest.h>

namespace minitwit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The newest `count` of a timeline whose message ids go up to `newest`.
std::vector<Message> Newest(int count, std::int64_t newest = 1000) {
  std::vector<Message> messages;
  for (int i = 0; i < count; ++i) {
    const auto id = newest - i;
    messages.push_back({id, "user", "user@example.com", "message " + std::to_string(id), id});
  }
  return messages;
}

std::vector<std::int64_t> Ids(const std::vector<Message>& messages) {
  std::vector<std::int64_t> ids;
  for (const auto& m : messages) ids.push_back(m.id);
  return ids;
}

class PublicTimelineCacheTest : public ::testing::Test {
 protected:
  static constexpr int kRows = PublicTimelineCache::kRows;

  // Fills the cache as PgRepository does after a miss.
  void Fill(int count = kRows) {
    const auto ticket = cache_.Ticket();
    ASSERT_NE(ticket, 0u);
    cache_.Store(ticket, Newest(count));
  }

  std::chrono::steady_clock::time_point now_{};  // a fake clock: tests move it
  PublicTimelineCache cache_{seconds(3), [this] { return now_; }};
};

TEST_F(PublicTimelineCacheTest, NothingIsCachedWithoutAListener) {
  EXPECT_EQ(cache_.Ticket(), 0u);
  cache_.Store(1, Newest(kRows));  // even with the epoch guessed right
  EXPECT_FALSE(cache_.Get(10));
}

TEST_F(PublicTimelineCacheTest, AMissUntilFilledThenAnyLimitUpToKRows) {
  cache_.SetListening(true);
  EXPECT_FALSE(cache_.Get(10));
  Fill();
  EXPECT_EQ(Ids(*cache_.Get(3)), (std::vector<std::int64_t>{1000, 999, 998}));
  EXPECT_EQ(cache_.Get(kRows)->size(), static_cast<std::size_t>(kRows));
  EXPECT_TRUE(cache_.Get(0)->empty());
  EXPECT_FALSE(cache_.Get(kRows + 1));  // more than is kept: the database answers
  EXPECT_FALSE(cache_.Get(-1));
}

TEST_F(PublicTimelineCacheTest, FewerRowsThanKRowsAreTheWholeTimeline) {
  cache_.SetListening(true);
  Fill(3);
  EXPECT_EQ(cache_.Get(30)->size(), 3u);
  EXPECT_EQ(cache_.Get(kRows)->size(), 3u);
}

TEST_F(PublicTimelineCacheTest, AChangeDropsTheRows) {
  cache_.SetListening(true);
  Fill();
  cache_.Invalidate();
  EXPECT_FALSE(cache_.Get(10));
  Fill();
  EXPECT_TRUE(cache_.Get(10));
}

TEST_F(PublicTimelineCacheTest, AChangeDuringTheReadDiscardsItsResult) {
  cache_.SetListening(true);
  const auto ticket = cache_.Ticket();
  cache_.Invalidate();  // a notification arrives while the query runs
  cache_.Store(ticket, Newest(kRows));
  EXPECT_FALSE(cache_.Get(10));
  EXPECT_NE(cache_.Ticket(), ticket);
}

TEST_F(PublicTimelineCacheTest, ALostListenerTurnsTheCacheOffAndItsReturnStartsAfresh) {
  cache_.SetListening(true);
  Fill();
  const auto before = cache_.Ticket();
  cache_.SetListening(false);
  EXPECT_FALSE(cache_.Get(10));
  EXPECT_EQ(cache_.Ticket(), 0u);

  cache_.SetListening(true);
  EXPECT_FALSE(cache_.Get(10)) << "changes made while nobody listened may be missing";
  cache_.Store(before, Newest(kRows));  // a read that began before the outage
  EXPECT_FALSE(cache_.Get(10));
  Fill();
  EXPECT_TRUE(cache_.Get(10));
}

TEST_F(PublicTimelineCacheTest, TheLeaseEndsWhenTheListenerFallsSilent) {
  cache_.SetListening(true);
  Fill();
  now_ += milliseconds(2999);
  EXPECT_TRUE(cache_.Get(10));
  now_ += milliseconds(1);
  EXPECT_FALSE(cache_.Get(10));
  EXPECT_EQ(cache_.Ticket(), 0u);
}

TEST_F(PublicTimelineCacheTest, RenewExtendsTheLease) {
  cache_.SetListening(true);
  Fill();
  now_ += seconds(2);
  cache_.Renew();
  now_ += seconds(2);
  EXPECT_TRUE(cache_.Get(10));
  EXPECT_NE(cache_.Ticket(), 0u);
}

TEST_F(PublicTimelineCacheTest, RenewDoesNotStartListening) {
  cache_.Renew();
  EXPECT_EQ(cache_.Ticket(), 0u);
}

}  // namespace
}  // namespace minitwit
