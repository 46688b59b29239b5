#include "http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <future>
#include <optional>
#include <cctype>
#include <condition_variable>
#include <list>
#include <mutex>

namespace minitwit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string ToLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Session;

// With close_linger 0: how long a half-closed connection drains the peer's input.
constexpr std::chrono::seconds kHalfClosedLinger{2};

// State shared by the listener and its sessions; outlives both (owned by HttpServer).
struct Shared {
  ServerOptions options;
  HttpServer::Handler handler;
  std::atomic<bool> draining{false};
  std::mutex mutex;
  std::condition_variable sessions_done;
  std::list<std::weak_ptr<Session>> sessions;
  int active = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {}

  void Start(std::list<std::weak_ptr<Session>>::iterator self_entry) {
    self_entry_ = self_entry;
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

  // Closes the connection if it is waiting for a request and none is arriving (nothing
  // buffered, nothing readable in the kernel); a busy one closes after its response. This
  // includes connections that never sent a request (a browser's preconnect, a port probe),
  // which would otherwise hold shutdown until the read timeout.
  void Drain() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      const std::size_t arriving = self->stream_.socket().available(ec);
      if (!self->busy_ && self->buffer_.size() == 0 && !ec && arriving == 0) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.socket().close(ignored);
      }
    });
  }

  ~Session() {
    std::lock_guard lock(shared_.mutex);
    shared_.sessions.erase(self_entry_);
    if (--shared_.active == 0) shared_.sessions_done.notify_all();
  }

 private:
  void Read() {
    if (shared_.draining && served_ > 0 && buffer_.size() == 0) return Close();
    busy_ = false;
    parser_.emplace();
    parser_->header_limit(shared_.options.max_header_bytes);
    parser_->body_limit(shared_.options.max_body_bytes);
    stream_.expires_after(shared_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    busy_ = true;
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::bad_descriptor) {
      return Close();
    }
    if (ec == http::error::body_limit) return SendError(413, "Request body too large");
    if (ec == http::error::header_limit) return SendError(431, "Request header fields too large");
    if (ec) return SendError(400, "Malformed HTTP request");

    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    request.SetTarget(std::string_view(message.target().data(), message.target().size()));
    for (const auto& field : message) {
      const auto name = field.name_string();
      request.headers.emplace_back(ToLower(std::string_view(name.data(), name.size())),
                                   std::string(field.value().data(), field.value().size()));
    }
    request.body = std::move(message.body());

    Response response = shared_.handler(request);
    ++served_;
    const bool keep_alive = message.keep_alive() && !shared_.draining;
    Write(std::move(response), keep_alive, message.version());
  }

  void SendError(int status, std::string_view text) {
    Response response = JsonError(status, text);
    Write(std::move(response), false, 11);
  }

  void Write(Response response, bool keep_alive, unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), version);
    res->set(http::field::server, "minitwit");
    if (!response.content_type.empty()) res->set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) res->insert(name, value);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(shared_.options.write_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) { self->OnWrite(ec, res->need_eof()); });
  }

  void OnWrite(beast::error_code ec, bool close) {
    if (ec) return Close();
    if (close) return LingeringClose();
    Read();
  }

  // The connection ends after this response. Whoever sends the first FIN keeps the
  // connection's TIME_WAIT for a minute, so the server waits (close_linger at most) for the
  // client, which has read a complete, Content-Length-framed response, to close first.
  // Behind a cluster's source NAT many clients share few address:port pairs; a new SYN
  // that lands on a server-side TIME_WAIT with an older timestamp is dropped (PAWS) and the
  // client sees a connect timeout. Client-side TIME_WAIT costs the client nothing. Past the
  // linger (a client that waits for EOF) the server closes after all. Reading meanwhile also
  // drains a peer that is still sending after an early error, so the kernel does not answer
  // with RST and destroy the response.
  void LingeringClose() {
    if (shared_.options.close_linger.count() > 0) {
      stream_.expires_after(shared_.options.close_linger);
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.expires_after(kHalfClosedLinger);
    }
    Discard();
  }

  void Discard() {
    // Allocated only here: most connections never linger, and 16 KiB per session made
    // every accept pay for a large allocation.
    if (!discard_) discard_ = std::make_unique<std::array<char, 16384>>();
    stream_.async_read_some(asio::buffer(*discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->discarded_ += n;
      if (ec || self->discarded_ > (8u << 20)) return self->Close();
      self->Discard();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::list<std::weak_ptr<Session>>::iterator self_entry_;
  std::unique_ptr<std::array<char, 16384>> discard_;
  std::size_t discarded_ = 0;
  int served_ = 0;
  bool busy_ = false;
};

}  // namespace

struct HttpServer::Impl {
  explicit Impl(ServerOptions options, Handler handler)
      : ioc(std::max(1, options.threads)), acceptor(asio::make_strand(ioc)) {
    shared.options = std::move(options);
    shared.handler = std::move(handler);
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) Launch(std::move(socket));
      if (!shared.draining) Accept();
    });
  }

  void Launch(tcp::socket socket) {
    auto session = std::make_shared<Session>(std::move(socket), shared);
    std::list<std::weak_ptr<Session>>::iterator entry;
    {
      std::lock_guard lock(shared.mutex);
      ++shared.active;
      entry = shared.sessions.insert(shared.sessions.end(), session);
    }
    session->Start(entry);
  }

  // Runs on the acceptor's strand: take every connection the kernel already accepted,
  // then stop listening. Later connection attempts are refused, never half-served.
  void StopAccepting() {
    beast::error_code ec;
    acceptor.non_blocking(true, ec);
    for (int i = 0; i < 100000; ++i) {
      tcp::socket socket(asio::make_strand(ioc));
      acceptor.accept(socket, ec);
      if (ec) break;
      Launch(std::move(socket));
    }
    acceptor.close(ec);
  }

  Shared shared;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  unsigned short bound_port = 0;
  bool stopped = false;
};

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  if (!impl_->stopped) {
    impl_->ioc.stop();
    for (auto& thread : impl_->threads) thread.join();
  }
}

std::error_code HttpServer::Listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->shared.options.bind_address, ec);
  if (ec) return ec;
  const tcp::endpoint endpoint(address, impl_->shared.options.port);
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) return ec;
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) return ec;
  if (acceptor.bind(endpoint, ec); ec) return ec;
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return ec;
  impl_->bound_port = acceptor.local_endpoint().port();
  return {};
}

unsigned short HttpServer::BoundPort() const { return impl_->bound_port; }

void HttpServer::Start() {
  impl_->Accept();
  const int count = std::max(1, impl_->shared.options.threads);
  for (int i = 0; i < count; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  auto& shared = impl_->shared;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  shared.draining = true;
  {
    std::promise<void> closed;
    asio::post(impl_->acceptor.get_executor(), [this, &closed] {
      impl_->StopAccepting();
      closed.set_value();
    });
    closed.get_future().wait_until(deadline);
  }
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(shared.mutex);
    for (auto& weak : shared.sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->Drain();
  live.clear();
  {
    std::unique_lock lock(shared.mutex);
    shared.sessions_done.wait_until(lock, deadline, [&] { return shared.active == 0; });
  }
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->stopped = true;
}

}  // namespace minitwit
