#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/signer.hpp"
#include "http/message.hpp"

namespace minitwit {

struct CookieOptions {
  // How long a login lasts: the cookie's Max-Age and the server-side session's expiry.
  std::chrono::seconds session_ttl{std::chrono::hours(24 * 7)};
  // Adds Secure: set when users reach the app over TLS (an Ingress that terminates it).
  bool secure = false;
};

// The login session and the flash messages, each in its own signed HttpOnly cookie;
// a cookie that fails verification reads as absent. The session cookie carries only a
// random session id (the server keeps who it belongs to and whether it is still live)
// and is SameSite=Strict, so no other site's page can send it along.
class SessionCookies {
 public:
  explicit SessionCookies(Signer signer, CookieOptions options = {})
      : signer_(std::move(signer)), options_(options) {}

  std::optional<std::string> SessionId(const Request& request) const;
  std::string LoginCookie(const std::string& session_id) const;  // Set-Cookie values
  std::string LogoutCookie() const;
  std::chrono::seconds session_ttl() const { return options_.session_ttl; }

  std::vector<std::string> Flashes(const Request& request) const;
  std::string FlashCookie(const std::vector<std::string>& flashes) const;
  std::string ClearFlashCookie() const;

 private:
  std::string Attributes(std::string_view same_site) const;
  Signer signer_;
  CookieOptions options_;
};

// A new random session id (256 bits, base64url); nullopt when the system's random
// generator fails, which no login may paper over.
std::optional<std::string> NewSessionId();

// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> CookieValue(std::string_view header, std::string_view name);

}  // namespace minitwit
