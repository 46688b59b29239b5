#include "support/harness.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

extern char** environ;

namespace minitwit::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string HttpResult::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

std::vector<std::string> HttpResult::SetCookies() const {
  std::vector<std::string> cookies;
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), "set-cookie") == 0) cookies.push_back(value);
  }
  return cookies;
}

Headers SimHeaders() { return {{"Authorization", kSimAuth}, {"Content-Type", "application/json"}}; }

HttpResult Http(unsigned short port, const std::string& method, const std::string& target, const std::string& body,
                Headers headers, std::chrono::milliseconds timeout) {
  HttpResult result;
  const auto start = std::chrono::steady_clock::now();
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec) {
      result.error = "connect: " + ec.message();
      return;
    }
    http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
      if (write_ec) {
        result.error = "write: " + write_ec.message();
        return;
      }
      http::async_read(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) {
        if (read_ec) {
          result.error = "read: " + read_ec.message();
          return;
        }
        const auto& response = parser.get();
        result.status = response.result_int();
        result.body = response.body();
        for (const auto& field : response) {
          result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        }
      });
    });
  });
  ioc.run();
  result.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string RawExchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  std::string received;
  std::array<char, 4096> chunk{};
  stream.expires_after(timeout);
  std::function<void()> read_more = [&] {
    stream.async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      received.append(chunk.data(), n);
      if (!ec) read_more();
    });
  };
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec) return;
    read_more();
    asio::async_write(stream, asio::buffer(bytes), [](beast::error_code, std::size_t) {});
  });
  ioc.run();
  return received;
}

unsigned short FreePort() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::optional<std::string> AdminDatabaseUrl() { return Env("MINITWIT_TEST_DATABASE_URL"); }

std::string WithDatabase(const std::string& url, const std::string& name) {
  const auto query = url.find('?');
  const auto base = url.substr(0, query);
  const auto slash = base.rfind('/');
  const auto authority = base.find("://") + 3;
  std::string prefix = slash == std::string::npos || slash < authority ? base : base.substr(0, slash);
  return prefix + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

namespace {
std::atomic<int> database_counter{0};
}

TestDatabase::TestDatabase(const std::string& admin_url) : admin_url_(admin_url) {
  name_ = "minitwit_it_" + std::to_string(getpid()) + "_" + std::to_string(database_counter++) + "_" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
  pqxx::connection connection(admin_url_);
  pqxx::nontransaction tx(connection);
  tx.exec("DROP DATABASE IF EXISTS " + name_);
  tx.exec("CREATE DATABASE " + name_);
  url_ = WithDatabase(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection connection(admin_url_);
    pqxx::nontransaction tx(connection);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
  }
}

std::string TestDatabase::Scalar(const std::string& sql) const {
  pqxx::connection connection(url_);
  pqxx::nontransaction tx(connection);
  const auto rows = tx.exec(sql);
  if (rows.empty() || rows[0][0].is_null()) return "";
  return rows[0][0].c_str();
}

AppProcess::AppProcess(std::string database_url, std::map<std::string, std::string> env)
    : database_url_(std::move(database_url)), env_(std::move(env)) {}

AppProcess::~AppProcess() {
  if (pid_ > 0 && Running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // The log is for diagnosing a failure: kept then (and named), removed otherwise, so a
  // test run does not leave a file per app process in the temporary directory.
  if (log_path_.empty()) return;
  if (::testing::Test::HasFailure()) {
    std::cerr << "the app's log is kept in " << log_path_ << "\n";
  } else {
    std::remove(log_path_.c_str());
  }
}

void AppProcess::Start() {
  port_ = FreePort();
  log_path_ = ::testing::TempDir() + "/minitwit_app_" + std::to_string(getpid()) + "_" + std::to_string(port_) + ".log";
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  vars["DATABASE_URL"] = database_url_;
  vars["PORT"] = std::to_string(port_);
  vars["BIND_ADDRESS"] = "127.0.0.1";
  vars["SESSION_SECRET"] = "integration-test-secret-0123456789";
  vars["SHUTDOWN_GRACE"] = "10s";
  vars["DB_POOL_SIZE"] = "8";
  for (const auto& [key, value] : env_) vars[key] = value;
  std::vector<std::string> storage;
  for (const auto& [key, value] : vars) storage.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& entry : storage) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string binary = MINITWIT_BINARY;
  std::vector<char*> argv = {binary.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ASSERT_EQ(rc, 0) << "cannot start " << binary;
}

bool AppProcess::WaitReady(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return false;
    if (Http(port_, "GET", "/readyz", "", {}, std::chrono::seconds(2)).status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void AppProcess::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

int AppProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

int AppProcess::Stop(int signal_number, std::chrono::milliseconds timeout) {
  Signal(signal_number);
  return Wait(timeout);
}

bool AppProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string AppProcess::Log() const {
  std::ifstream file(log_path_);
  std::stringstream text;
  text << file.rdbuf();
  auto log = text.str();
  return log.size() > 6000 ? log.substr(log.size() - 6000) : log;
}

PrivatePostgres::PrivatePostgres() {
  const auto bindir = Env("MINITWIT_TEST_PG_BINDIR");
  if (!bindir) return;
  bindir_ = *bindir;
  char pattern[] = "/tmp/minitwit-private-pg.XXXXXX";
  if (mkdtemp(pattern) == nullptr) return;
  dir_ = pattern;
  port_ = FreePort();
  if (geteuid() == 0 && std::system(("chown postgres " + dir_).c_str()) != 0) return;
  Run(bindir_ + "/initdb -D " + dir_ + "/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > " + dir_ +
      "/initdb.log 2>&1 && echo ok");
  ok_ = Start();
}

PrivatePostgres::~PrivatePostgres() {
  if (dir_.empty()) return;
  Stop();
  std::system(("rm -rf " + dir_).c_str());
}

std::string PrivatePostgres::Run(const std::string& command) const {
  const std::string wrapped =
      geteuid() == 0 ? "runuser -u postgres -- sh -c '" + command + "'" : command;
  std::string output;
  if (FILE* pipe = popen(wrapped.c_str(), "r")) {
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    pclose(pipe);
  }
  return output;
}

bool PrivatePostgres::Start() {
  const auto out = Run(bindir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"-p " +
                       std::to_string(port_) + " -k " + dir_ +
                       " -c listen_addresses=127.0.0.1 -c fsync=off\" start > /dev/null 2>&1 && echo ok");
  return out.find("ok") != std::string::npos;
}

bool PrivatePostgres::Stop() {
  const auto out = Run(bindir_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop > /dev/null 2>&1 && echo ok");
  return out.find("ok") != std::string::npos;
}

std::string PrivatePostgres::admin_url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

}  // namespace minitwit::testing
