#include "service/minitwit_service.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/memory_repository.hpp"

namespace minitwit {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
constexpr const char* kForm = "application/x-www-form-urlencoded";

ServiceOptions Options() {
  ServiceOptions options;
  options.session_secret = "0123456789abcdef-secret";
  return options;
}

class MinitwitServiceTest : public ::testing::Test {
 protected:
  Response Send(const std::string& method, const std::string& target, std::string body = "",
                std::string content_type = "application/json", std::string cookie = "", Headers extra = {}) {
    Request request;
    for (auto& header : extra) request.headers.push_back(std::move(header));
    request.method = method;
    request.SetTarget(target);
    request.body = std::move(body);
    request.headers.emplace_back("content-type", content_type);
    request.headers.emplace_back("authorization", "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh");
    if (!cookie.empty()) request.headers.emplace_back("cookie", cookie);
    return service_.Handle(request);
  }
  static std::string Cookies(const Response& response) {
    std::string jar;
    for (const auto& [name, value] : response.headers) {
      if (name == "Set-Cookie" && value.find("Max-Age=0") == std::string::npos) {
        jar += (jar.empty() ? "" : "; ") + value.substr(0, value.find(';'));
      }
    }
    return jar;
  }
  static std::string Header(const Response& response, const std::string& wanted) {
    for (const auto& [name, value] : response.headers) {
      if (name == wanted) return value;
    }
    return "";
  }
  // Registers `name` (password "pw") and logs in; returns the session cookie ("session=...").
  std::string LogIn(const std::string& name, Headers extra = {}) {
    Send("POST", "/register", "username=" + name + "&email=a%40b&password=pw&password2=pw", kForm);
    const auto response = Send("POST", "/login", "username=" + name + "&password=pw", kForm, "", std::move(extra));
    const auto jar = Cookies(response);
    const auto at = jar.find("session=");
    if (response.status != 302 || at == std::string::npos) return "";
    return jar.substr(at, jar.find(';', at) - at);
  }
  static std::string SetCookie(const Response& response, const std::string& name) {
    for (const auto& [header, value] : response.headers) {
      if (header == "Set-Cookie" && value.starts_with(name + "=")) return value;
    }
    return "";
  }
  long long Latest() { return nlohmann::json::parse(Send("GET", "/latest").body)["latest"].get<long long>(); }

