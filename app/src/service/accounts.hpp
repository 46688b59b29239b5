#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "crypto/password_hasher.hpp"
#include "storage/repository.hpp"

namespace minitwit {

// The first failing registration rule's message (API and UI share them), or nullopt.
// The "username taken" rule needs the database and is checked by the caller.
std::optional<std::string> CheckRegistration(const std::string& username, const std::string& email,
                                             const std::string& password);

enum class AccountCreation { kCreated, kUsernameTaken, kBusy, kHashFailed, kUnavailable };

// Stores a new user with an argon2id hash of the password, for input that CheckRegistration
// accepted. A taken name is found before hashing, so it does not pay for argon2; kBusy:
// the hash limits refused (answer 503); kUnavailable: the database failed. The API and the
// UI only differ in how they show the outcome.
AccountCreation CreateAccount(Repository& repository, const PasswordHasher& hasher, const std::string& username,
                              const std::string& email, const std::string& password);

// Names are indexed; Postgres btree entries must stay well under ~2.7 kB.
inline constexpr std::size_t kMaxUsernameBytes = 256;
inline constexpr std::size_t kMaxEmailBytes = 1024;
inline constexpr const char* kUsernameTaken = "The username is already taken";

}  // namespace minitwit
