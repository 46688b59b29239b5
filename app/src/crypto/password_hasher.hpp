#pragma once

#include <cstdint>
#include <string>

namespace minitwit {

// argon2id cost. The default is OWASP's minimum (m=19 MiB, t=2, p=1), which keeps a
// registration well inside the simulator's 300 ms budget.
struct Argon2Params {
  std::uint32_t time_cost = 2;
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t parallelism = 1;
};

class PasswordHasher {
 public:
  explicit PasswordHasher(Argon2Params params = {}) : params_(params) {}

  // PHC-format encoded hash ("$argon2id$v=19$m=...") with a random salt; "" on failure.
  std::string Hash(const std::string& password) const;
  bool Verify(const std::string& encoded, const std::string& password) const;

 private:
  Argon2Params params_;
};

}  // namespace minitwit
