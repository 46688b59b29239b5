#include "crypto/password_hasher.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <vector>

namespace minitwit {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
}  // namespace

std::string PasswordHasher::Hash(const std::string& password) const {
  std::array<unsigned char, kSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) return "";
  const auto length = argon2_encodedlen(params_.time_cost, params_.memory_kib, params_.parallelism, kSaltBytes,
                                        kHashBytes, Argon2_id);
  std::vector<char> encoded(length);
  const int rc = argon2id_hash_encoded(params_.time_cost, params_.memory_kib, params_.parallelism, password.data(),
                                       password.size(), salt.data(), salt.size(), kHashBytes, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK) return "";
  return std::string(encoded.data());
}

bool PasswordHasher::Verify(const std::string& encoded, const std::string& password) const {
  if (!encoded.starts_with("$argon2id$")) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace minitwit
