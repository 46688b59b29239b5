#include "web/session_cookie.hpp"

#include <nlohmann/json.hpp>

namespace minitwit {
namespace {
constexpr std::string_view kSessionName = "session";
constexpr std::string_view kFlashName = "flash";
}  // namespace

std::optional<std::string> NewSessionId() { return RandomSecret(); }

std::string SessionCookies::Attributes(std::string_view same_site) const {
  std::string out = "; Path=/; HttpOnly; SameSite=";
  out += same_site;
  if (options_.secure) out += "; Secure";
  return out;
}

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

std::optional<std::string> SessionCookies::SessionId(const Request& request) const {
  const auto token = CookieValue(request.Header("cookie"), kSessionName);
  if (!token) return std::nullopt;
  auto payload = signer_.Verify(kSessionName, *token);
  if (!payload || payload->empty()) return std::nullopt;
  return payload;
}

std::string SessionCookies::LoginCookie(const std::string& session_id) const {
  return std::string(kSessionName) + "=" + signer_.Sign(kSessionName, session_id) + Attributes("Strict") +
         "; Max-Age=" + std::to_string(options_.session_ttl.count());
}

std::string SessionCookies::LogoutCookie() const {
  return std::string(kSessionName) + "=" + Attributes("Strict") + "; Max-Age=0";
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
  return std::string(kFlashName) + "=" + signer_.Sign(kFlashName, payload) + Attributes("Lax");
}

std::string SessionCookies::ClearFlashCookie() const { return std::string(kFlashName) + "=" + Attributes("Lax") + "; Max-Age=0"; }

}  // namespace minitwit
