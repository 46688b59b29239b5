#include "crypto/digest.hpp"

#include <openssl/evp.h>

#include <array>

namespace minitwit {

std::string Md5Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // Fetched once: EVP_md5() makes every EVP_Digest look the algorithm up again
  // (OpenSSL 3), under a lock, and a timeline page hashes 30 emails.
  static const EVP_MD* const md5 = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "MD5", nullptr);
    return fetched != nullptr ? fetched : EVP_md5();
  }();
  EVP_Digest(data.data(), data.size(), digest.data(), &length, md5, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace minitwit
