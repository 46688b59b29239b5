#include "crypto/signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

namespace minitwit {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out;
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(data[k])); };
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (data.size() - i == 1) {
    const unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (data.size() - i == 2) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const char* found = std::char_traits<char>::find(kAlphabet, 64, c);
    if (found == nullptr) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(found - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // one dangling character is never valid
  return out;
}

std::optional<std::string> RandomSecret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return std::nullopt;
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string Signer::Mac(std::string_view purpose, std::string_view encoded_payload) const {
  std::string input(purpose);
  input += '\n';
  input += encoded_payload;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac.data(), &length);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), length));
}

std::string Signer::Sign(std::string_view purpose, std::string_view payload) const {
  const auto encoded = Base64UrlEncode(payload);
  return encoded + "." + Mac(purpose, encoded);
}

std::optional<std::string> Signer::Verify(std::string_view purpose, std::string_view token) const {
  const auto dot = token.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto encoded = token.substr(0, dot);
  const auto mac = token.substr(dot + 1);
  const auto expected = Mac(purpose, encoded);
  if (mac.size() != expected.size() || CRYPTO_memcmp(mac.data(), expected.data(), mac.size()) != 0) {
    return std::nullopt;
  }
  return Base64UrlDecode(encoded);
}

}  // namespace minitwit
