#pragma once

// Test harness for the minitwit binary: a small Beast HTTP client, the app as a child
// process, a fresh database per test, and a private PostgreSQL server for outage tests.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace minitwit::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status = 0;           // 0: no response
  std::string error;        // transport error, when status == 0
  std::string body;
  Headers headers;          // names as sent by the server
  double latency_ms = 0;

  std::string Header(const std::string& name) const;
  std::vector<std::string> SetCookies() const;
};

// One request on a fresh connection (Connection: close), like the simulator.
HttpResult Http(unsigned short port, const std::string& method, const std::string& target,
                const std::string& body = "", Headers headers = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Writes raw bytes and returns whatever comes back until the server closes (or timeout).
std::string RawExchange(unsigned short port, const std::string& bytes,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline const char* kSimAuth = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh";
// Headers the simulator sends.
Headers SimHeaders();

unsigned short FreePort();
std::optional<std::string> Env(const char* name);

// MINITWIT_TEST_DATABASE_URL, or nullopt. Tests call REQUIRE_DATABASE() first.
std::optional<std::string> AdminDatabaseUrl();

// Fails when no PostgreSQL was provided: these tests are about the real database, so
// there is nothing to pass without one (hack/test.sh starts it).
#define MINITWIT_REQUIRE_DATABASE()                                                                   \
  do {                                                                                                \
    if (!::minitwit::testing::AdminDatabaseUrl()) {                                                   \
      FAIL() << "MINITWIT_TEST_DATABASE_URL is not set: run hack/test.sh, or "                        \
                "eval \"$(tests/support/postgres.sh start DIR)\" first";                               \
    }                                                                                                 \
  } while (false)

// A database of its own on the test server, dropped at the end.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& admin_url);
  ~TestDatabase();
  const std::string& url() const { return url_; }
  // Runs SQL and returns the first column of the first row ("" when no rows).
  std::string Scalar(const std::string& sql) const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// Replaces the database name in a libpq URI.
std::string WithDatabase(const std::string& url, const std::string& name);

// The built minitwit binary as a child process on a free loopback port.
class AppProcess {
 public:
  AppProcess(std::string database_url, std::map<std::string, std::string> env = {});
  ~AppProcess();

  void Start();
  // Polls /readyz until 200.
  bool WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Sends a signal and waits for the exit; returns the exit code, or -1 on timeout/crash.
  int Stop(int signal_number = 15, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void Signal(int signal_number);
  int Wait(std::chrono::milliseconds timeout);
  bool Running();

  unsigned short port() const { return port_; }
  std::string Log() const;
  // The file the app's output goes to: removed with the process unless the test failed.
  const std::string& log_path() const { return log_path_; }

 private:
  std::string database_url_;
  std::map<std::string, std::string> env_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
  std::string log_path_;
};

// A PostgreSQL server of the test's own (initdb + pg_ctl from MINITWIT_TEST_PG_BINDIR),
// so it can be stopped and started again.
class PrivatePostgres {
 public:
  PrivatePostgres();
  ~PrivatePostgres();
  bool Start();
  bool Stop();
  std::string admin_url() const;
  bool ok() const { return ok_; }

 private:
  std::string Run(const std::string& command) const;
  std::string bindir_;
  std::string dir_;
  unsigned short port_ = 0;
  bool ok_ = false;
};

}  // namespace minitwit::testing
