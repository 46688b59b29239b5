// Process lifecycle against a real database: restarts, replicas, concurrent start-up,
// graceful SIGTERM under load, and a database outage.
#include <signal.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <mutex>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <pqxx/pqxx>

#include "support/app_fixture.hpp"

namespace minitwit::testing {
namespace {

using nlohmann::json;

class LifecycleIT : public ::testing::Test {
 protected:
  void SetUp() override { MINITWIT_REQUIRE_DATABASE(); }
};

long long LatestOf(const AppProcess& app) {
  const auto result = Http(app.port(), "GET", "/latest");
  const auto body = json::parse(result.body, nullptr, false);
  return body.is_object() ? body.value("latest", -99LL) : -99;
}

TEST_F(LifecycleIT, LatestSurvivesRestartAndIsSharedByReplicas) {
  TestDatabase database(*AdminDatabaseUrl());
  {
    AppProcess first(database.url());
    first.Start();
    ASSERT_TRUE(first.WaitReady()) << first.Log();
    EXPECT_EQ(LatestOf(first), -1);
    Http(first.port(), "POST", "/register?latest=42", R"({"username":"a","email":"a@b","pwd":"x"})", SimHeaders());
    EXPECT_EQ(LatestOf(first), 42);
    EXPECT_EQ(first.Stop(), 0) << first.Log();
  }
  AppProcess second(database.url());
  AppProcess third(database.url());
  second.Start();
  third.Start();
  ASSERT_TRUE(second.WaitReady()) << second.Log();
  ASSERT_TRUE(third.WaitReady()) << third.Log();
  EXPECT_EQ(LatestOf(second), 42);
  Http(third.port(), "GET", "/msgs?latest=43", "", SimHeaders());
  EXPECT_EQ(LatestOf(second), 43);
  Http(second.port(), "GET", "/fllws/a?latest=44", "", SimHeaders());
  EXPECT_EQ(LatestOf(third), 44);
}

// The harness sends each app's output to a file for diagnosing failures; a passing test
// must not leave it behind (a test run starts dozens of apps).
TEST_F(LifecycleIT, ThePassingTestsAppLogIsRemovedWithTheProcess) {
  TestDatabase database(*AdminDatabaseUrl());
  std::string log_path;
  {
    AppProcess app(database.url());
    app.Start();
    ASSERT_TRUE(app.WaitReady()) << app.Log();
    log_path = app.log_path();
    ASSERT_TRUE(std::ifstream(log_path).good()) << "the app's output is not in " << log_path;
    EXPECT_NE(app.Log().find(R"("msg":"listening")"), std::string::npos) << app.Log();
  }
  EXPECT_FALSE(std::ifstream(log_path).good()) << log_path << " is left behind";
}

TEST_F(LifecycleIT, ReplicasStartingTogetherOnAnEmptyDatabase) {
  TestDatabase database(*AdminDatabaseUrl());
  std::vector<std::unique_ptr<AppProcess>> apps;
  for (int i = 0; i < 4; ++i) apps.push_back(std::make_unique<AppProcess>(database.url()));
  for (auto& app : apps) app->Start();
  for (auto& app : apps) ASSERT_TRUE(app->WaitReady()) << app->Log();
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM schema_migrations"), "3");  // each once
  for (std::size_t i = 0; i < apps.size(); ++i) {
    const auto name = "user" + std::to_string(i);
    EXPECT_EQ(Http(apps[i]->port(), "POST", "/register",
                   json{{"username", name}, {"email", "a@b"}, {"pwd", "x"}}.dump(), SimHeaders())
                  .status,
              204);
  }
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM users"), "4");
}

// SIGTERM under load, with the load balancer modelled: it keeps sending until it sees
// /readyz answer 503, as Kubernetes does when it takes a terminating pod out of its
// Service. Every request it sent must succeed and every 204 must be stored.
TEST_F(LifecycleIT, SigtermUnderLoadLosesNoAcceptedWrite) {
  TestDatabase database(*AdminDatabaseUrl());
  AppProcess app(database.url(), {{"DRAIN_DELAY", "1s"}, {"SHUTDOWN_GRACE", "15s"}});
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  ASSERT_EQ(Http(app.port(), "POST", "/register", R"({"username":"loader","email":"a@b","pwd":"x"})", SimHeaders())
                .status,
            204);

  std::mutex mutex;
  std::vector<std::string> accepted;  // contents answered with 204
  std::vector<std::string> failures;  // anything else
  std::atomic<int> sent{0};
  std::atomic<bool> routed{true};     // the load balancer still sends here
  auto loader = [&](int worker) {
    for (int i = 0; i < 3000 && routed; ++i) {  // bounded
      const auto content = "w" + std::to_string(worker) + "-" + std::to_string(i);
      const auto result = Http(app.port(), "POST", "/msgs/loader?latest=" + std::to_string(i),
                               json{{"content", content}}.dump(), SimHeaders(), std::chrono::seconds(10));
      ++sent;
      std::lock_guard lock(mutex);
      if (result.status == 204) {
        accepted.push_back(content);
      } else {
        failures.push_back(content + ": " + std::to_string(result.status) + " " + result.error + " " + result.body);
      }
    }
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) workers.emplace_back(loader, w);
  for (int i = 0; i < 200 && sent < 40; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));

