#include "sim/sim_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/json_body.hpp"
#include "support/memory_repository.hpp"

namespace minitwit {
namespace {

using nlohmann::json;

constexpr const char* kAuth = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh";

class SimApiTest : public ::testing::Test {
 protected:
  Request Post(std::string body, bool auth = true) {
    Request request;
    request.method = "POST";
    request.body = std::move(body);
    if (auth) request.headers.emplace_back("authorization", kAuth);
    return request;
  }
  Request Get(std::string query = "", bool auth = true) {
    Request request = Post("", auth);
    request.method = "GET";
    request.query = std::move(query);
    return request;
  }
  void ExpectError(const Response& response, int status) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    const auto body = json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << response.body;
    EXPECT_EQ(body["status"], status);
    EXPECT_TRUE(body["error_msg"].is_string());
  }

  MemoryRepository repository_;
  PasswordHasher hasher_{Argon2Params{1, 1024, 1}};
  SimApi api_{repository_, hasher_, [] { return std::int64_t{1700000000}; }};
};

TEST_F(SimApiTest, RegisterValidatesInOrder) {
  const auto message = [&](const std::string& body) {
    auto response = api_.Register(Post(body, false));
    EXPECT_EQ(response.status, 400);
    return json::parse(response.body)["error_msg"].get<std::string>();
  };
  EXPECT_EQ(message(R"({"username":"","email":"","pwd":""})"), "You have to enter a username");
  EXPECT_EQ(message(R"({"email":"a@b","pwd":"x"})"), "You have to enter a username");
  EXPECT_EQ(message(R"({"username":"a","email":"nope","pwd":""})"), "You have to enter a valid email address");
  EXPECT_EQ(message(R"({"username":"a","email":"a@b","pwd":""})"), "You have to enter a password");
  EXPECT_EQ(api_.Register(Post(R"({"username":"a","email":"a@b","pwd":"x"})", false)).status, 204);
  EXPECT_EQ(message(R"({"username":"a","email":"a@b","pwd":"x"})"), "The username is already taken");
}

TEST_F(SimApiTest, MalformedBodiesAre400WithJsonError) {
  for (const std::string body : {"", "{", "[]", "\"x\"", "null", "{\"username\": 5, \"email\":\"a@b\",\"pwd\":\"x\"}",
                                 "{\"username\": \"a\", \"email\": [\"a@b\"], \"pwd\": \"x\"}"}) {
    SCOPED_TRACE(body);
    ExpectError(api_.Register(Post(body, false)), 400);
  }
  ASSERT_EQ(api_.Register(Post(R"({"username":"a","email":"a@b","pwd":"x"})", false)).status, 204);
  ExpectError(api_.PostMessage(Post("{\"content\": 1}"), "a"), 400);
  ExpectError(api_.PostMessage(Post("{}"), "a"), 400);
  ExpectError(api_.PostMessage(Post("not json"), "a"), 400);
  ExpectError(api_.ChangeFollow(Post("{}"), "a"), 400);
  ExpectError(api_.ChangeFollow(Post("{\"follow\": true}"), "a"), 400);
}

// Tweets are bounded (the course's longest is 150 bytes), and so is ?no=: a few
// requests could otherwise build responses of hundreds of MiB.
TEST_F(SimApiTest, MessagesAndListsAreBounded) {
  ASSERT_EQ(api_.Register(Post(R"({"username":"a","email":"a@b","pwd":"x"})", false)).status, 204);
  const auto content = [](std::size_t bytes) { return json{{"content", std::string(bytes, 'x')}}.dump(); };
  EXPECT_EQ(api_.PostMessage(Post(content(1024)), "a").status, 204);
  const auto too_long = api_.PostMessage(Post(content(1025)), "a");
  ExpectError(too_long, 413);
  EXPECT_NE(json::parse(too_long.body)["error_msg"].get<std::string>().find("1024"), std::string::npos);
  EXPECT_EQ(repository_.PublicMessages(10).value.size(), 1u);
  for (int i = 0; i < 1100; ++i) repository_.AddMessage(1, "m", 1);
  EXPECT_EQ(json::parse(api_.Messages(Get("no=100000")).body).size(), 1000u);
  EXPECT_EQ(json::parse(api_.UserMessages(Get("no=5000"), "a").body).size(), 1000u);
  EXPECT_EQ(json::parse(api_.Messages(Get("")).body).size(), 100u);
}

// The simulator's credentials are a setting (the course's by default), not a constant.
TEST_F(SimApiTest, AuthorizationIsConfigurable) {
  SimOptions options;
  options.authorization = "Basic b3RoZXI6c2VjcmV0";
  SimApi api(repository_, hasher_, [] { return std::int64_t{0}; }, options);
  ExpectError(api.Messages(Get()), 403);  // the course's value no longer opens it
  Request request = Get("", false);
  request.headers.emplace_back("authorization", "Basic b3RoZXI6c2VjcmV0");
  EXPECT_EQ(api.Messages(request).status, 200);
  EXPECT_EQ(api_.Messages(Get()).status, 200);
}

TEST_F(SimApiTest, ProtectedEndpointsCheckAuthBeforeUser) {
  ExpectError(api_.Messages(Get("", false)), 403);
  const auto response = api_.UserMessages(Get("", false), "nobody");
  ExpectError(response, 403);
  EXPECT_EQ(json::parse(response.body)["error_msg"], "You are not authorized to use this resource!");
  ExpectError(api_.UserMessages(Get(), "nobody"), 404);
  ExpectError(api_.PostMessage(Post("{\"content\":\"x\"}"), "nobody"), 404);
  ExpectError(api_.Follows(Get(), "nobody"), 404);
  ExpectError(api_.ChangeFollow(Post("{\"follow\":\"x\"}"), "nobody"), 404);
}

TEST_F(SimApiTest, MessagesAndFollowsRoundTrip) {
  for (const auto* name : {"Roger Histand", "b"}) {
    ASSERT_EQ(api_.Register(Post(json{{"username", name}, {"email", "x@y"}, {"pwd", "p"}}.dump(), false)).status, 204);
  }
  const std::string text = "\xC3\xA6\xC3\xB8\xC3\xA5 \xF0\x9F\x9A\x80 <b>";
  EXPECT_EQ(api_.PostMessage(Post(json{{"content", text}}.dump()), "Roger Histand").status, 204);
  EXPECT_EQ(api_.PostMessage(Post(R"({"content":"second"})"), "b").status, 204);
  const auto all = json::parse(api_.Messages(Get()).body);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["content"], "second");
  EXPECT_EQ(all[1]["content"], text);
  EXPECT_EQ(all[1]["user"], "Roger Histand");
  EXPECT_EQ(all[1]["pub_date"], 1700000000);
  EXPECT_EQ(json::parse(api_.Messages(Get("no=1")).body).size(), 1u);
  EXPECT_EQ(json::parse(api_.Messages(Get("no=abc")).body).size(), 2u);

