#include "http/router.hpp"

#include <gtest/gtest.h>

namespace minitwit {
namespace {

Request Make(std::string method, std::string target) {
  Request request;
  request.method = std::move(method);
  request.SetTarget(target);
  return request;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto echo = [](std::string name) {
      return [name](const Request&, const RouteParams& params) {
        std::string body = name;
        for (const auto& [key, value] : params) body += " " + key + "=" + value;
        return HtmlResponse(200, body);
      };
    };
    router_.Add("GET", "/<username>", echo("user"), ErrorStyle::kHtml);
    router_.Add("GET", "/public", echo("public"), ErrorStyle::kHtml);
    router_.Add("GET", "/<username>/follow", echo("follow"), ErrorStyle::kHtml);
    router_.Add("GET", "/msgs/<username>", echo("msgs"), ErrorStyle::kJson);
    router_.Add("POST", "/msgs/<username>", echo("post"), ErrorStyle::kJson);
    router_.Add("GET", "/", echo("root"), ErrorStyle::kHtml);
  }
  Router router_;
};

TEST_F(RouterTest, FixedPathsWinOverParameters) {
  const auto match = router_.Dispatch(Make("GET", "/public"));
  EXPECT_EQ(match.response.body, "public");
  EXPECT_EQ(match.route, "/public");
  EXPECT_EQ(router_.Dispatch(Make("GET", "/msgs/bob")).response.body, "msgs username=bob");
  EXPECT_EQ(router_.Dispatch(Make("GET", "/bob")).response.body, "user username=bob");
}

TEST_F(RouterTest, ParametersArePercentDecodedAndQueryIgnored) {
  const auto match = router_.Dispatch(Make("GET", "/msgs/Roger%20Histand?no=3&latest=4"));
  EXPECT_EQ(match.response.body, "msgs username=Roger Histand");
  EXPECT_EQ(match.route, "/msgs/<username>");
  EXPECT_EQ(router_.Dispatch(Make("GET", "/a%2Fb/follow")).response.body, "follow username=a/b");
}

TEST_F(RouterTest, BadPercentEncodingIs400InTheRouteStyle) {
  const auto match = router_.Dispatch(Make("GET", "/msgs/bad%zz"));
  EXPECT_EQ(match.response.status, 400);
  EXPECT_EQ(match.response.content_type, "application/json");
  EXPECT_NE(match.response.body.find("\"error_msg\""), std::string::npos);
}

TEST_F(RouterTest, ParametersThatAreNotUtf8TextAre400InTheRouteStyle) {
  for (const std::string target : {"/msgs/%FF", "/msgs/%C3", "/msgs/%FF%FE", "/msgs/a%00b", "/msgs/\xFF"}) {
    SCOPED_TRACE(target);
    const auto match = router_.Dispatch(Make("GET", target));
    EXPECT_EQ(match.response.status, 400);
    EXPECT_EQ(match.response.content_type, "application/json");
    EXPECT_EQ(match.route, "/msgs/<username>");
  }
  for (const std::string target : {"/%FF", "/%C3%28/follow", "/\xFF"}) {
    SCOPED_TRACE(target);
    const auto match = router_.Dispatch(Make("GET", target));
    EXPECT_EQ(match.response.status, 400);
    EXPECT_EQ(match.response.content_type, "text/html; charset=utf-8");
  }
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  EXPECT_EQ(router_.Dispatch(Make("GET", "/a/b/c")).response.status, 404);
  EXPECT_EQ(router_.Dispatch(Make("GET", "/a/b/c")).route, "unmatched");
  EXPECT_EQ(router_.Dispatch(Make("GET", "/bob/")).response.status, 404);
  const auto match = router_.Dispatch(Make("DELETE", "/msgs/bob"));
  EXPECT_EQ(match.response.status, 405);
  EXPECT_EQ(match.route, "/msgs/<username>");
  // A literal route for another method shadows the parameter route.
  EXPECT_EQ(router_.Dispatch(Make("POST", "/public")).response.status, 405);
}

TEST_F(RouterTest, RootMatchesOnlySlash) {
  EXPECT_EQ(router_.Dispatch(Make("GET", "/")).response.body, "root");
  EXPECT_EQ(router_.Dispatch(Make("GET", "/?x=1")).response.body, "root");
}

TEST(SplitPathTest, Splits) {
  EXPECT_EQ(SplitPath("/"), std::vector<std::string_view>{});
  EXPECT_EQ(SplitPath("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(SplitPath("/a/"), (std::vector<std::string_view>{"a", ""}));
}

}  // namespace
}  // namespace minitwit
