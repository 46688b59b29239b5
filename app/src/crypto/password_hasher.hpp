#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace minitwit {

// argon2id cost. The default is OWASP's minimum (m=19 MiB, t=2, p=1), which keeps a
// registration well inside the simulator's 300 ms budget.
struct Argon2Params {
  std::uint32_t time_cost = 2;
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t parallelism = 1;
};

// Bounds the CPU that argon2 may take from the request threads: at most `running`
// hashes at once (0: half the cores, at least 1), at most `waiting` callers queued for
// a slot, none for longer than max_wait. A caller past those limits is told "busy" at
// once (the handlers answer 503), instead of every request on the box slowing down
// while 19 MiB hashes compete for two cores.
struct HashLimits {
  int running = 0;
  int waiting = 4;
  std::chrono::milliseconds max_wait{1000};
};

// The limits as they run beside `request_threads` handler threads on `cores` cores:
// running 0 becomes half the cores (at least 1), and running + waiting leave at least
// two request threads (one when there are only two) free, so a burst of registers is
// answered 503 at once instead of holding every thread while other requests time out.
HashLimits FitToRequestThreads(HashLimits limits, int request_threads, unsigned cores);

enum class HashStatus { kOk, kBusy, kFailed };

struct HashResult {
  HashStatus status = HashStatus::kFailed;
  std::string encoded;  // set when kOk
};

enum class VerifyResult { kMatch, kMismatch, kBusy };

class PasswordHasher {
 public:
  explicit PasswordHasher(Argon2Params params = {}, HashLimits limits = {});
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // PHC-format encoded hash ("$argon2id$v=19$m=...") with a random salt; "" on failure.
  // Not limited: for tests and tools.
  std::string Hash(const std::string& password) const;
  bool Verify(const std::string& encoded, const std::string& password) const;

  // Hash and Verify within the HashLimits: what request handlers call.
  HashResult TryHash(const std::string& password) const;
  VerifyResult TryVerify(const std::string& encoded, const std::string& password) const;

 private:
  bool Acquire() const;
  void Release() const;

  Argon2Params params_;
  HashLimits limits_;
  mutable std::mutex mutex_;
  mutable std::condition_variable slot_free_;
  mutable int running_ = 0;
  mutable int waiting_ = 0;
};

}  // namespace minitwit
