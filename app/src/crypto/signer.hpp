#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace minitwit {

// Signs values with HMAC-SHA256 so they can travel in cookies: "<payload>.<mac>", both
// base64url. The purpose is mixed into the MAC so a value signed for one cookie does not
// verify as another.
class Signer {
 public:
  explicit Signer(std::string secret) : secret_(std::move(secret)) {}

  std::string Sign(std::string_view purpose, std::string_view payload) const;
  // The payload when the token is intact and signed with this secret for this purpose.
  std::optional<std::string> Verify(std::string_view purpose, std::string_view token) const;

 private:
  std::string Mac(std::string_view purpose, std::string_view encoded_payload) const;
  std::string secret_;
};

std::string Base64UrlEncode(std::string_view data);
std::optional<std::string> Base64UrlDecode(std::string_view text);
// A random secret for when none is configured; nullopt when the system's random
// generator fails (a predictable secret would let anyone forge sessions).
std::optional<std::string> RandomSecret();

}  // namespace minitwit
