#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "storage/public_timeline_cache.hpp"

#include <pqxx/connection>

namespace minitwit {

// Keeps a PublicTimelineCache in step with the database from a thread of its own: on a
// connection of its own it LISTENs on the channel that the triggers of
// app/sql/002_public_timeline_notify.sql notify on every change to the public timeline.
// When the connection fails the cache is off until a new LISTEN is in effect (retried
// every second; the first failure of an outage is logged).
class PublicTimelineListener {
 public:
  static constexpr const char* kChannel = "minitwit_messages";

  // Start only once the triggers exist. conninfo: with a connect_timeout (the pool's
  // conninfo() has one). cache must outlive the listener.
  PublicTimelineListener(const std::string& conninfo, PublicTimelineCache& cache);
  // Returns within about a quarter of a second (unless a connection attempt is under way).
  ~PublicTimelineListener();

  PublicTimelineListener(const PublicTimelineListener&) = delete;
  PublicTimelineListener& operator=(const PublicTimelineListener&) = delete;

 private:
  void Run();
  void Listen(pqxx::connection& connection);
  void Pause();

  const std::string conninfo_;
  PublicTimelineCache& cache_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_;
  std::thread thread_;  // last: starts once everything above is initialised
};

}  // namespace minitwit
