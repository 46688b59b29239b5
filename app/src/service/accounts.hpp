#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace minitwit {

// The first failing registration rule's message (API and UI share them), or nullopt.
// The "username taken" rule needs the database and is checked by the caller.
std::optional<std::string> CheckRegistration(const std::string& username, const std::string& email,
                                             const std::string& password);

// Names are indexed; Postgres btree entries must stay well under ~2.7 kB.
inline constexpr std::size_t kMaxUsernameBytes = 256;
inline constexpr std::size_t kMaxEmailBytes = 1024;
inline constexpr const char* kUsernameTaken = "The username is already taken";

}  // namespace minitwit
