// Replays the start of the course's simulator scenario (../shared/data) through the API,
// the way the simulator does, and checks every answer and the final state.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "support/app_fixture.hpp"

namespace minitwit::testing {
namespace {

using nlohmann::json;

std::string EncodePath(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, '\t');) fields.push_back(field);
  return fields;
}

class ScenarioReplayIT : public AppTest {};

TEST_F(ScenarioReplayIT, FirstTwoThousandActionsSucceed) {
  std::ifstream file(MINITWIT_SCENARIO_CSV);
  ASSERT_TRUE(file) << "missing prerequisite: the course scenario at " << MINITWIT_SCENARIO_CSV
                    << " (../shared/data beside the repository)";
  constexpr int kActions = 2000;
  std::map<std::string, std::set<std::string>> follows;  // the model
  std::map<std::string, int> tweets;
  std::vector<double> latencies;
  long long last_id = -1;
  int replayed = 0;
  for (std::string line; replayed < kActions && std::getline(file, line); ++replayed) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto f = SplitTabs(line);
    ASSERT_GE(f.size(), 6u) << line;
    const auto& command = f[3];
    const auto& user = f[4];
    const auto latest = "?latest=" + f[0];
    last_id = std::stoll(f[0]);
    HttpResult result;
    if (command == "register") {
      result = SimPost("/register" + latest,
                       json{{"username", user}, {"email", f[5]}, {"pwd", f.size() > 6 ? f[6] : ""}}.dump());
      EXPECT_TRUE(result.status == 204 || result.status == 400) << line << " -> " << result.status << result.body;
    } else if (command == "tweet") {
      result = SimPost("/msgs/" + EncodePath(user) + latest, json{{"content", f[5]}}.dump());
      EXPECT_EQ(result.status, 204) << line << " -> " << result.body;
      ++tweets[user];
    } else if (command == "follow" || command == "unfollow") {
      result = SimPost("/fllws/" + EncodePath(user) + latest, json{{command, f[5]}}.dump());
      EXPECT_EQ(result.status, 204) << line << " -> " << result.body;
      if (command == "follow") {
        follows[user].insert(f[5]);
      } else {
        follows[user].erase(f[5]);
      }
    } else {
      ADD_FAILURE() << "unknown command " << command;
    }
    if (command != "register") latencies.push_back(result.latency_ms);
    if (HasFailure()) return;
  }
  EXPECT_EQ(Json(SimGet("/latest"))["latest"], last_id);
  for (const auto& [user, expected] : follows) {
    const auto listed = Json(SimGet("/fllws/" + EncodePath(user) + "?no=1000"))["follows"];
    std::set<std::string> names(listed.begin(), listed.end());
    EXPECT_EQ(names, expected) << user;
  }
  for (const auto& [user, count] : tweets) {
    EXPECT_EQ(Json(SimGet("/msgs/" + EncodePath(user) + "?no=100000")).size(), static_cast<std::size_t>(count)) << user;
  }
  std::sort(latencies.begin(), latencies.end());
  std::cout << "[ INFO     ] replayed " << replayed << " actions; tweet/follow latency ms p50 "
            << latencies[latencies.size() / 2] << ", p99 " << latencies[latencies.size() * 99 / 100] << ", max "
            << latencies.back() << "\n";
}

}  // namespace
}  // namespace minitwit::testing
