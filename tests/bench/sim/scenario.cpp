#include "sim/scenario.hpp"

#include <charconv>
#include <fstream>

namespace minitwit::sim {
namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

bool ParseInt(std::string_view text, std::int64_t* out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

std::string_view KindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kRegister: return "register";
    case ActionKind::kTweet: return "tweet";
    case ActionKind::kFollow: return "follow";
    case ActionKind::kUnfollow: return "unfollow";
  }
  return "unknown";
}

std::optional<ActionKind> ParseKind(std::string_view name) {
  for (ActionKind kind : {ActionKind::kRegister, ActionKind::kTweet, ActionKind::kFollow,
                          ActionKind::kUnfollow}) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::optional<Action> ParseScenarioLine(std::string_view line, std::string* error) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const std::vector<std::string_view> fields = SplitTabs(line);
  auto fail = [&](std::string message) -> std::optional<Action> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  if (fields.size() < 6) return fail("expected at least 6 tab-separated columns");
  Action action;
  if (!ParseInt(fields[0], &action.id)) return fail("action id is not an integer");
  if (!ParseInt(fields[1], &action.delay_ms)) return fail("delay is not an integer");
  if (!ParseInt(fields[2], &action.timestamp_ms)) return fail("timestamp is not an integer");
  const auto kind = ParseKind(fields[3]);
  if (!kind) return fail("unknown command '" + std::string(fields[3]) + "'");
  action.kind = *kind;
  action.user = std::string(fields[4]);
  action.argument = std::string(fields[5]);
  if (action.kind == ActionKind::kRegister) {
    if (fields.size() < 7) return fail("register needs a 7th column (password)");
    action.password = std::string(fields[6]);
  }
  return action;
}

ScenarioResult ParseScenario(std::istream& in) {
  ScenarioResult result;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line == "\r") continue;
    std::string error;
    auto action = ParseScenarioLine(line, &error);
    if (!action) {
      result.error = "line " + std::to_string(line_number) + ": " + error;
      result.actions.clear();
      return result;
    }
    result.actions.push_back(std::move(*action));
  }
  return result;
}

ScenarioResult LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ScenarioResult result;
    result.error = "cannot open scenario file " + path;
    return result;
  }
  return ParseScenario(in);
}

}  // namespace minitwit::sim
