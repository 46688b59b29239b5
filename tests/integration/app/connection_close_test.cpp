// How a connection that the client asked to close ends (http/server.cpp, LingeringClose).
// The course's simulator opens a new connection per request with Connection: close. If the
// server sent the first FIN, the connection's TIME_WAIT would stay in the server for a
// minute, and behind a cluster's source NAT a new SYN from a reused port is dropped there
// (PAWS) and the simulator sees a connect timeout.
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "support/app_fixture.hpp"

namespace minitwit::testing {
namespace {

constexpr int kTimeWait = 6;  // TCP_TIME_WAIT in /proc/net/tcp's "st" column

struct TimeWaitCount {
  int server_side = 0;  // local port is the app's: the server closed first
  int client_side = 0;  // remote port is the app's: the client closed first
};

// Counts TIME_WAIT sockets of connections to the app on loopback (this test and the app
// share the network namespace).
TimeWaitCount CountTimeWait(unsigned short app_port) {
  TimeWaitCount count;
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (std::stoi(state, nullptr, 16) != kTimeWait) continue;
    const auto port_of = [](const std::string& address) {
      return static_cast<unsigned short>(std::stoul(address.substr(address.find(':') + 1), nullptr, 16));
    };
    if (port_of(local) == app_port) ++count.server_side;
    if (port_of(remote) == app_port) ++count.client_side;
  }
  return count;
}

class ConnectionCloseIT : public AppTest {
 protected:
  void Restart(std::map<std::string, std::string> env) {
    app_->Stop();
    app_ = std::make_unique<AppProcess>(database_->url(), std::move(env));
    app_->Start();
    ASSERT_TRUE(app_->WaitReady()) << app_->Log();
  }
  // Requests on fresh Connection: close connections; the client closes after reading the
  // Content-Length-framed response, as Python's requests and the simulator do.
  void CloseRequests(int count) {
    for (int i = 0; i < count; ++i) {
      const auto result = SimGet("/latest");
      ASSERT_EQ(result.status, 200) << result.error;
    }
  }
};

TEST_F(ConnectionCloseIT, ClientClosesFirstSoTimeWaitStaysWithTheClient) {
  constexpr int kRequests = 20;
  const auto before = CountTimeWait(app_->port());
  CloseRequests(kRequests);
  // The server closes once it reads the client's FIN; give it a moment to get there.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  TimeWaitCount after = CountTimeWait(app_->port());
  while (after.client_side - before.client_side < kRequests && std::chrono::steady_clock::now() < deadline) {
    after = CountTimeWait(app_->port());
  }
  EXPECT_EQ(after.server_side - before.server_side, 0) << "the server sent the first FIN";
  // At least: a readiness probe's connection may finish closing in this window too.
  EXPECT_GE(after.client_side - before.client_side, kRequests);
}

TEST_F(ConnectionCloseIT, ClientThatWaitsForEndOfFileIsClosedAfterTheLinger) {
  Restart({{"CLOSE_LINGER", "200ms"}});
  // RawExchange reads until the server closes and never closes first.
  const auto start = std::chrono::steady_clock::now();
  const auto response =
      RawExchange(app_->port(), "GET /latest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", std::chrono::seconds(8));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos) << response;
  EXPECT_NE(response.find("\"latest\""), std::string::npos) << response;
  // Closed by the linger, not by RawExchange's own 8 s timeout.
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

// The RFC's staged close, and what the server did before CLOSE_LINGER: the server sends
// the first FIN without waiting. A client that only closes at end of file proves it: the
// connection's TIME_WAIT lands in the server well before the client's own 5 s timeout.
TEST_F(ConnectionCloseIT, CloseLingerZeroClosesWithoutWaitingForTheClient) {
  Restart({{"CLOSE_LINGER", "0"}});
  const auto before = CountTimeWait(app_->port());
  const auto response =
      RawExchange(app_->port(), "GET /latest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", std::chrono::seconds(5));
  EXPECT_NE(response.find("\"latest\""), std::string::npos) << response;
  const auto after = CountTimeWait(app_->port());
  EXPECT_EQ(after.server_side - before.server_side, 1);
}

}  // namespace
}  // namespace minitwit::testing