  MemoryRepository repository_;
  PasswordHasher hasher_{Argon2Params{1, 1024, 1}};
  MinitwitService service_{repository_, hasher_, Options(), [] { return std::int64_t{0}; }};
};

TEST_F(MinitwitServiceTest, LatestIsRecordedBeforeValidationAndNonIntegersIgnored) {
  EXPECT_EQ(Latest(), -1);
  EXPECT_EQ(Send("POST", "/register?latest=7", "{bad").status, 400);
  EXPECT_EQ(Latest(), 7);
  EXPECT_EQ(Send("GET", "/msgs/nobody?latest=8").status, 404);
  EXPECT_EQ(Latest(), 8);
  Send("GET", "/msgs?latest=abc");
  Send("GET", "/msgs?latest=9x");
  Send("GET", "/msgs?latest=");
  EXPECT_EQ(Latest(), 8);
  Send("GET", "/latest?latest=100");
  EXPECT_EQ(Latest(), 8);
}

TEST_F(MinitwitServiceTest, LatestFromQueryParsesOnlyIntegers) {
  EXPECT_EQ(LatestFromQuery("latest=42&no=3"), 42);
  EXPECT_EQ(LatestFromQuery("no=3&latest=-5"), -5);
  EXPECT_FALSE(LatestFromQuery("latest=4.5"));
  EXPECT_FALSE(LatestFromQuery("nolatest=4"));
}

TEST_F(MinitwitServiceTest, FixedRoutesWinOverUsernames) {
  EXPECT_EQ(Send("GET", "/public").status, 200);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_EQ(Send("GET", "/metrics").content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(Send("GET", "/nobody").status, 404);
}

// A database outage is shared by every replica: were /readyz to fail with it, every
// replica would leave the Service at once and clients would get connection refused
// instead of the app's 503 with Retry-After (app/README.md, "Probes").
TEST_F(MinitwitServiceTest, ReadyzFollowsMigrationsAndDrainingButNotASharedDatabaseOutage) {
  EXPECT_EQ(Send("GET", "/readyz").status, 503);
  service_.SetMigrated(true);
  EXPECT_EQ(Send("GET", "/readyz").status, 200);
  repository_.set_available(false);
  EXPECT_EQ(Send("GET", "/readyz").status, 200);
  for (const std::string target : {"/public", "/msgs", "/latest"}) {
    SCOPED_TRACE(target);
    const auto response = Send("GET", target);
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(Header(response, "Retry-After"), "1");
  }
  repository_.set_available(true);
  EXPECT_EQ(Send("GET", "/readyz").status, 200);
  service_.SetDraining();
  EXPECT_EQ(Send("GET", "/readyz").status, 503);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST_F(MinitwitServiceTest, WebRegisterLoginPostFollowFlow) {
  const auto form = "application/x-www-form-urlencoded";
  auto response = Send("POST", "/register", "username=al+ice&email=a%40b&password=x&password2=y", form);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("The two passwords do not match"), std::string::npos);
  response = Send("POST", "/register", "username=al+ice&email=a%40b&password=x&password2=x", form);
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(Header(response, "Location"), "/login");
  response = Send("GET", "/login", "", "", Cookies(response));
  EXPECT_NE(response.body.find("You were successfully registered and can login now"), std::string::npos);

  response = Send("POST", "/login", "username=al+ice&password=wrong", form);
  EXPECT_NE(response.body.find("Invalid password"), std::string::npos);
  response = Send("POST", "/login", "username=nobody&password=x", form);
  EXPECT_NE(response.body.find("Invalid username"), std::string::npos);
  response = Send("POST", "/login", "username=al+ice&password=x", form);
  ASSERT_EQ(response.status, 302);
  const auto session = Cookies(response);
  const auto session_only = session.substr(session.find("session="));

  EXPECT_EQ(Send("POST", "/add_message", "text=%3Cb%3Ehi%3C%2Fb%3E", form).status, 401);
  response = Send("POST", "/add_message", "text=%3Cb%3Ehi%3C%2Fb%3E", form, session_only);
  EXPECT_EQ(response.status, 302);
  response = Send("GET", "/", "", "", session_only + "; " + Cookies(response));
  EXPECT_NE(response.body.find("Your message was recorded"), std::string::npos);
  EXPECT_NE(response.body.find("&lt;b&gt;hi&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(response.body.find("This is you!"), std::string::npos);
  EXPECT_NE(Send("GET", "/al%20ice", "", "", session_only).body.find("This is you!"), std::string::npos);
}

TEST_F(MinitwitServiceTest, TextThatIsNotUtf8NeverReachesTheRepository) {
  // An API route answers 400 with the JSON error body; a UI route 400 HTML. The
  // repository would hold such a name fine, PostgreSQL would not (it was a 503).
  ASSERT_EQ(Send("POST", "/register", R"({"username":"alice","email":"a@b","pwd":"x"})").status, 204);
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/msgs/%FF"}, {"GET", "/fllws/%C3"}, {"POST", "/msgs/%FF%FE"}, {"POST", "/fllws/%C3%28"},
           {"GET", "/msgs/\xFF"}, {"GET", "/msgs/alice%00"}}) {
    SCOPED_TRACE(method + " " + target);
    const auto response = Send(method, target, R"({"content":"x","follow":"alice"})");
    EXPECT_EQ(response.status, 400);
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    EXPECT_EQ(body["status"], 400);
    EXPECT_TRUE(body["error_msg"].is_string());
  }
  // JSON strings are validated by the JSON parser.
  EXPECT_EQ(Send("POST", "/msgs/alice", "{\"content\":\"\xFF\"}").status, 400);
  EXPECT_EQ(Send("POST", "/fllws/alice", "{\"follow\":\"\xC3\"}").status, 400);
  EXPECT_EQ(Send("POST", "/register", "{\"username\":\"\xFF\",\"email\":\"a@b\",\"pwd\":\"x\"}").status, 400);

  for (const std::string target : {"/%FF", "/%FF/follow", "/\xFF"}) {
    SCOPED_TRACE(target);
    const auto response = Send("GET", target, "", "");
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  }
  const auto form = "application/x-www-form-urlencoded";
  for (const std::string body : {"username=%FF&email=a%40b&password=x&password2=x",
                                 "username=a%00b&email=a%40b&password=x&password2=x",
                                 "username=ok&email=%C3%28%40b&password=x&password2=x"}) {
    SCOPED_TRACE(body);
    const auto response = Send("POST", "/register", body, form);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(response.body.find('\0'), std::string::npos);
    EXPECT_EQ(response.body.find('\xFF'), std::string::npos);
  }
  EXPECT_EQ(Send("POST", "/login", "username=%FF&password=x", form).status, 400);
  EXPECT_EQ(Send("POST", "/login", "username=alice&password=%FF", form).status, 400);
  EXPECT_EQ(repository_.FindUserByName("alice").value->username, "alice");
  EXPECT_EQ(Send("GET", "/msgs").body, "[]");
}

TEST_F(MinitwitServiceTest, HtmlResponsesCarrySecurityHeaders) {
  for (const std::string target : {"/public", "/login", "/nobody", "/%FF"}) {
    SCOPED_TRACE(target);
    const auto response = Send("GET", target, "", "");
    EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
    const auto policy = Header(response, "Content-Security-Policy");
    EXPECT_NE(policy.find("default-src 'self'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
    EXPECT_EQ(Header(response, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(Header(response, "X-Frame-Options"), "DENY");
  }
  EXPECT_EQ(Header(Send("GET", "/msgs"), "X-Content-Type-Options"), "nosniff");
}

// Each login is a session of its own (a fresh cookie), SameSite=Strict, and logout
// revokes it on the server: a copy of the cookie kept from before is worth nothing.
TEST_F(MinitwitServiceTest, SessionsAreFreshPerLoginAndRevokedByLogout) {
  const auto first = LogIn("alice");
  ASSERT_FALSE(first.empty());
  const auto login = Send("POST", "/login", "username=alice&password=pw", kForm);
  const auto second_set = SetCookie(login, "session");
  EXPECT_NE(second_set.find("SameSite=Strict"), std::string::npos) << second_set;
  EXPECT_NE(second_set.find("Max-Age="), std::string::npos) << second_set;
  const auto second = second_set.substr(0, second_set.find(';'));
  EXPECT_NE(first, second);
  EXPECT_NE(Send("GET", "/alice", "", "", first).body.find("This is you!"), std::string::npos);

  EXPECT_EQ(Send("GET", "/logout", "", "", first).status, 302);
  EXPECT_EQ(Send("GET", "/", "", "", first).status, 302) << "a logged-out session still works";
  EXPECT_EQ(Send("POST", "/add_message", "text=replayed", kForm, first).status, 401);
  EXPECT_NE(Send("GET", "/alice", "", "", second).body.find("This is you!"), std::string::npos)
      << "logout ended another login's session";
}

// A session ends at its expiry (SESSION_TTL) on the server, whatever the cookie says.
TEST(MinitwitServiceSessionTest, SessionsExpire) {
  MemoryRepository repository;
  PasswordHasher hasher{Argon2Params{1, 1024, 1}};
  std::int64_t now = 1700000000;
  ServiceOptions options = Options();
  options.cookies.session_ttl = std::chrono::seconds(3600);
  MinitwitService service(repository, hasher, options, [&now] { return now; });
  const auto send = [&](const std::string& method, const std::string& target, const std::string& body,
                        const std::string& cookie) {
    Request request;
    request.method = method;
    request.SetTarget(target);
    request.body = body;
    request.headers.emplace_back("content-type", kForm);
    if (!cookie.empty()) request.headers.emplace_back("cookie", cookie);
    return service.Handle(request);
  };
  send("POST", "/register", "username=al&email=a%40b&password=pw&password2=pw", "");
  const auto login = send("POST", "/login", "username=al&password=pw", "");
  std::string session;
  for (const auto& [name, value] : login.headers) {
    if (name == "Set-Cookie" && value.starts_with("session=")) session = value.substr(0, value.find(';'));
  }
  ASSERT_FALSE(session.empty());
  now += 3599;
  EXPECT_EQ(send("GET", "/", "", session).status, 200);
  now += 1;
  EXPECT_EQ(send("GET", "/", "", session).status, 302) << "an expired session still works";
}

// Browsers say where a request comes from (Sec-Fetch-Site, Origin); a state change
// that another site started is refused. Clients that say nothing (the course's tests,
// curl) keep working, as the contract needs.
TEST_F(MinitwitServiceTest, CrossSiteStateChangesAreRefused) {
  const auto session = LogIn("alice");
  LogIn("bob");
  const Headers cross_site = {{"sec-fetch-site", "cross-site"}, {"host", "minitwit.example"}};
  const Headers foreign_origin = {{"origin", "https://evil.example"}, {"host", "minitwit.example"}};
  for (const auto& forged : {cross_site, foreign_origin}) {
    SCOPED_TRACE(forged.front().first);
    EXPECT_EQ(Send("GET", "/bob/follow", "", "", session, forged).status, 403);
    EXPECT_EQ(Send("GET", "/bob/unfollow", "", "", session, forged).status, 403);
    EXPECT_EQ(Send("POST", "/add_message", "text=forged", kForm, session, forged).status, 403);
    EXPECT_EQ(Send("GET", "/logout", "", "", session, forged).status, 403);
    EXPECT_EQ(Send("POST", "/login", "username=bob&password=pw", kForm, "", forged).status, 403);
    EXPECT_EQ(Send("POST", "/register", "username=eve&email=a%40b&password=pw&password2=pw", kForm, "", forged).status,
              403);
    // Reading is fine from anywhere (a link to a profile).
    EXPECT_EQ(Send("GET", "/bob", "", "", session, forged).status, 200);
  }
  EXPECT_FALSE(repository_.FindUserByName("eve").value);
  EXPECT_TRUE(repository_.PublicMessages(10).value.empty());
  EXPECT_FALSE(repository_.IsFollowing(1, 2).value);

  // The same flows from the app's own pages, as a browser announces them.
  const Headers same_origin = {{"sec-fetch-site", "same-origin"}, {"origin", "http://minitwit.example"},
                               {"host", "minitwit.example"}};
  EXPECT_EQ(Send("GET", "/bob/follow", "", "", session, same_origin).status, 302);
  EXPECT_EQ(Send("POST", "/add_message", "text=mine", kForm, session, same_origin).status, 302);
  EXPECT_EQ(Send("GET", "/bob/follow", "", "", session, {{"sec-fetch-site", "none"}}).status, 302);  // typed URL
  EXPECT_TRUE(repository_.IsFollowing(1, 2).value);
  EXPECT_EQ(repository_.PublicMessages(10).value.size(), 1u);
  EXPECT_EQ(Send("GET", "/logout", "", "", session, same_origin).status, 302);
}

}  // namespace
}  // namespace minitwit
