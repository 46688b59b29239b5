#include "observability/http_server.hpp"

#include <atomic>
#include <utility>  // before Boost 1.74 asio (std::exchange)

#include <boost/asio.hpp>
#include <gtest/gtest.h>

namespace minitwit::observability {
namespace {

// A raw HTTP/1.0 GET; returns the whole response.
std::string Fetch(unsigned short port, const std::string& target, const std::string& method = "GET") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  std::string request = method + " " + target + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string response;
  boost::system::error_code ec;
  char buffer[4096];
  while (true) {
    std::size_t n = socket.read_some(boost::asio::buffer(buffer), ec);
    response.append(buffer, n);
    if (ec) break;
  }
  return response;
}

TEST(HttpServerTest, ServesMetricsHealthAndReadiness) {
  std::atomic<bool> ready{false};
  HttpServer server("127.0.0.1:0", MakeObservabilityHandler([] { return std::string("metric_a 1\n"); },
                                                           [&] { return ready.load(); }));
  ASSERT_NE(server.Port(), 0);
  std::string metrics = Fetch(server.Port(), "/metrics");
  EXPECT_NE(metrics.find("HTTP/1.0 200"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(metrics.find("metric_a 1\n"), std::string::npos);
  EXPECT_NE(Fetch(server.Port(), "/healthz").find(" 200 "), std::string::npos);
  EXPECT_NE(Fetch(server.Port(), "/readyz").find(" 503 "), std::string::npos);
  ready = true;
  EXPECT_NE(Fetch(server.Port(), "/readyz?verbose").find(" 200 "), std::string::npos);
  EXPECT_NE(Fetch(server.Port(), "/nope").find(" 404 "), std::string::npos);
  EXPECT_NE(Fetch(server.Port(), "/metrics", "POST").find(" 405 "), std::string::npos);
  server.Stop();
}

TEST(HttpServerTest, BadAddressThrows) {
  auto handler = MakeObservabilityHandler([] { return std::string(); }, [] { return true; });
  EXPECT_THROW(HttpServer("no-port", handler), std::runtime_error);
  EXPECT_THROW(HttpServer("not-an-ip:80", handler), std::runtime_error);
}

}  // namespace
}  // namespace minitwit::observability
