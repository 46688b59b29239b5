#include "storage/public_timeline_listener.hpp"

#include <pqxx/pqxx>

#include <stdexcept>

#include "observability/logging.hpp"

namespace minitwit {
namespace {

// How long a wait for notifications lasts: the stop flag is checked this often.
constexpr long kWaitMicroseconds = 250'000;
// A connection quiet this long is asked a question; well inside the cache's lease.
constexpr auto kQuietCheck = std::chrono::seconds(1);
constexpr auto kRetryDelay = std::chrono::seconds(1);

// Each notification on the channel means the public timeline changed.
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& connection, PublicTimelineCache& cache)
      : pqxx::notification_receiver(connection, PublicTimelineListener::kChannel), cache_(cache) {}
  void operator()(const std::string& /*payload*/, int /*backend_pid*/) override { cache_.Invalidate(); }

 private:
  PublicTimelineCache& cache_;
};

// libpqxx 6 would otherwise reconnect silently on the next call after a failure and
// LISTEN again, hiding that notifications were lost in between. The call is deprecated
// in 6.4 (7.0 never reconnects) with no replacement, hence the local pragma.
void InhibitReactivation(pqxx::connection& connection) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  connection.inhibit_reactivation(true);
#pragma GCC diagnostic pop
}

// libpqxx 6 swallows a broken connection during LISTEN; only the server can say it took.
void ConfirmListening(pqxx::connection& connection) {
  pqxx::nontransaction tx(connection);
  const auto rows =
      tx.exec_params("SELECT 1 FROM pg_listening_channels() AS c WHERE c = $1", PublicTimelineListener::kChannel);
  if (rows.empty()) throw std::runtime_error("LISTEN did not take effect");
}

}  // namespace

PublicTimelineListener::PublicTimelineListener(const std::string& conninfo, PublicTimelineCache& cache)
    : conninfo_(conninfo), cache_(cache), thread_([this] { Run(); }) {}

PublicTimelineListener::~PublicTimelineListener() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void PublicTimelineListener::Run() {
  bool outage_logged = false;
  while (!stopping_) {
    try {
      pqxx::connection connection(conninfo_);
      InhibitReactivation(connection);
      Receiver receiver(connection, cache_);
      ConfirmListening(connection);
      cache_.SetListening(true);
      Log(spdlog::level::info, "public timeline cache on");
      outage_logged = false;
      Listen(connection);
    } catch (const std::exception& e) {
      cache_.SetListening(false);
      if (!outage_logged) {
        Log(spdlog::level::warn, "public timeline cache off: its listener lost the database; retrying",
            {{"error", e.what()}});
        outage_logged = true;
      }
      Pause();
    }
  }
  cache_.SetListening(false);
}

// Returns when asked to stop; throws when the connection fails.
void PublicTimelineListener::Listen(pqxx::connection& connection) {
  auto heard = std::chrono::steady_clock::now();
  while (!stopping_) {
    if (connection.await_notification(0, kWaitMicroseconds) == 0) {
      if (std::chrono::steady_clock::now() - heard < kQuietCheck) continue;
      // Quiet may mean dead (a lost peer sends no reset): only an answer proves otherwise.
      pqxx::nontransaction(connection).exec("SELECT 1");
      connection.get_notifs();  // those that arrived with the answer, before vouching again
    }
    heard = std::chrono::steady_clock::now();
    cache_.Renew();
  }
}

void PublicTimelineListener::Pause() {
  std::unique_lock lock(stop_mutex_);
  stop_.wait_for(lock, kRetryDelay, [this] { return stopping_.load(); });
}

}  // namespace minitwit