  const auto signalled = std::chrono::steady_clock::now();
  const int sent_at_signal = sent;
  app.Signal(SIGTERM);
  for (int i = 0; i < 100 && routed; ++i) {
    const auto ready = Http(app.port(), "GET", "/readyz", "", {}, std::chrono::seconds(2));
    if (ready.status == 503) routed = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const bool saw_not_ready = !routed;
  routed = false;
  for (auto& worker : workers) worker.join();
  const int exit_code = app.Wait(std::chrono::seconds(30));
  const auto took = std::chrono::steady_clock::now() - signalled;

  EXPECT_TRUE(saw_not_ready) << "/readyz never answered 503 after SIGTERM";
  EXPECT_EQ(exit_code, 0) << app.Log();
  EXPECT_LT(took, std::chrono::seconds(16));
  EXPECT_GE(took, std::chrono::milliseconds(900));  // served through the drain delay
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  EXPECT_GT(sent.load(), sent_at_signal);  // load really ran into the shutdown
  ASSERT_GT(accepted.size(), 40u);
  std::cout << "[ INFO     ] " << accepted.size() << " writes answered 204 (" << sent.load() - sent_at_signal
            << " after SIGTERM), shutdown took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
  EXPECT_NE(Http(app.port(), "GET", "/healthz").error.find("connect:"), std::string::npos);  // listener gone
  // Every 204 is in the database, once.
  EXPECT_EQ(std::stoul(database.Scalar("SELECT count(*) FROM messages")), accepted.size());
  EXPECT_EQ(database.Scalar("SELECT count(DISTINCT text) FROM messages"), std::to_string(accepted.size()));
  for (const auto& content : {accepted.front(), accepted.back()}) {
    EXPECT_EQ(database.Scalar("SELECT count(*) FROM messages WHERE text = '" + content + "'"), "1") << content;
  }
}

// A connection that never sends a request (a browser's preconnect, a port probe) does not
// hold shutdown until the read timeout.
TEST_F(LifecycleIT, IdleConnectionsDoNotHoldShutdown) {
  TestDatabase database(*AdminDatabaseUrl());
  AppProcess app(database.url(), {{"DRAIN_DELAY", "0s"}, {"READ_TIMEOUT", "30s"}});
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  std::thread idle([&] { RawExchange(app.port(), "", std::chrono::seconds(40)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // connected and accepted
  const auto signalled = std::chrono::steady_clock::now();
  app.Signal(SIGTERM);
  EXPECT_EQ(app.Wait(std::chrono::seconds(40)), 0) << app.Log();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(3));
  idle.join();
}

// Requests in flight when SIGTERM arrives finish, even with no drain delay.
TEST_F(LifecycleIT, InFlightRequestsFinishAfterSigterm) {
  TestDatabase database(*AdminDatabaseUrl());
  // HASH_QUEUE and HTTP_THREADS: all six registrations must be admitted (the defaults
  // answer some of them 503 at once; that limit is not what this test is about).
  AppProcess app(database.url(),
                 {{"DRAIN_DELAY", "0s"}, {"SHUTDOWN_GRACE", "15s"}, {"HASH_QUEUE", "8"}, {"HTTP_THREADS", "10"}});
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  constexpr int kRequests = 6;
  std::vector<HttpResult> results(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      // Registration hashes with argon2id: slow enough to be in flight at the signal.
      results[static_cast<std::size_t>(i)] =
          Http(app.port(), "POST", "/register",
               json{{"username", "late" + std::to_string(i)}, {"email", "a@b"}, {"pwd", "pw"}}.dump(), SimHeaders());
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  app.Signal(SIGTERM);
  for (auto& client : clients) client.join();
  EXPECT_EQ(app.Wait(std::chrono::seconds(30)), 0) << app.Log();
  for (const auto& result : results) EXPECT_EQ(result.status, 204) << result.error << result.body;
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM users"), std::to_string(kRequests));
}

// A burst of registrations (argon2id, tens of ms each) gets quick 503s past the hash
// limits, and the other requests go on being served meanwhile: the waiting hashes never
// hold every request thread.
TEST_F(LifecycleIT, RegistrationBurstLeavesOtherRequestsServed) {
  TestDatabase database(*AdminDatabaseUrl());
  AppProcess app(database.url(), {{"HTTP_THREADS", "4"}});
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  constexpr int kRegisters = 24;
  std::vector<HttpResult> registers(kRegisters);
  std::vector<HttpResult> reads(kRegisters);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRegisters; ++i) {
    clients.emplace_back([&, i] {
      registers[static_cast<std::size_t>(i)] =
          Http(app.port(), "POST", "/register",
               json{{"username", "burst" + std::to_string(i)}, {"email", "a@b"}, {"pwd", "pw"}}.dump(), SimHeaders());
    });
    clients.emplace_back([&, i] { reads[static_cast<std::size_t>(i)] = Http(app.port(), "GET", "/latest"); });
  }
  for (auto& client : clients) client.join();
  int created = 0;
  for (const auto& result : registers) {
    if (result.status == 204) {
      ++created;
      continue;
    }
    EXPECT_EQ(result.status, 503) << result.error << result.body;
    EXPECT_LT(result.latency_ms, 1500) << "a refused registration waits at most the queue's 1 s";
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(database.Scalar("SELECT count(*) FROM users"), std::to_string(created));
  for (const auto& result : reads) {
    EXPECT_EQ(result.status, 200) << result.error;
    EXPECT_LT(result.latency_ms, 300) << "a read waited behind the hashes";
  }
}

TEST_F(LifecycleIT, DatabaseOutageGives503AndRecovers) {
  ASSERT_TRUE(Env("MINITWIT_TEST_PG_BINDIR")) << "MINITWIT_TEST_PG_BINDIR is not set (tests/support/postgres.sh exports it)";
  PrivatePostgres postgres;
  ASSERT_TRUE(postgres.ok()) << "cannot start a private PostgreSQL with initdb/pg_ctl";
  TestDatabase database(postgres.admin_url());
  AppProcess app(database.url());
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  ASSERT_EQ(Http(app.port(), "POST", "/register", R"({"username":"a","email":"a@b","pwd":"x"})", SimHeaders()).status,
            204);
  ASSERT_EQ(Http(app.port(), "POST", "/msgs/a", R"({"content":"before"})", SimHeaders()).status, 204);
  ASSERT_EQ(Http(app.port(), "GET", "/msgs", "", SimHeaders()).status, 200);  // fills the public timeline cache

  ASSERT_TRUE(postgres.Stop());
  // Every replica shares the outage: staying in the Service, each answers 503 with
  // Retry-After, where a failing /readyz would have left clients connection refused.
  const auto ready = Http(app.port(), "GET", "/readyz", "", {}, std::chrono::seconds(10));
  EXPECT_EQ(ready.status, 200) << ready.error;
  const auto write = Http(app.port(), "POST", "/msgs/a", R"({"content":"during"})", SimHeaders(), std::chrono::seconds(10));
  EXPECT_EQ(write.status, 503) << write.error;
  EXPECT_EQ(write.Header("Retry-After"), "1");
  EXPECT_LT(write.latency_ms, 5000);
  EXPECT_EQ(json::parse(write.body, nullptr, false).value("status", 0), 503) << write.body;
  const auto read = Http(app.port(), "GET", "/msgs", "", SimHeaders(), std::chrono::seconds(10));
  EXPECT_EQ(read.status, 503) << read.error;
  EXPECT_EQ(Http(app.port(), "GET", "/public").status, 503);
  EXPECT_EQ(Http(app.port(), "GET", "/healthz").status, 200);  // alive, just not ready
  EXPECT_TRUE(app.Running());

  ASSERT_TRUE(postgres.Start());
  // A read on a fresh connection tells when the database is back (bounded: 30 s).
  bool back = false;
  for (int i = 0; i < 300 && !back; ++i) {
    back = Http(app.port(), "GET", "/latest", "", {}, std::chrono::seconds(2)).status == 200;
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(100));  // poll interval
  }
  ASSERT_TRUE(back) << app.Log();
  const auto after = Http(app.port(), "POST", "/msgs/a", R"({"content":"after"})", SimHeaders());
  EXPECT_EQ(after.status, 204) << after.body << app.Log();
  const auto messages = json::parse(Http(app.port(), "GET", "/msgs", "", SimHeaders()).body, nullptr, false);
  ASSERT_TRUE(messages.is_array());
  EXPECT_EQ(messages.size(), 2u);
}

// Handlers wait on the database on request threads of their own; the I/O threads keep
// accepting and answer the liveness probe. Before, the handlers ran on the I/O threads,
// and with every pooled connection waiting, /healthz waited too (kubelet restarts a pod
// whose probe times out: a slow database became a restart loop).
TEST_F(LifecycleIT, HealthzAnswersWhileEveryDatabaseConnectionIsBusy) {
  TestDatabase database(*AdminDatabaseUrl());
  AppProcess app(database.url(), {{"DB_POOL_SIZE", "2"}, {"HTTP_THREADS", "2"}});
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  ASSERT_EQ(Http(app.port(), "GET", "/msgs?latest=1", "", SimHeaders()).status, 200);

  // Holding the `latest` row's table makes every ?latest= request wait in Postgres.
  pqxx::connection blocker(database.url());
  pqxx::work lock(blocker);
  lock.exec("LOCK TABLE latest IN ACCESS EXCLUSIVE MODE");
  constexpr int kStuck = 6;
  std::vector<std::thread> clients;
  std::vector<int> statuses(kStuck);
  for (int i = 0; i < kStuck; ++i) {
    clients.emplace_back([&, i] {
      statuses[static_cast<std::size_t>(i)] =
          Http(app.port(), "GET", "/msgs?latest=" + std::to_string(i + 2), "", SimHeaders()).status;
    });
  }
  // Both pooled connections are waiting on the lock (bounded: 10 s).
  bool pool_busy = false;
  for (int i = 0; i < 200 && !pool_busy; ++i) {
    pool_busy = database.Scalar("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'latest'::regclass") == "2";
    if (!pool_busy) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
  }
  ASSERT_TRUE(pool_busy) << app.Log();
  const auto probe = Http(app.port(), "GET", "/healthz", "", {}, std::chrono::seconds(1));  // kubelet's default timeout
  EXPECT_EQ(probe.status, 200) << probe.error;
  lock.commit();
  for (auto& client : clients) client.join();
  for (const int status : statuses) EXPECT_TRUE(status == 200 || status == 503) << status;
}

// A connection past MAX_CONNECTIONS is closed at once; the ones already open are served.
TEST_F(LifecycleIT, ConnectionsBeyondTheCapAreClosed) {
  TestDatabase database(*AdminDatabaseUrl());
  AppProcess app(database.url(), {{"MAX_CONNECTIONS", "4"}});
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  namespace asio = boost::asio;
  asio::io_context io;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), app.port());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto exchange = [&](asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(request), ec);
    std::array<char, 512> reply{};
    const auto n = socket.read_some(asio::buffer(reply), ec);
    return ec ? std::string() : std::string(reply.data(), n);
  };
  std::vector<asio::ip::tcp::socket> open;
  for (int i = 0; i < 4; ++i) {
    open.emplace_back(io).connect(endpoint);
    ASSERT_TRUE(exchange(open.back()).starts_with("HTTP/1.1 200")) << i;  // kept alive, counted
  }
  asio::ip::tcp::socket extra(io);
  extra.connect(endpoint);  // the kernel accepts; the server closes it
  EXPECT_EQ(exchange(extra), "");
  for (auto& socket : open) EXPECT_TRUE(exchange(socket).starts_with("HTTP/1.1 200"));
  open.pop_back();  // closing one makes room (bounded poll: the server notices the close)
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    served = Http(app.port(), "GET", "/healthz", "", {}, std::chrono::seconds(1)).status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval
  }
  EXPECT_TRUE(served);
}

