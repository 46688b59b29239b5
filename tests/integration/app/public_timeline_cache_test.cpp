// The in-memory public timeline (storage/public_timeline_cache) against a real database:
// two replicas of one database, writes through either of them and behind both (SQL, as an
// administrator would), and limits within and beyond what is cached.
#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>

#include "support/harness.hpp"

#include <nlohmann/json.hpp>

namespace minitwit::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Another replica's change shows once Postgres delivers the NOTIFY: normally well under a
// millisecond after the commit; the bound leaves room for a loaded test machine.
bool Eventually(const std::function<bool()>& condition, milliseconds bound = milliseconds(2000)) {
  const auto deadline = steady_clock::now() + bound;
  while (!condition()) {
    if (steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// The contents of GET /msgs (or /msgs?no=N), newest first.
std::vector<std::string> Contents(const AppProcess& app, const std::string& target = "/msgs") {
  const auto result = Http(app.port(), "GET", target, "", SimHeaders());
  const auto body = json::parse(result.body, nullptr, false);
  std::vector<std::string> contents;
  if (result.status != 200 || !body.is_array()) return {"<" + std::to_string(result.status) + " " + result.body + ">"};
  for (const auto& message : body) contents.push_back(message.value("content", ""));
  return contents;
}

bool Shows(const AppProcess& app, const std::string& content) {
  const auto contents = Contents(app);
  return std::find(contents.begin(), contents.end(), content) != contents.end();
}

class PublicTimelineCacheIT : public ::testing::Test {
 protected:
  void SetUp() override {
    MINITWIT_REQUIRE_DATABASE();
    database_ = std::make_unique<TestDatabase>(*AdminDatabaseUrl());
    a_ = std::make_unique<AppProcess>(database_->url());
    b_ = std::make_unique<AppProcess>(database_->url());
    a_->Start();
    b_->Start();
    ASSERT_TRUE(a_->WaitReady()) << a_->Log();
    ASSERT_TRUE(b_->WaitReady()) << b_->Log();
    const auto registered = Http(a_->port(), "POST", "/register",
                                 R"({"username":"alice","email":"alice@example.com","pwd":"pw"})", SimHeaders());
    ASSERT_EQ(registered.status, 204) << registered.body;
  }
  void TearDown() override {
    if (!HasFailure()) return;
    if (a_) std::cerr << "--- replica A log ---\n" << a_->Log() << "\n";
    if (b_) std::cerr << "--- replica B log ---\n" << b_->Log() << "\n";
  }

  void Post(const AppProcess& app, const std::string& content) {
    const auto result = Http(app.port(), "POST", "/msgs/alice", json{{"content", content}}.dump(), SimHeaders());
    ASSERT_EQ(result.status, 204) << result.body;
  }

  // The cache starts once migrations are done, shortly after the replica is ready. A
  // message inserted with triggers off is announced to nobody: a replica that does not
  // show it after a read has filled its cache is serving from that cache.
  void WaitUntilCaching(const AppProcess& app) {
    const bool caching = Eventually(
        [&] {
          Contents(app);
          database_->Scalar(
              "SET session_replication_role = replica; "
              "INSERT INTO messages (author_id, text, pub_date) SELECT user_id, 'unannounced', 0 FROM users LIMIT 1");
          const bool hidden = !Shows(app, "unannounced");
          database_->Scalar("DELETE FROM messages WHERE text = 'unannounced'");  // announced
          return hidden;
        },
        milliseconds(10000));
    ASSERT_TRUE(caching) << "the replica never served the public timeline from its cache";
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<AppProcess> a_;
  std::unique_ptr<AppProcess> b_;
};

TEST_F(PublicTimelineCacheIT, AWriteOnOneReplicaShowsOnTheOtherAtOnce) {
  ASSERT_NO_FATAL_FAILURE(WaitUntilCaching(*a_));
  ASSERT_NO_FATAL_FAILURE(WaitUntilCaching(*b_));
  Post(*a_, "first");
  ASSERT_TRUE(Eventually([&] { return Shows(*b_, "first"); }));
  ASSERT_EQ(Http(b_->port(), "GET", "/public").status, 200);  // both reads now come from B's cache

  Post(*a_, "second");
  EXPECT_EQ(Contents(*a_).front(), "second") << "the writing replica reads its own write with no wait";
  const auto posted = steady_clock::now();
  EXPECT_TRUE(Eventually([&] { return Contents(*b_).front() == "second"; })) << Contents(*b_).front();
  std::cout << "[ INFO     ] the other replica showed the write after "
            << std::chrono::duration_cast<milliseconds>(steady_clock::now() - posted).count() << " ms\n";
  EXPECT_TRUE(Eventually([&] { return Http(b_->port(), "GET", "/public").body.find("second") != std::string::npos; }));
}

TEST_F(PublicTimelineCacheIT, ChangesMadeDirectlyInTheDatabaseReachTheCache) {
  ASSERT_NO_FATAL_FAILURE(WaitUntilCaching(*b_));
  Post(*a_, "posted");
  ASSERT_TRUE(Eventually([&] { return Shows(*b_, "posted"); }));

  database_->Scalar("INSERT INTO messages (author_id, text, pub_date) SELECT user_id, 'inserted', 1 FROM users");
  EXPECT_TRUE(Eventually([&] { return Contents(*b_).front() == "inserted"; }));

  database_->Scalar("UPDATE messages SET flagged = TRUE WHERE text = 'posted'");
  EXPECT_TRUE(Eventually([&] { return !Shows(*b_, "posted"); }));

  database_->Scalar("UPDATE users SET username = 'alicia'");  // authors' names are in the timeline
  EXPECT_TRUE(Eventually([&] {
    const auto body = json::parse(Http(b_->port(), "GET", "/msgs", "", SimHeaders()).body, nullptr, false);
    return body.is_array() && !body.empty() && body[0].value("user", "") == "alicia";
  }));

  database_->Scalar("DELETE FROM users");  // messages go by cascade
  EXPECT_TRUE(Eventually([&] { return Contents(*b_).empty(); }));
}

TEST_F(PublicTimelineCacheIT, LimitsWithinAndBeyondWhatIsCached) {
  ASSERT_NO_FATAL_FAILURE(WaitUntilCaching(*b_));
  // One statement, one notification: 120 messages, "m1" oldest.
  database_->Scalar(
      "INSERT INTO messages (author_id, text, pub_date) "
      "SELECT u.user_id, 'm' || i, i FROM users u, generate_series(1, 120) AS i ORDER BY i");
  ASSERT_TRUE(Eventually([&] { return Contents(*b_).size() == 100u; }));
  const auto newest = Contents(*b_);  // fills the cache
  EXPECT_EQ(newest.front(), "m120");
  EXPECT_EQ(newest.back(), "m21");

  EXPECT_EQ(Contents(*b_, "/msgs?no=5"), std::vector<std::string>(newest.begin(), newest.begin() + 5));
  EXPECT_TRUE(Contents(*b_, "/msgs?no=0").empty());
  const auto more = Contents(*b_, "/msgs?no=110");  // beyond the cache: from the database
  ASSERT_EQ(more.size(), 110u);
  EXPECT_EQ(more.front(), "m120");
  EXPECT_EQ(more.back(), "m11");
  EXPECT_EQ(Contents(*b_, "/msgs?no=1000").size(), 120u);

  const auto page = Http(b_->port(), "GET", "/public").body;  // the newest 30
  EXPECT_NE(page.find("m91"), std::string::npos);
  EXPECT_EQ(page.find("m90"), std::string::npos);
}

// /metrics tells where reads were answered from, so the hit rate under real load shows.
TEST_F(PublicTimelineCacheIT, MetricsCountCacheAndDatabaseReads) {
  ASSERT_NO_FATAL_FAILURE(WaitUntilCaching(*b_));
  auto count = [&](const std::string& series) {
    const auto text = Http(b_->port(), "GET", "/metrics").body;
    const auto at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + series.size() + 2));
  };
  const std::string cache = R"(minitwit_public_timeline_reads_total{source="cache"})";
  const std::string database = R"(minitwit_public_timeline_reads_total{source="database"})";
  EXPECT_EQ(count("minitwit_public_timeline_cache_live"), 1);
  // WaitUntilCaching's clean-up is announced too: wait until a read is a hit again.
  ASSERT_TRUE(Eventually([&] {
    const double before = count(cache);
    Contents(*b_);
    return count(cache) == before + 1;
  }));
  const double hits = count(cache), misses = count(database);
  Contents(*b_);
  Contents(*b_, "/msgs?no=5");
  EXPECT_EQ(count(cache), hits + 2);
  Contents(*b_, "/msgs?no=1000");  // beyond the cache
  EXPECT_EQ(count(database), misses + 1);
}

}  // namespace
}  // namespace minitwit::testing