  EXPECT_EQ(api_.ChangeFollow(Post(R"({"follow":"b"})"), "Roger Histand").status, 204);
  EXPECT_EQ(api_.ChangeFollow(Post(R"({"follow":"b"})"), "Roger Histand").status, 204);
  EXPECT_EQ(json::parse(api_.Follows(Get(), "Roger Histand").body), json::parse(R"({"follows":["b"]})"));
  ExpectError(api_.ChangeFollow(Post(R"({"follow":"ghost"})"), "Roger Histand"), 404);
  EXPECT_EQ(api_.ChangeFollow(Post(R"({"unfollow":"b"})"), "Roger Histand").status, 204);
  EXPECT_EQ(api_.ChangeFollow(Post(R"({"unfollow":"b"})"), "Roger Histand").status, 204);
  EXPECT_EQ(json::parse(api_.Follows(Get(), "Roger Histand").body), json::parse(R"({"follows":[]})"));
}

TEST_F(SimApiTest, DatabaseDownIs503Json) {
  repository_.set_available(false);
  ExpectError(api_.Latest(), 503);
  ExpectError(api_.Messages(Get()), 503);
  ExpectError(api_.Register(Post(R"({"username":"a","email":"a@b","pwd":"x"})", false)), 503);
}

TEST(JsonBodyTest, StringFieldReportsWrongType) {
  const auto object = ParseJsonObject(R"({"a":"x","b":1,"c":null})");
  ASSERT_TRUE(object.ok());
  bool wrong = false;
  EXPECT_EQ(StringField(object.value, "a", wrong), "x");
  EXPECT_FALSE(StringField(object.value, "c", wrong));
  EXPECT_FALSE(StringField(object.value, "missing", wrong));
  EXPECT_FALSE(wrong);
  EXPECT_FALSE(StringField(object.value, "b", wrong));
  EXPECT_TRUE(wrong);
}

}  // namespace
}  // namespace minitwit
