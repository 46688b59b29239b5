#include "sim/http_client.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

namespace minitwit::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

HttpClient::HttpClient(asio::any_io_executor executor, const ClientSettings& settings,
                       asio::ip::tcp::resolver::results_type endpoints)
    : executor_(std::move(executor)),
      settings_(settings),
      endpoints_(std::move(endpoints)),
      host_header_(settings.host + ":" + settings.port) {}

asio::awaitable<Exchange> HttpClient::Send(const RequestSpec& spec) {
  const auto start = std::chrono::steady_clock::now();
  bool reused = false;
  Exchange exchange = co_await Attempt(spec, &reused);
  // A kept-alive socket the server closed while idle fails at once; that is not the
  // server's error, so try again on a fresh connection (never after a timeout).
  if (reused && (exchange.error == TransportError::kOther)) {
    exchange = co_await Attempt(spec, &reused);
  }
  exchange.latency_ms = MillisecondsSince(start);
  co_return exchange;
}

asio::awaitable<Exchange> HttpClient::Attempt(const RequestSpec& spec, bool* reused) {
  Exchange exchange;
  beast::error_code ec;
  *reused = stream_.has_value();
  if (!stream_) {
    stream_.emplace(executor_);
    buffer_.clear();
    stream_->expires_after(settings_.timeout);
    co_await stream_->async_connect(endpoints_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      exchange.error = ec == beast::error::timeout ? TransportError::kConnectTimeout
                                                  : TransportError::kConnect;
      exchange.detail = ec.message();
      stream_.reset();
      co_return exchange;
    }
  }

  http::request<http::string_body> request{spec.post ? http::verb::post : http::verb::get,
                                           spec.target, 11};
  request.set(http::field::host, host_header_);
  request.set(http::field::user_agent, "minitwit-sim");
  request.set(http::field::accept, "*/*");
  request.set(http::field::authorization,
              boost::beast::string_view(kSimulatorAuthorization.data(), kSimulatorAuthorization.size()));
  request.set(http::field::content_type, "application/json");
  request.set(http::field::connection, settings_.keep_alive ? "keep-alive" : "close");
  if (spec.post) {
    request.body() = spec.body;
    request.prepare_payload();
  }

  stream_->expires_after(settings_.timeout);
  co_await http::async_write(*stream_, request, asio::redirect_error(asio::use_awaitable, ec));
  http::response<http::string_body> response;
  if (!ec) {
    co_await http::async_read(*stream_, buffer_, response, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    exchange.error = ec == beast::error::timeout ? TransportError::kReadTimeout : TransportError::kOther;
    exchange.detail = ec.message();
    stream_.reset();
    co_return exchange;
  }
  exchange.status = static_cast<int>(response.result_int());
  exchange.body = std::move(response.body());
  if (!settings_.keep_alive || !response.keep_alive()) {
    stream_->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    stream_.reset();
  }
  co_return exchange;
}

}  // namespace minitwit::sim
