#include "web/session_cookie.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace minitwit {
namespace {
constexpr std::string_view kSessionName = "session";
constexpr std::string_view kFlashName = "flash";
constexpr std::string_view kAttributes = "; Path=/; HttpOnly; SameSite=Lax";
}  // namespace

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    auto pair = header.substr(0, semicolon);
    header = semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<std::int64_t> SessionCookies::UserId(const Request& request) const {
  const auto token = CookieValue(request.Header("cookie"), kSessionName);
  if (!token) return std::nullopt;
  const auto payload = signer_.Verify(kSessionName, *token);
  if (!payload) return std::nullopt;
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(payload->data(), payload->data() + payload->size(), id);
  if (ec != std::errc() || ptr != payload->data() + payload->size()) return std::nullopt;
  return id;
}

std::string SessionCookies::LoginCookie(std::int64_t user_id) const {
  return std::string(kSessionName) + "=" + signer_.Sign(kSessionName, std::to_string(user_id)) + std::string(kAttributes);
}

std::string SessionCookies::LogoutCookie() {
  return std::string(kSessionName) + "=" + std::string(kAttributes) + "; Max-Age=0";
}

std::vector<std::string> SessionCookies::Flashes(const Request& request) const {
  const auto token = CookieValue(request.Header("cookie"), kFlashName);
  if (!token) return {};
  const auto payload = signer_.Verify(kFlashName, *token);
  if (!payload) return {};
  const auto list = nlohmann::json::parse(*payload, nullptr, false);
  std::vector<std::string> flashes;
  if (!list.is_array()) return flashes;
  for (const auto& item : list) {
    if (item.is_string()) flashes.push_back(item.get<std::string>());
  }
  return flashes;
}

std::string SessionCookies::FlashCookie(const std::vector<std::string>& flashes) const {
  const auto payload = nlohmann::json(flashes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return std::string(kFlashName) + "=" + signer_.Sign(kFlashName, payload) + std::string(kAttributes);
}

std::string SessionCookies::ClearFlashCookie() {
  return std::string(kFlashName) + "=" + std::string(kAttributes) + "; Max-Age=0";
}

}  // namespace minitwit
