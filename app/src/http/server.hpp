#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "http/message.hpp"

namespace minitwit {

struct ServerOptions {
  std::string bind_address = "0.0.0.0";
  unsigned short port = 5000;
  int threads = 4;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  // After a response that closes the connection, how long to wait for the client to close
  // first (0: half-close at once, as RFC 9112 section 9.6 describes). See LingeringClose.
  std::chrono::milliseconds close_linger{2000};
  std::uint64_t max_body_bytes = 1024 * 1024;
  std::uint32_t max_header_bytes = 16 * 1024;
};

// Beast HTTP/1.1 server in the advanced_server shape: a listener, one session per
// connection, keep-alive, timeouts, header and body limits. Every complete request goes
// to the handler, which runs on an I/O thread and may block (database calls).
class HttpServer {
 public:
  using Handler = std::function<Response(const Request&)>;

  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the error or {} and records the bound port.
  std::error_code Listen();
  unsigned short BoundPort() const;

  // Starts the I/O threads; returns at once.
  void Start();

  // Graceful stop: accepts what is already queued, closes the listener, lets in-flight
  // requests finish (their responses say Connection: close), closes idle connections,
  // waits up to grace for sessions to end, then stops the I/O threads. Blocks; call it
  // from a thread that is not an I/O thread.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace minitwit