TEST_F(LifecycleIT, BadConfigurationExitsWithCode2) {
  AppProcess app(*AdminDatabaseUrl(), {{"DB_POOL_SIZE", "zero"}});
  app.Start();
  EXPECT_EQ(app.Wait(std::chrono::seconds(10)), 2);
  EXPECT_NE(app.Log().find("DB_POOL_SIZE"), std::string::npos) << app.Log();
}

TEST_F(LifecycleIT, LogsAreJsonLinesWithoutSecrets) {
  TestDatabase database(*AdminDatabaseUrl());
  // libpq takes a password in the query too (the test server trusts and ignores it); it
  // was logged as given at start-up.
  AppProcess app(database.url() + "?password=pw-in-query-secret",
                 {{"LOG_LEVEL", "debug"}, {"SIM_AUTHORIZATION", "Basic configured-sim-secret"}});
  app.Start();
  ASSERT_TRUE(app.WaitReady()) << app.Log();
  Http(app.port(), "POST", "/register", R"({"username":"a","email":"a@b","pwd":"hunter2-secret"})", SimHeaders());
  Http(app.port(), "GET", "/msgs/a", "", {{"Authorization", "Basic configured-sim-secret"}});
  ASSERT_EQ(app.Stop(), 0);
  const auto log = app.Log();
  EXPECT_EQ(log.find("hunter2-secret"), std::string::npos);
  EXPECT_EQ(log.find("c2ltdWxhdG9yOnN1cGVyX3NhZmUh"), std::string::npos);
  EXPECT_EQ(log.find("integration-test-secret"), std::string::npos);
  EXPECT_EQ(log.find("pw-in-query-secret"), std::string::npos);
  EXPECT_EQ(log.find("configured-sim-secret"), std::string::npos);
  bool saw_request = false;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const auto entry = json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << line;
    if (entry.value("msg", "") == "request" && entry.value("route", "") == "/msgs/<username>") {
      saw_request = true;
      EXPECT_EQ(entry["method"], "GET");
      EXPECT_EQ(entry["status"], 200);
      EXPECT_TRUE(entry["latency_ms"].is_number());
    }
  }
  EXPECT_TRUE(saw_request);
}

}  // namespace
}  // namespace minitwit::testing
