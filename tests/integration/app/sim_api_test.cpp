// Every row of the simulator API table in MINITWIT.md, success and error paths.
#include <algorithm>
#include <iostream>

#include "support/app_fixture.hpp"

namespace minitwit::testing {
namespace {

using nlohmann::json;

class SimApiIT : public AppTest {};

TEST_F(SimApiIT, LatestStartsAtMinusOneAndTracksTheLastValueSent) {
  auto latest = SimGet("/latest", {});
  EXPECT_EQ(latest.status, 200);
  EXPECT_EQ(Json(latest), json::parse(R"({"latest": -1})"));
  RegisterUser("a");
  SimPost("/register?latest=1337", json{{"username", "b"}, {"email", "b@b"}, {"pwd", "x"}}.dump());
  EXPECT_EQ(Json(SimGet("/latest", {}))["latest"], 1337);
  // A 403 and a 400 still record it; a non-integer is ignored.
  SimGet("/msgs?latest=1400", {});
  EXPECT_EQ(Json(SimGet("/latest"))["latest"], 1400);
  SimPost("/msgs/a?latest=1401", "{oops");
  EXPECT_EQ(Json(SimGet("/latest"))["latest"], 1401);
  SimGet("/msgs?latest=12abc");
  EXPECT_EQ(Json(SimGet("/latest"))["latest"], 1401);
  SimGet("/msgs?latest=5");
  EXPECT_EQ(Json(SimGet("/latest"))["latest"], 5);  // the most recent value, not the largest
}

TEST_F(SimApiIT, RegisterReturns204AndValidationErrorsIn400) {
  const auto ok = SimPost("/register?latest=1", R"({"username":"Roger Histand","email":"r@h.dk","pwd":"p"})");
  EXPECT_EQ(ok.status, 204);
  EXPECT_TRUE(ok.body.empty());
  const auto expect_message = [&](const std::string& body, const std::string& message) {
    const auto result = SimPost("/register", body);
    ExpectJsonError(result, 400);
    EXPECT_EQ(Json(result)["error_msg"], message) << body;
  };
  expect_message(R"({"username":"","email":"x@y","pwd":"p"})", "You have to enter a username");
  expect_message(R"({"username":"u","email":"xy","pwd":"p"})", "You have to enter a valid email address");
  expect_message(R"({"username":"u","email":"","pwd":"p"})", "You have to enter a valid email address");
  expect_message(R"({"username":"u","email":"x@y","pwd":""})", "You have to enter a password");
  expect_message(R"({"username":"Roger Histand","email":"x@y","pwd":"p"})", "The username is already taken");
}

TEST_F(SimApiIT, ProtectedEndpointsAnswer403WithoutAuthorization) {
  RegisterUser("a");
  const Headers bad = {{"Authorization", "Basic d3Jvbmc6d3Jvbmc="}, {"Content-Type", "application/json"}};
  for (const auto& result : {SimGet("/msgs", {}), SimGet("/msgs/a", bad), SimPost("/msgs/a", R"({"content":"x"})", bad),
                             SimGet("/fllws/a", bad), SimPost("/fllws/a", R"({"follow":"a"})", bad),
                             SimGet("/msgs/nobody", bad)}) {
    ExpectJsonError(result, 403);
    EXPECT_EQ(Json(result)["error_msg"], "You are not authorized to use this resource!");
  }
}

TEST_F(SimApiIT, TweetsRoundTripNewestFirstWithUnicodeAndSpaces) {
  RegisterUser("Roger Histand");
  RegisterUser("Tove Tanaka");
  const std::string unicode = "Sm\xC3\xB8rrebr\xC3\xB8" "d \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x9A\x80 <b>&</b> \"q\" it's";
  EXPECT_EQ(SimPost("/msgs/Roger%20Histand?latest=3", json{{"content", unicode}}.dump()).status, 204);
  EXPECT_EQ(SimPost("/msgs/Tove%20Tanaka", R"({"content":"second"})").status, 204);
  const auto before = std::time(nullptr);

  const auto all = SimGet("/msgs");
  ASSERT_EQ(all.status, 200);
  const auto list = Json(all);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["content"], "second");
  EXPECT_EQ(list[0]["user"], "Tove Tanaka");
  EXPECT_EQ(list[1]["content"], unicode);
  EXPECT_EQ(list[1]["user"], "Roger Histand");
  ASSERT_TRUE(list[1]["pub_date"].is_number_integer());
  EXPECT_LE(std::abs(list[1]["pub_date"].get<long long>() - before), 60);

