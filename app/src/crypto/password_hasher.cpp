#include "crypto/password_hasher.hpp"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

namespace minitwit {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

// argon2's work area (memory_kib, 19 MiB by default) comes straight from the kernel and
// goes straight back. Through malloc, glibc raised its mmap threshold after the first
// free and then kept a freed 19 MiB block in each thread's arena: 80 MiB held after a
// scenario replay, in every replica. Fresh pages cost a fault each (4,864 for 19 MiB: a
// hash took 34 ms instead of 22), so the area is aligned to 2 MiB and asked to be backed
// by transparent huge pages (23 ms); where THP is off it still works, just slower.
constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;

int MapWorkArea(std::uint8_t** memory, std::size_t bytes) {
  const std::size_t span = bytes + kHugePage;
  void* area = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return ARGON2_MEMORY_ALLOCATION_ERROR;
  const auto base = reinterpret_cast<std::uintptr_t>(area);
  const auto start = (base + kHugePage - 1) & ~(kHugePage - 1);
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto end = (start + bytes + page - 1) & ~(page - 1);
  if (start > base) munmap(area, start - base);
  if (base + span > end) munmap(reinterpret_cast<void*>(end), base + span - end);
  madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);  // a hint; failure is fine
  *memory = reinterpret_cast<std::uint8_t*>(start);
  return ARGON2_OK;
}

void UnmapWorkArea(std::uint8_t* memory, std::size_t bytes) { munmap(memory, bytes); }

// PHC strings use standard base64 without padding; OpenSSL's block encoder pads.
std::string B64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::optional<std::vector<unsigned char>> UnB64(std::string_view text) {
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  std::string padded(text);
  padded.append((4 - padded.size() % 4) % 4, '=');
  std::vector<unsigned char> out(padded.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(padded.data()),
                                static_cast<int>(padded.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - (padded.size() - text.size()));  // DecodeBlock counts padding as zeros
  return out;
}

struct Phc {
  Argon2Params params;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> hash;
};

// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", as libargon2 writes it.
std::optional<Phc> ParsePhc(std::string_view encoded) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$m=";
  if (!encoded.starts_with(kPrefix)) return std::nullopt;
  encoded.remove_prefix(kPrefix.size());
  Phc phc;
  const auto number = [&](std::uint32_t& value, std::string_view then) {
    const auto [end, ec] = std::from_chars(encoded.data(), encoded.data() + encoded.size(), value);
    if (ec != std::errc()) return false;
    encoded.remove_prefix(static_cast<std::size_t>(end - encoded.data()));
    if (!encoded.starts_with(then)) return false;
    encoded.remove_prefix(then.size());
    return true;
  };
  if (!number(phc.params.memory_kib, ",t=") || !number(phc.params.time_cost, ",p=") ||
      !number(phc.params.parallelism, "$")) {
    return std::nullopt;
  }
  const auto dollar = encoded.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  auto salt = UnB64(encoded.substr(0, dollar));
  auto hash = UnB64(encoded.substr(dollar + 1));
  if (!salt || !hash || hash->size() < 4 || hash->size() > 1024) return std::nullopt;
  phc.salt = std::move(*salt);
  phc.hash = std::move(*hash);
  return phc;
}

// The raw argon2id digest, computed in a work area of our own allocator.
bool Argon2id(const Argon2Params& params, const std::string& password, const std::vector<unsigned char>& salt,
              std::vector<unsigned char>& out) {
  argon2_context context{};
  context.out = out.data();
  context.outlen = static_cast<std::uint32_t>(out.size());
  context.pwd = reinterpret_cast<std::uint8_t*>(const_cast<char*>(password.data()));
  context.pwdlen = static_cast<std::uint32_t>(password.size());
  context.salt = const_cast<std::uint8_t*>(salt.data());
  context.saltlen = static_cast<std::uint32_t>(salt.size());
  context.t_cost = params.time_cost;
  context.m_cost = params.memory_kib;
  context.lanes = params.parallelism;
  context.threads = params.parallelism;
  context.version = ARGON2_VERSION_13;
  context.allocate_cbk = MapWorkArea;
  context.free_cbk = UnmapWorkArea;
  context.flags = ARGON2_DEFAULT_FLAGS;
  return argon2_ctx(&context, Argon2_id) == ARGON2_OK;
}

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
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) return "";
  std::vector<unsigned char> hash(kHashBytes);
  if (!Argon2id(params_, password, salt, hash)) return "";
  return "$argon2id$v=19$m=" + std::to_string(params_.memory_kib) + ",t=" + std::to_string(params_.time_cost) +
         ",p=" + std::to_string(params_.parallelism) + "$" + B64(salt.data(), salt.size()) + "$" +
         B64(hash.data(), hash.size());
}

bool PasswordHasher::Verify(const std::string& encoded, const std::string& password) const {
  const auto phc = ParsePhc(encoded);
  // The stored cost is what the hash was made with; refuse costs no request should pay.
  if (!phc || phc->params.memory_kib > 1024 * 1024 || phc->params.time_cost > 64 || phc->params.parallelism != 1) {
    return false;
  }
  std::vector<unsigned char> hash(phc->hash.size());
  if (!Argon2id(phc->params, password, phc->salt, hash)) return false;
  return CRYPTO_memcmp(hash.data(), phc->hash.data(), hash.size()) == 0;
}

}  // namespace minitwit
