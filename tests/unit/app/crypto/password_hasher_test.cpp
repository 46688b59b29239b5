#include "crypto/password_hasher.hpp"

#include <argon2.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace minitwit {
namespace {

TEST(PasswordHasherTest, HashesVerifyBothWaysWithLibargon2) {
  PasswordHasher hasher(Argon2Params{1, 1024, 1});
  const auto encoded = hasher.Hash("super_safe!");
  ASSERT_TRUE(encoded.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << encoded;
  EXPECT_TRUE(hasher.Verify(encoded, "super_safe!"));
  EXPECT_FALSE(hasher.Verify(encoded, "super_safe"));
  EXPECT_EQ(argon2id_verify(encoded.c_str(), "super_safe!", 11), ARGON2_OK) << "not libargon2's format";

  // Hashes stored by the earlier versions (libargon2's own encoder) still verify.
  const std::string salt = "0123456789abcdef";
  std::vector<char> stored(argon2_encodedlen(2, 19 * 1024, 1, static_cast<std::uint32_t>(salt.size()), 32, Argon2_id));
  ASSERT_EQ(argon2id_hash_encoded(2, 19 * 1024, 1, "pw", 2, salt.data(), salt.size(), 32, stored.data(), stored.size()),
            ARGON2_OK);
  EXPECT_TRUE(hasher.Verify(stored.data(), "pw"));
  EXPECT_FALSE(hasher.Verify(stored.data(), "pW"));
  for (const std::string broken : {"", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=1024,t=1",
                                   "$argon2id$v=19$m=1024,t=1,p=1$!!$??"}) {
    EXPECT_FALSE(hasher.Verify(broken, "pw")) << broken;
  }
}

long RssAnonKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("RssAnon:")) return std::stol(line.substr(8));
  }
  return -1;
}

// Each hash needs a 19 MiB work area. Through malloc, glibc kept one freed area per
// thread arena (the app held 80 MiB after a scenario replay); now each goes back to the
// kernel when its hash is done.
TEST(PasswordHasherTest, WorkAreasGoBackToTheSystem) {
  PasswordHasher hasher;  // the production cost: m = 19 MiB
  ASSERT_FALSE(hasher.Hash("warm").empty());  // glibc raises its mmap threshold after a first free
  const long before = RssAnonKib();
  ASSERT_GT(before, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&hasher] {
      for (int k = 0; k < 2; ++k) EXPECT_FALSE(hasher.Hash("pw").empty());
    });
  }
  for (auto& thread : threads) thread.join();
  const long after = RssAnonKib();
  EXPECT_LT(after - before, 8 * 1024) << "anonymous memory grew from " << before << " KiB to " << after << " KiB";
}

}  // namespace
}  // namespace minitwit
