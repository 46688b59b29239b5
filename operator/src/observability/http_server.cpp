#include "observability/http_server.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace minitwit::observability {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kSessionTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kBodyLimit = 64 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpHandler& handler) : stream_(std::move(socket)), handler_(handler) {}

  void Start() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kSessionTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    auto request = parser_->release();
    HttpResponse answer;
    try {
      answer = handler_(HttpRequest{std::string(request.method_string()), std::string(request.target()),
                                    std::string(request[http::field::content_type]), request.body()});
    } catch (const std::exception& e) {
      answer = HttpResponse{500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
    }
    response_ = {};
    response_.version(request.version());
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(http::field::content_type, answer.content_type);
    response_.keep_alive(request.keep_alive());
    response_.body() = request.method() == http::verb::head ? "" : std::move(answer.body);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
      if (write_ec || !self->response_.keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->Read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  const HttpHandler& handler_;
};

}  // namespace

struct HttpServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  HttpHandler handler;
  std::thread thread;

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec != asio::error::operation_aborted) spdlog::warn("metrics server accept: {}", ec.message());
        if (!acceptor.is_open()) return;
      } else {
        std::make_shared<Session>(std::move(socket), handler)->Start();
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(const std::string& bind_address, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  auto colon = bind_address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("bind address must be host:port: " + bind_address);
  std::string host = bind_address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    port = std::stoul(bind_address.substr(colon + 1));
  } catch (const std::exception&) {
    throw std::runtime_error("bad port in bind address: " + bind_address);
  }
  if (port > 65535) throw std::runtime_error("bad port in bind address: " + bind_address);
  try {
    tcp::endpoint endpoint(host.empty() ? asio::ip::address(asio::ip::address_v6::any())
                                        : asio::ip::make_address(host),
                           static_cast<unsigned short>(port));
    impl_->acceptor.open(endpoint.protocol());
    if (endpoint.address().is_v6()) impl_->acceptor.set_option(asio::ip::v6_only(false));
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + bind_address + ": " + e.what());
  }
  impl_->Accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

HttpServer::~HttpServer() { Stop(); }

unsigned short HttpServer::Port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::Stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->io.stop();
  });
  impl_->thread.join();
}

HttpHandler MakeObservabilityHandler(std::function<std::string()> render_metrics, std::function<bool()> ready) {
  return [render_metrics = std::move(render_metrics), ready = std::move(ready)](const HttpRequest& request) {
    std::string path = request.target.substr(0, request.target.find('?'));
    if (request.method != "GET" && request.method != "HEAD") return HttpResponse{405, "text/plain", "method not allowed\n"};
    if (path == "/metrics") return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", render_metrics()};
    if (path == "/healthz" || path == "/livez") return HttpResponse{200, "text/plain", "ok\n"};
    if (path == "/readyz") {
      return ready() ? HttpResponse{200, "text/plain", "ok\n"} : HttpResponse{503, "text/plain", "informers not synced\n"};
    }
    return HttpResponse{404, "text/plain", "not found\n"};
  };
}

}  // namespace minitwit::observability
