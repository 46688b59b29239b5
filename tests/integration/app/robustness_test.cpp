// Hostile and broken input: the server answers 4xx (JSON on API routes) and stays up.
#include "support/app_fixture.hpp"

namespace minitwit::testing {
namespace {

using nlohmann::json;

class RobustnessIT : public AppTest {
 protected:
  void ExpectAlive() {
    const auto health = Http(app_->port(), "GET", "/healthz");
    EXPECT_EQ(health.status, 200) << health.error;
    EXPECT_TRUE(app_->Running());
  }
};

TEST_F(RobustnessIT, MalformedJsonWrongTypesAndMissingKeysAre400) {
  RegisterUser("a");
  RegisterUser("b");
  const std::vector<std::string> bodies = {"",       "{",      "}{",        "[1,2]",      "null",  "\"str\"",
                                           "{\"x\":", "\xff\xfe", "{\"content\": 5}", "{\"content\": [\"x\"]}",
                                           "{\"content\": {\"a\":1}}", "{\"content\": \"a\\u0000b\"}"};
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    ExpectJsonError(SimPost("/msgs/a", body), 400);
  }
  for (const std::string body : {"{}", "{\"follow\": 1}", "{\"unfollow\": false}", "[]", "{"}) {
    SCOPED_TRACE(body);
    ExpectJsonError(SimPost("/fllws/a", body), 400);
  }
  for (const std::string body : {"{", "{\"username\": 1, \"email\": \"a@b\", \"pwd\": \"x\"}",
                                 "{\"username\": \"x\", \"email\": null, \"pwd\": \"x\"}", "{\"username\": \"x\"}", "[]"}) {
    SCOPED_TRACE(body);
    ExpectJsonError(SimPost("/register", body), 400);
  }
  ExpectAlive();
}

TEST_F(RobustnessIT, HugeBodyIs413) {
  const std::string huge(2 * 1024 * 1024, 'x');
  const auto result = SimPost("/register", "{\"username\":\"" + huge + "\"}");
  ExpectJsonError(result, 413);
  ExpectAlive();
}

TEST_F(RobustnessIT, BadPercentEncodingIs400) {
  ExpectJsonError(SimGet("/msgs/bad%zz"), 400);
  ExpectJsonError(SimGet("/msgs/bad%"), 400);
  ExpectJsonError(SimGet("/fllws/a%00b"), 400);
  ExpectJsonError(SimPost("/msgs/%E0%A4%A", "{\"content\":\"x\"}"), 400);
  ExpectAlive();
}

// Bytes that are not UTF-8 text after percent-decoding used to reach PostgreSQL, which
// refused them, and the app answered 503. Now: API 400 with the JSON error body, UI 400
// HTML, whatever the route (an undecodable name can be no user's).
TEST_F(RobustnessIT, InvalidUtf8Is400NotA503) {
  RegisterUser("alice");
  ExpectJsonError(SimGet("/msgs/%FF"), 400);
  ExpectJsonError(SimGet("/fllws/%C3"), 400);
  ExpectJsonError(SimPost("/msgs/%FF%FE", R"({"content":"x"})"), 400);
  ExpectJsonError(SimPost("/fllws/%C3%28", R"({"follow":"alice"})"), 400);
  ExpectJsonError(SimPost("/msgs/alice", "{\"content\":\"\xFF\xFE\"}"), 400);
  ExpectJsonError(SimPost("/fllws/alice", "{\"follow\":\"\xC3\"}"), 400);
  ExpectJsonError(SimPost("/register", "{\"username\":\"\xC3\x28\",\"email\":\"a@b\",\"pwd\":\"x\"}"), 400);

  const auto page = Http(app_->port(), "GET", "/%FF");
  EXPECT_EQ(page.status, 400) << page.body;
  EXPECT_NE(page.Header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_EQ(Http(app_->port(), "GET", "/%C3%28/follow").status, 400);

  const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  for (const std::string body : {"username=%FF&email=a%40b&password=x&password2=x",
                                 "username=a%00b&email=a%40b&password=x&password2=x"}) {
    SCOPED_TRACE(body);
    const auto result = Http(app_->port(), "POST", "/register", body, form);
    EXPECT_EQ(result.status, 400) << result.body;
    EXPECT_EQ(result.body.find('\0'), std::string::npos);
  }
  EXPECT_EQ(Http(app_->port(), "POST", "/login", "username=%FF&password=x", form).status, 400);

  // A raw 0xFF byte in the request target (not an escape).
  for (const std::string path : {"/msgs/\xFF", "/\xFF"}) {
    const auto raw = RawExchange(app_->port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                                                   std::string(kSimAuth) + "\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 400")) << raw.substr(0, 200);
  }
  EXPECT_EQ(database_->Scalar("SELECT count(*) FROM users"), "1");
  ExpectAlive();
}

TEST_F(RobustnessIT, VeryLongNamesAreRejectedOrHandledNot500) {
  const std::string long_name(5000, 'n');
  const auto result = SimPost("/register", json{{"username", long_name}, {"email", "a@b"}, {"pwd", "x"}}.dump());
  ExpectJsonError(result, 400);
  ExpectJsonError(SimGet("/msgs/" + long_name), 404);
  ExpectJsonError(SimPost("/fllws/" + long_name, R"({"follow":"x"})"), 404);
  EXPECT_EQ(Http(app_->port(), "GET", "/" + long_name).status, 404);
  ExpectAlive();
}

TEST_F(RobustnessIT, SqlMetacharactersAreJustText) {
  const std::string name = "Robert'); DROP TABLE users;-- \\ %";
  ASSERT_EQ(SimPost("/register", json{{"username", name}, {"email", "x@y"}, {"pwd", "' OR 1=1 --"}}.dump()).status,
            204);
  const std::string text = "'; DELETE FROM messages; -- $1 \\x00 %s";
  EXPECT_EQ(SimPost("/msgs/Robert%27%29%3B%20DROP%20TABLE%20users%3B--%20%5C%20%25", json{{"content", text}}.dump())
                .status,
            204);
  const auto messages = Json(SimGet("/msgs"));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["content"], text);
  EXPECT_EQ(messages[0]["user"], name);
  EXPECT_EQ(database_->Scalar("SELECT count(*) FROM users"), "1");
}

