#include "sim/request.hpp"

#include <gtest/gtest.h>

namespace minitwit::sim {
namespace {

Action MakeAction(ActionKind kind, std::string user, std::string argument, std::string password = "") {
  Action action;
  action.id = 42;
  action.kind = kind;
  action.user = std::move(user);
  action.argument = std::move(argument);
  action.password = std::move(password);
  return action;
}

TEST(RequestTest, EncodesPathSegments) {
  EXPECT_EQ(EncodePathSegment("Roger Histand"), "Roger%20Histand");
  EXPECT_EQ(EncodePathSegment("Bjørn O'Brien/x"), "Bj%C3%B8rn%20O%27Brien%2Fx");
  EXPECT_EQ(EncodePathSegment("a-b_c.d~e"), "a-b_c.d~e");
}

TEST(RequestTest, RegisterLikeTheSimulator) {
  const RequestSpec spec =
      BuildActionRequest(MakeAction(ActionKind::kRegister, "Roger Histand", "r@x.dk", "p\"w\\"), "");
  EXPECT_TRUE(spec.post);
  EXPECT_EQ(spec.kind, RequestKind::kRegister);
  EXPECT_EQ(spec.id, 42);
  EXPECT_EQ(spec.target, "/register?latest=42");
  EXPECT_EQ(spec.body, R"({"username": "Roger Histand", "email": "r@x.dk", "pwd": "p\"w\\"})");
}

TEST(RequestTest, TweetEscapesNonAsciiLikeJsonDumps) {
  const RequestSpec spec = BuildActionRequest(MakeAction(ActionKind::kTweet, "Roger Histand", "ø: 🚀, ok"), "/api");
  EXPECT_EQ(spec.target, "/api/msgs/Roger%20Histand?latest=42");
  // Separators inside strings stay untouched.
  EXPECT_EQ(spec.body, R"({"content": "\u00f8: \ud83d\ude80, ok"})");
}

TEST(RequestTest, FollowAndUnfollow) {
  const RequestSpec follow = BuildActionRequest(MakeAction(ActionKind::kFollow, "A B", "C D"), "");
  EXPECT_EQ(follow.target, "/fllws/A%20B?latest=42");
  EXPECT_EQ(follow.body, R"({"follow": "C D"})");
  const RequestSpec unfollow = BuildActionRequest(MakeAction(ActionKind::kUnfollow, "A B", "C D"), "");
  EXPECT_EQ(unfollow.kind, RequestKind::kUnfollow);
  EXPECT_EQ(unfollow.body, R"({"unfollow": "C D"})");
}

TEST(RequestTest, ReadsCarryNoLatest) {
  EXPECT_EQ(BuildReadMsgsRequest("", 100).target, "/msgs?no=100");
  EXPECT_FALSE(BuildReadMsgsRequest("", 100).post);
  EXPECT_EQ(BuildPublicRequest("").target, "/public");
  EXPECT_EQ(BuildLatestRequest("/p").target, "/p/latest");
}

TEST(RequestTest, ParsesLatestBody) {
  EXPECT_EQ(ParseLatestBody(R"({"latest": 25921})"), 25921);
  EXPECT_EQ(ParseLatestBody(R"({"latest": -1})"), -1);
  EXPECT_FALSE(ParseLatestBody(R"({"latest": "7"})"));
  EXPECT_FALSE(ParseLatestBody("not json"));
  EXPECT_FALSE(ParseLatestBody("[]"));
}

}  // namespace
}  // namespace minitwit::sim
