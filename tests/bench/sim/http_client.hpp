#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "sim/request.hpp"
#include "sim/stats.hpp"

namespace minitwit::sim {

struct ClientSettings {
  std::string host;
  std::string port;
  std::chrono::milliseconds timeout{300};  // for connect, and again for write + read
  bool keep_alive = false;                 // false: Connection: close, like the simulator
};

// The result of one request: a transport error or a status, never an exception.
struct Exchange {
  TransportError error = TransportError::kNone;
  int status = 0;
  std::string body;
  double latency_ms = 0;  // connect (when one was needed) + write + read
  std::string detail;     // the error text when `error` is set
};

// One virtual user's connection. Used by one coroutine at a time; with keep_alive it keeps
// the socket between requests and reconnects once when a reused socket turns out closed.
class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, const ClientSettings& settings,
             boost::asio::ip::tcp::resolver::results_type endpoints);

  boost::asio::awaitable<Exchange> Send(const RequestSpec& spec);

 private:
  boost::asio::awaitable<Exchange> Attempt(const RequestSpec& spec, bool* reused);

  boost::asio::any_io_executor executor_;
  const ClientSettings& settings_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
  std::string host_header_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace minitwit::sim
