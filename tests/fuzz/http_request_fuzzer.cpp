// libFuzzer harness: raw HTTP/1.1 request bytes -> Beast's parser (as the server reads
// them) -> minitwit::Request -> MinitwitService::Handle with a MemoryRepository.
// Each input runs twice on a fresh, seeded repository: anonymous, and logged in as
// "alice" (a valid session cookie), so the UI's logged-in paths are reached too. The
// repository is PostgresLikeRepository: in memory, but it traps on strings that
// PostgreSQL cannot store (NUL, invalid UTF-8), which the app must reject first.
//
// Besides ASan/UBSan reports it traps on contract violations that a fuzzer can judge:
// a 5xx while the repository is up, a status outside 100..599, a 204 with a body,
// invalid JSON under a JSON content type, a simulator-API error without
// {"status": <the status>, "error_msg": "..."}, and CR/LF/NUL in a response header.

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/password_hasher.hpp"
#include "http/message.hpp"
#include "service/minitwit_service.hpp"
#include "postgres_like_repository.hpp"
#include "web/session_cookie.hpp"

namespace {

namespace http = boost::beast::http;
using minitwit::Request;
using minitwit::Response;

constexpr const char* kSecret = "fuzz-session-secret-0123456789abcdef0123456789";
constexpr const char* kSession = "fuzz-session";  // alice's, seeded

// The cheapest argon2id parameters: registration and login stay fast under the fuzzer.
const minitwit::PasswordHasher& Hasher() {
  static const minitwit::PasswordHasher hasher(minitwit::Argon2Params{1, 8, 1});
  return hasher;
}

const std::string& SeedHash() {
  static const std::string hash = Hasher().Hash("secret");
  return hash;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Parses one request the way the server's session does; false when Beast rejects it or
// the input ends before the request does.
bool ParseRequest(const std::uint8_t* data, std::size_t size, Request& out) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  boost::beast::error_code ec;
  std::size_t offset = 0;
  while (!parser.is_done() && offset < size) {
    const auto used = parser.put(boost::asio::buffer(data + offset, size - offset), ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) break;
    } else if (ec) {
      return false;
    }
    offset += used;
  }
  if (!parser.is_done()) return false;
  auto& message = parser.get();
  auto view = [](boost::beast::string_view text) { return std::string_view(text.data(), text.size()); };
  out.method = std::string(view(message.method_string()));
  out.SetTarget(view(message.target()));
  for (const auto& field : message) {
    out.headers.emplace_back(ToLower(view(field.name_string())), std::string(view(field.value())));
  }
  out.body = std::move(message.body());
  return true;
}

[[noreturn]] void Violation(const Request& request, const Response& response, const char* what) {
  std::fprintf(stderr, "CONTRACT VIOLATION: %s\n  request: %s %s%s%s\n  response: %d %s\n  body: %.400s\n", what,
               request.method.c_str(), request.path.c_str(), request.query.empty() ? "" : "?", request.query.c_str(),
               response.status, response.content_type.c_str(), response.body.c_str());
  std::abort();
}

bool IsSimulatorApi(const Request& request) {
  const std::string_view path = request.path;
  if (path == "/latest" || path == "/msgs" || path.starts_with("/msgs/") || path.starts_with("/fllws/")) return true;
  if (path == "/register") {
    const auto type = request.Header("content-type");
    return type.find("application/x-www-form-urlencoded") == std::string_view::npos &&
           type.find("multipart/form-data") == std::string_view::npos;
  }
  return false;
}

