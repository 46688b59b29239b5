#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace minitwit::sim {

enum class ActionKind { kRegister, kTweet, kFollow, kUnfollow };

std::string_view KindName(ActionKind kind);
std::optional<ActionKind> ParseKind(std::string_view name);

// One scenario line. `argument` is the email for register, the text for tweet and the
// target username for follow/unfollow; `password` is set for register only.
struct Action {
  std::int64_t id = 0;
  std::int64_t delay_ms = 0;
  std::int64_t timestamp_ms = 0;
  ActionKind kind = ActionKind::kTweet;
  std::string user;
  std::string argument;
  std::string password;
};

struct ScenarioResult {
  std::vector<Action> actions;
  std::string error;  // empty on success, otherwise names the first bad line
  bool Ok() const { return error.empty(); }
};

// Parses one tab-separated line (no quoting; bytes are passed through, so UTF-8 text
// round-trips). Columns past the ones a command uses are ignored, as the course does.
std::optional<Action> ParseScenarioLine(std::string_view line, std::string* error);

// Reads a whole scenario; blank lines are skipped, a trailing '\r' is tolerated.
ScenarioResult ParseScenario(std::istream& in);
ScenarioResult LoadScenarioFile(const std::string& path);

}  // namespace minitwit::sim
