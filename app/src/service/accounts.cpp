#include "service/accounts.hpp"

namespace minitwit {

std::optional<std::string> CheckRegistration(const std::string& username, const std::string& email,
                                             const std::string& password) {
  if (username.empty()) return "You have to enter a username";
  if (username.size() > kMaxUsernameBytes) return "The username is too long";
  if (email.size() > kMaxEmailBytes) return "The email address is too long";
  if (email.empty() || email.find('@') == std::string::npos) return "You have to enter a valid email address";
  if (password.empty()) return "You have to enter a password";
  return std::nullopt;
}

}  // namespace minitwit
