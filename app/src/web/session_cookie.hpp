#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/signer.hpp"
#include "http/message.hpp"

namespace minitwit {

// The login session and the flash messages, each in its own signed HttpOnly cookie;
// a cookie that fails verification reads as absent.
class SessionCookies {
 public:
  explicit SessionCookies(Signer signer) : signer_(std::move(signer)) {}

  std::optional<std::int64_t> UserId(const Request& request) const;
  std::string LoginCookie(std::int64_t user_id) const;  // Set-Cookie values
  static std::string LogoutCookie();

  std::vector<std::string> Flashes(const Request& request) const;
  std::string FlashCookie(const std::vector<std::string>& flashes) const;
  static std::string ClearFlashCookie();

 private:
  Signer signer_;
};

// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> CookieValue(std::string_view header, std::string_view name);

}  // namespace minitwit
