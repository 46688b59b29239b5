#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/repository.hpp"

namespace minitwit {

// What every page shows around its body: the navigation and the flashes.
struct PageContext {
  std::optional<User> user;
  std::vector<std::string> flashes;
};

enum class TimelineKind { kMine, kPublic, kUser };

struct TimelineView {
  TimelineKind kind = TimelineKind::kPublic;
  std::vector<Message> messages;
  std::optional<User> profile;  // kUser only
  bool followed = false;        // kUser, logged in, not self
};

// Server-rendered pages, markup as in the original Flask templates.
std::string RenderTimeline(const PageContext& context, const TimelineView& view);
std::string RenderLogin(const PageContext& context, std::string_view error, std::string_view username);
std::string RenderRegister(const PageContext& context, std::string_view error, std::string_view username,
                           std::string_view email);
std::string RenderError(int status, std::string_view title, std::string_view text);

// app/static/style.css, compiled in.
std::string_view StyleSheet();

}  // namespace minitwit
