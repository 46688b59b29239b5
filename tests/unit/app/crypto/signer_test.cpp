#include "crypto/signer.hpp"

#include <gtest/gtest.h>

#include "crypto/digest.hpp"
#include "crypto/password_hasher.hpp"

namespace minitwit {
namespace {

TEST(SignerTest, RoundTripsPayload) {
  Signer signer("0123456789abcdef-secret");
  const auto token = signer.Sign("session", "42");
  EXPECT_EQ(signer.Verify("session", token), "42");
}

TEST(SignerTest, RejectsTamperedWrongPurposeOrWrongSecret) {
  Signer signer("0123456789abcdef-secret");
  const auto token = signer.Sign("session", "42");
  auto tampered = token;
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(signer.Verify("session", tampered));
  EXPECT_FALSE(signer.Verify("flash", token));
  EXPECT_FALSE(Signer("another-secret-0123456").Verify("session", token));
  EXPECT_FALSE(signer.Verify("session", "no-dot"));
  EXPECT_FALSE(signer.Verify("session", Base64UrlEncode("1") + "." + "forged"));
}

TEST(SignerTest, Base64UrlRoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(data)), data);
    data.push_back(static_cast<char>(i * 37));
  }
  EXPECT_FALSE(Base64UrlDecode("a"));
  EXPECT_FALSE(Base64UrlDecode("a+b/"));
}

TEST(DigestTest, Md5MatchesKnownVector) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(PasswordHasherTest, VerifiesOnlyTheRightPassword) {
  PasswordHasher hasher(Argon2Params{1, 1024, 1});
  const auto hash = hasher.Hash("super_safe!");
  ASSERT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(hasher.Verify(hash, "super_safe!"));
  EXPECT_FALSE(hasher.Verify(hash, "super_safe"));
  EXPECT_NE(hasher.Hash("super_safe!"), hash);  // salted
  EXPECT_FALSE(hasher.Verify("plaintext", "plaintext"));
}

}  // namespace
}  // namespace minitwit