  const auto mine = Json(SimGet("/msgs/Roger%20Histand"));
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["content"], unicode);
  EXPECT_EQ(Json(SimGet("/msgs?no=1")).size(), 1u);
  ExpectJsonError(SimGet("/msgs/nobody"), 404);
  ExpectJsonError(SimPost("/msgs/nobody", R"({"content":"x"})"), 404);
}

TEST_F(SimApiIT, DefaultLimitIsOneHundred) {
  RegisterUser("a");
  for (int i = 0; i < 105; ++i) ASSERT_EQ(SimPost("/msgs/a", json{{"content", std::to_string(i)}}.dump()).status, 204);
  EXPECT_EQ(Json(SimGet("/msgs")).size(), 100u);
  EXPECT_EQ(Json(SimGet("/msgs/a")).size(), 100u);
  EXPECT_EQ(Json(SimGet("/msgs?no=105")).size(), 105u);
  EXPECT_EQ(Json(SimGet("/msgs/a?no=3")).size(), 3u);
  EXPECT_EQ(Json(SimGet("/msgs?no=1"))[0]["content"], "104");
}

TEST_F(SimApiIT, FollowUnfollowAndFollowsList) {
  RegisterUser("Roger Histand");
  RegisterUser("b");
  RegisterUser("c d");
  EXPECT_EQ(SimPost("/fllws/Roger%20Histand", R"({"follow":"b"})").status, 204);
  EXPECT_EQ(SimPost("/fllws/Roger%20Histand", R"({"follow":"b"})").status, 204);  // twice: still one
  EXPECT_EQ(SimPost("/fllws/Roger%20Histand", R"({"follow":"c d"})").status, 204);
  auto follows = Json(SimGet("/fllws/Roger%20Histand"));
  ASSERT_TRUE(follows["follows"].is_array());
  std::vector<std::string> names = follows["follows"];
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"b", "c d"}));
  EXPECT_EQ(Json(SimGet("/fllws/Roger%20Histand?no=1"))["follows"].size(), 1u);

  EXPECT_EQ(SimPost("/fllws/Roger%20Histand", R"({"unfollow":"b"})").status, 204);
  EXPECT_EQ(SimPost("/fllws/Roger%20Histand", R"({"unfollow":"b"})").status, 204);  // not followed: still 204
  EXPECT_EQ(Json(SimGet("/fllws/Roger%20Histand")), json::parse(R"({"follows":["c d"]})"));
  EXPECT_EQ(Json(SimGet("/fllws/b")), json::parse(R"({"follows":[]})"));

  ExpectJsonError(SimGet("/fllws/nobody"), 404);
  ExpectJsonError(SimPost("/fllws/nobody", R"({"follow":"b"})"), 404);
  ExpectJsonError(SimPost("/fllws/b", R"({"follow":"nobody"})"), 404);
  ExpectJsonError(SimPost("/fllws/b", R"({"unfollow":"nobody"})"), 404);
  ExpectJsonError(SimPost("/fllws/b", R"({"neither":"c d"})"), 400);
}

TEST_F(SimApiIT, SimulatorRegisterStoresAnArgon2Hash) {
  RegisterUser("hashme");
  const auto hash = database_->Scalar("SELECT pw_hash FROM users WHERE username = 'hashme'");
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_EQ(hash.find("$argon2id$v=19$m=19456,t=2,p=1$"), 0u) << hash;
}

}  // namespace
}  // namespace minitwit::testing

namespace minitwit::testing {
namespace {

// The simulator gives each request 300 ms; argon2id hashing must leave room for that.
TEST_F(SimApiIT, RegisterStaysInsideTheSimulatorBudget) {
  std::vector<double> latencies;
  for (int i = 0; i < 7; ++i) {
    const auto result = SimPost("/register", nlohmann::json{{"username", "budget" + std::to_string(i)},
                                                            {"email", "b@b"},
                                                            {"pwd", "correct horse battery staple"}}
                                                 .dump());
    ASSERT_EQ(result.status, 204);
    latencies.push_back(result.latency_ms);
  }
  std::sort(latencies.begin(), latencies.end());
  std::cout << "[ INFO     ] register latency ms: median " << latencies[3] << ", max " << latencies.back() << "\n";
  EXPECT_LT(latencies[3], 300.0);
}

}  // namespace
}  // namespace minitwit::testing