TEST_F(RobustnessIT, HeaderFloodIsRejected) {
  std::string request = "GET /msgs HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 3000; ++i) request += "X-Flood-" + std::to_string(i) + ": " + std::string(20, 'a') + "\r\n";
  request += "\r\n";
  const auto response = RawExchange(app_->port(), request);
  ASSERT_FALSE(response.empty());
  EXPECT_TRUE(response.starts_with("HTTP/1.1 431")) << response.substr(0, 200);
  ExpectAlive();
}

TEST_F(RobustnessIT, GarbageRequestLineIs400AndServerStaysUp) {
  const auto response = RawExchange(app_->port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_TRUE(response.starts_with("HTTP/1.1 400")) << response.substr(0, 200);
  ExpectAlive();
}

TEST_F(RobustnessIT, UnknownRoutesAndMethods) {
  EXPECT_EQ(Http(app_->port(), "GET", "/a/b/c/d").status, 404);
  EXPECT_EQ(Http(app_->port(), "DELETE", "/msgs/a", "", SimHeaders()).status, 405);
  ExpectAlive();
}

TEST_F(RobustnessIT, KeepAliveServesManyRequestsOnOneConnection) {
  std::string pipeline;
  for (int i = 0; i < 5; ++i) pipeline += "GET /latest HTTP/1.1\r\nHost: x\r\n\r\n";
  pipeline += "GET /latest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const auto response = RawExchange(app_->port(), pipeline);
  std::size_t count = 0;
  for (auto at = response.find("HTTP/1.1 200"); at != std::string::npos; at = response.find("HTTP/1.1 200", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 6u);
}

}  // namespace
}  // namespace minitwit::testing
