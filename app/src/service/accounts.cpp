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

AccountCreation CreateAccount(Repository& repository, const PasswordHasher& hasher, const std::string& username,
                              const std::string& email, const std::string& password) {
  const auto existing = repository.FindUserByName(username);
  if (!existing.ok()) return AccountCreation::kUnavailable;
  if (existing.value) return AccountCreation::kUsernameTaken;
  const auto hash = hasher.TryHash(password);
  if (hash.status == HashStatus::kBusy) return AccountCreation::kBusy;
  if (hash.status != HashStatus::kOk) return AccountCreation::kHashFailed;
  const auto created = repository.CreateUser(username, email, hash.encoded);
  if (!created.ok()) return AccountCreation::kUnavailable;
  return created.value ? AccountCreation::kCreated : AccountCreation::kUsernameTaken;
}

}  // namespace minitwit
