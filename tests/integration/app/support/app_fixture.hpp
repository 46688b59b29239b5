#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "support/harness.hpp"

namespace minitwit::testing {

// One fresh database and one running app per test.
class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MINITWIT_REQUIRE_DATABASE();
    database_ = std::make_unique<TestDatabase>(*AdminDatabaseUrl());
    app_ = std::make_unique<AppProcess>(database_->url());
    app_->Start();
    ASSERT_TRUE(app_->WaitReady()) << app_->Log();
  }
  void TearDown() override {
    if (HasFailure() && app_) std::cerr << "--- app log ---\n" << app_->Log() << "\n";
  }

  HttpResult SimGet(const std::string& target, Headers headers = SimHeaders()) {
    return Http(app_->port(), "GET", target, "", std::move(headers));
  }
  HttpResult SimPost(const std::string& target, const std::string& body, Headers headers = SimHeaders()) {
    return Http(app_->port(), "POST", target, body, std::move(headers));
  }
  void RegisterUser(const std::string& name) {
    const auto result =
        SimPost("/register", nlohmann::json{{"username", name}, {"email", "user@example.com"}, {"pwd", "pw"}}.dump());
    ASSERT_EQ(result.status, 204) << result.error << result.body;
  }
  static nlohmann::json Json(const HttpResult& result) { return nlohmann::json::parse(result.body, nullptr, false); }
  // Asserts a JSON error body {"status": N, "error_msg": "..."} with that status.
  static void ExpectJsonError(const HttpResult& result, int status) {
    EXPECT_EQ(result.status, status) << result.error << result.body;
    const auto body = Json(result);
    ASSERT_TRUE(body.is_object()) << result.body;
    EXPECT_EQ(body["status"], status) << result.body;
    EXPECT_TRUE(body["error_msg"].is_string()) << result.body;
    EXPECT_NE(result.Header("Content-Type").find("application/json"), std::string::npos);
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<AppProcess> app_;
};

}  // namespace minitwit::testing
