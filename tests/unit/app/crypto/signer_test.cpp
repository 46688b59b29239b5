#include "crypto/signer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>
#include <vector>

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

TEST(PasswordHasherTest, LimitsConcurrentHashingAndSaysBusyBeyondTheQueue) {
  // One hash at a time and no queue: of callers released together, the first gets the
  // slot and the others are refused at once (each hash takes milliseconds).
  PasswordHasher hasher(Argon2Params{3, 16 * 1024, 1}, HashLimits{1, 0, std::chrono::milliseconds(0)});
  constexpr int kCallers = 4;
  std::latch go(kCallers);
  std::vector<HashStatus> statuses(kCallers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      statuses[static_cast<std::size_t>(i)] = hasher.TryHash("pw").status;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GE(std::count(statuses.begin(), statuses.end(), HashStatus::kOk), 1);
  EXPECT_GE(std::count(statuses.begin(), statuses.end(), HashStatus::kBusy), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), HashStatus::kFailed), 0);
  // Free again; and with a queue every caller gets the slot in turn.
  EXPECT_EQ(hasher.TryHash("two").status, HashStatus::kOk);
  PasswordHasher queued(Argon2Params{1, 1024, 1}, HashLimits{1, 4, std::chrono::seconds(5)});
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] { ok += queued.TryHash("pw").status == HashStatus::kOk ? 1 : 0; });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(ok.load(), 4);
  const auto encoded = queued.TryHash("pw");
  ASSERT_EQ(encoded.status, HashStatus::kOk);
  EXPECT_EQ(queued.TryVerify(encoded.encoded, "pw"), VerifyResult::kMatch);
  EXPECT_EQ(queued.TryVerify(encoded.encoded, "nope"), VerifyResult::kMismatch);
}

TEST(PasswordHasherTest, LimitsLeaveRequestThreadsForOtherRequests) {
  // 4 request threads on 2 cores (the defaults): one hash, one waiting, two threads free.
  auto fitted = FitToRequestThreads(HashLimits{0, 4}, 4, 2);
  EXPECT_EQ(fitted.running, 1);
  EXPECT_EQ(fitted.waiting, 1);
  // 16 threads on 8 cores: the configured queue fits as it is.
  fitted = FitToRequestThreads(HashLimits{0, 4}, 16, 8);
  EXPECT_EQ(fitted.running, 4);
  EXPECT_EQ(fitted.waiting, 4);
  // 2 threads: one may hash, nobody waits, one stays free.
  fitted = FitToRequestThreads(HashLimits{3, 4}, 2, 2);
  EXPECT_EQ(fitted.running, 1);
  EXPECT_EQ(fitted.waiting, 0);
  // A single thread can only hash or serve: it hashes, nothing waits.
  fitted = FitToRequestThreads(HashLimits{0, 4}, 1, 1);
  EXPECT_EQ(fitted.running, 1);
  EXPECT_EQ(fitted.waiting, 0);
}

}  // namespace
}  // namespace minitwit