void CheckResponse(const Request& request, const Response& response) {
  if (response.status < 100 || response.status > 599) Violation(request, response, "status outside 100..599");
  if (response.status >= 500) Violation(request, response, "5xx while the repository is available");
  if (response.status == 204 && !response.body.empty()) Violation(request, response, "204 with a body");
  auto header_ok = [](std::string_view text) { return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; };
  if (!header_ok(response.content_type)) Violation(request, response, "CR/LF/NUL in Content-Type");
  for (const auto& [name, value] : response.headers) {
    if (!header_ok(name) || !header_ok(value)) Violation(request, response, "CR/LF/NUL in a response header");
  }
  // Bounded answers: at most max_rows messages of at most max_message_bytes each.
  if (response.body.size() > (2u << 20)) Violation(request, response, "response body over 2 MiB");
  if (response.content_type.starts_with("text/html")) {
    bool framing_denied = false;
    for (const auto& [name, value] : response.headers) {
      if (name == "Content-Security-Policy" && value.find("frame-ancestors 'none'") != std::string::npos) {
        framing_denied = true;
      }
    }
    if (!framing_denied) Violation(request, response, "HTML without Content-Security-Policy frame-ancestors");
  }
  const bool json = response.content_type.find("application/json") != std::string::npos;
  if (json && !nlohmann::json::accept(response.body)) Violation(request, response, "invalid JSON body");
  if (json && response.status >= 400 && IsSimulatorApi(request)) {
    const auto body = nlohmann::json::parse(response.body);
    if (!body.is_object() || !body.contains("status") || !body["status"].is_number_integer() ||
        body["status"].get<int>() != response.status || !body.contains("error_msg") || !body["error_msg"].is_string()) {
      Violation(request, response, "simulator error body is not {status, error_msg}");
    }
  }
}

// MINITWIT_FUZZ_TRACE=1 prints each request and its status (to check what a corpus reaches).
bool Trace() {
  static const bool trace = std::getenv("MINITWIT_FUZZ_TRACE") != nullptr;
  return trace;
}

void Seed(minitwit::Repository& repository) {
  const auto alice = repository.CreateUser("alice", "alice@example.com", SeedHash()).value.value_or(0);
  const auto roger = repository.CreateUser("Roger Histand", "roger@example.com", SeedHash()).value.value_or(0);
  repository.CreateUser("Zoë Ünicode", "zoe@example.com", SeedHash());
  // Names the API accepts that must not break headers or markup when echoed.
  repository.CreateUser("crlf\r\nSet-Cookie: x=1", "crlf@example.com", SeedHash());
  repository.CreateUser("<script>alert(1)</script>", "xss@example.com", SeedHash());
  repository.AddMessage(roger, "Hello <b>world</b> & \"friends\" 😀", 1700000000);
  repository.AddMessage(alice, "alice's first", 1700000100);
  repository.Follow(alice, roger);
  repository.SetLatest(7);
  repository.CreateSession(kSession, alice, 0, std::numeric_limits<std::int64_t>::max());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  (void)SeedHash();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Request request;
  if (!ParseRequest(data, size, request)) return 0;

  for (const bool logged_in : {false, true}) {
    minitwit::fuzz::PostgresLikeRepository repository;
    Seed(repository);
    minitwit::ServiceOptions options;
    options.session_secret = kSecret;
    minitwit::MinitwitService service(repository, Hasher(), options, [] { return std::int64_t{1700000200}; });
    service.SetMigrated(true);
    Request attempt = request;
    if (logged_in) {
      // "session=<token>; Path=/; HttpOnly" -> "session=<token>", ahead of any fuzzed cookie.
      const minitwit::SessionCookies cookies{minitwit::Signer(kSecret)};
      const auto set_cookie = cookies.LoginCookie(kSession);
      attempt.headers.insert(attempt.headers.begin(), {"cookie", set_cookie.substr(0, set_cookie.find(';'))});
    }
    const Response response = service.Handle(attempt);
    if (Trace()) {
      std::fprintf(stderr, "%s %s %s%s -> %d\n", logged_in ? "[alice]" : "[anon] ", attempt.method.c_str(),
                   attempt.path.c_str(), attempt.query.empty() ? "" : ("?" + attempt.query).c_str(), response.status);
    }
    CheckResponse(attempt, response);
  }
  return 0;
}
