#include "crypto/password_hasher.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <thread>
#include <vector>

namespace minitwit {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
}  // namespace

HashLimits FitToRequestThreads(HashLimits limits, int request_threads, unsigned cores) {
  if (limits.running <= 0) limits.running = std::max(1, static_cast<int>(cores / 2));
  const int free_threads = request_threads > 2 ? 2 : 1;
  const int usable = std::max(1, request_threads - free_threads);
  limits.running = std::min(limits.running, usable);
  limits.waiting = std::clamp(limits.waiting, 0, usable - limits.running);
  return limits;
}

PasswordHasher::PasswordHasher(Argon2Params params, HashLimits limits) : params_(params), limits_(limits) {
  if (limits_.running <= 0) limits_.running = std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
  limits_.waiting = std::max(0, limits_.waiting);
}

bool PasswordHasher::Acquire() const {
  std::unique_lock lock(mutex_);
  if (running_ < limits_.running) {
    ++running_;
    return true;
  }
  if (waiting_ >= limits_.waiting) return false;
  ++waiting_;
  const bool got = slot_free_.wait_for(lock, limits_.max_wait, [&] { return running_ < limits_.running; });
  --waiting_;
  if (got) ++running_;
  return got;
}

void PasswordHasher::Release() const {
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  slot_free_.notify_one();
}

HashResult PasswordHasher::TryHash(const std::string& password) const {
  if (!Acquire()) return {HashStatus::kBusy, {}};
  auto encoded = Hash(password);
  Release();
  if (encoded.empty()) return {HashStatus::kFailed, {}};
  return {HashStatus::kOk, std::move(encoded)};
}

VerifyResult PasswordHasher::TryVerify(const std::string& encoded, const std::string& password) const {
  if (!encoded.starts_with("$argon2id$")) return VerifyResult::kMismatch;
  if (!Acquire()) return VerifyResult::kBusy;
  const bool match = Verify(encoded, password);
  Release();
  return match ? VerifyResult::kMatch : VerifyResult::kMismatch;
}

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
