#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace minitwit::observability {

struct HttpRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// A small Boost.Beast HTTP/1.1 server (one session per connection, keep-alive, timeouts, a
// request size limit) for /metrics, /healthz and /readyz. It runs on its own thread.
class HttpServer {
 public:
  // `bind_address` is "host:port", ":port" (all interfaces) or ":0" (a free port).
  // Throws std::runtime_error when the address cannot be bound.
  HttpServer(const std::string& bind_address, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  unsigned short Port() const;
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Routes /metrics, /healthz and /readyz.
HttpHandler MakeObservabilityHandler(std::function<std::string()> render_metrics, std::function<bool()> ready);

}  // namespace minitwit::observability
