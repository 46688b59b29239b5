#include "sim/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "sim/request.hpp"

namespace minitwit::sim {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// A one-connection fake server on an ephemeral loopback port; `respond` sees the request and
// fills the response (or sleeps to force a client timeout).
class FakeServer {
 public:
  using Handler = std::function<void(const http::request<http::string_body>&, http::response<http::string_body>&)>;

  explicit FakeServer(Handler respond) : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this, respond = std::move(respond)] {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      http::response<http::string_body> response{http::status::no_content, 11};
      respond(request, response);
      response.prepare_payload();
      http::write(socket, response, ec);
    });
  }
  ~FakeServer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    thread_.join();
  }
  std::string Port() const { return std::to_string(acceptor_.local_endpoint().port()); }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

Exchange SendOnce(const std::string& port, const RequestSpec& spec) {
  asio::io_context io;
  ClientSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.timeout = std::chrono::milliseconds(300);
  auto endpoints = tcp::resolver(io).resolve(settings.host, settings.port);
  auto future = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<Exchange> {
        HttpClient client(co_await asio::this_coro::executor, settings, endpoints);
        co_return co_await client.Send(spec);
      },
      asio::use_future);
  io.run();
  return future.get();
}

Action Tweet() {
  Action action;
  action.id = 7;
  action.kind = ActionKind::kTweet;
  action.user = "Roger Histand";
  action.argument = "hej ø";
  return action;
}

TEST(HttpClientTest, SendsTheSimulatorsRequest) {
  http::request<http::string_body> seen;
  FakeServer server([&](const auto& request, auto&) { seen = request; });
  const Exchange exchange = SendOnce(server.Port(), BuildActionRequest(Tweet(), ""));
  EXPECT_EQ(exchange.error, TransportError::kNone) << exchange.detail;
  EXPECT_EQ(exchange.status, 204);
  EXPECT_EQ(seen.method(), http::verb::post);
  EXPECT_EQ(seen.target(), "/msgs/Roger%20Histand?latest=7");
  EXPECT_EQ(seen[http::field::authorization], "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh");
  EXPECT_EQ(seen[http::field::content_type], "application/json");
  EXPECT_EQ(seen[http::field::connection], "close");
  EXPECT_EQ(seen.body(), R"({"content": "hej \u00f8"})");
  EXPECT_EQ(Classify(RequestKind::kTweet, exchange.error, exchange.status), Outcome::kOk);
}

TEST(HttpClientTest, WrongStatusIsAStatusError) {
  FakeServer server([](const auto&, auto& response) {
    response.result(http::status::ok);
    response.body() = "{}";
  });
  const Exchange exchange = SendOnce(server.Port(), BuildActionRequest(Tweet(), ""));
  EXPECT_EQ(exchange.status, 200);
  EXPECT_EQ(exchange.body, "{}");
  EXPECT_EQ(Classify(RequestKind::kTweet, exchange.error, exchange.status), Outcome::kWrongStatus);
}

TEST(HttpClientTest, SlowAnswerIsAReadTimeout) {
  FakeServer server([](const auto&, auto&) { std::this_thread::sleep_for(std::chrono::milliseconds(600)); });
  const Exchange exchange = SendOnce(server.Port(), BuildActionRequest(Tweet(), ""));
  EXPECT_EQ(exchange.error, TransportError::kReadTimeout);
  EXPECT_GE(exchange.latency_ms, 295);
  EXPECT_LT(exchange.latency_ms, 550);
  EXPECT_EQ(Classify(RequestKind::kTweet, exchange.error, exchange.status), Outcome::kTimeout);
}

TEST(HttpClientTest, ClosedPortIsAConnectionError) {
  std::string port;
  {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = std::to_string(probe.local_endpoint().port());
  }  // closed again: nothing listens there now
  const Exchange exchange = SendOnce(port, BuildLatestRequest(""));
  EXPECT_EQ(exchange.error, TransportError::kConnect);
  EXPECT_EQ(Classify(RequestKind::kLatest, exchange.error, exchange.status), Outcome::kConnectionError);
}

}  // namespace
}  // namespace minitwit::sim
