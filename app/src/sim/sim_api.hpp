#pragma once

#include <functional>
#include <string>

#include "crypto/password_hasher.hpp"
#include "http/router.hpp"
#include "service/clock.hpp"
#include "storage/repository.hpp"

namespace minitwit {

// What the API accepts: the simulator's credentials and the bounds on what one request
// may store or ask for.
struct SimOptions {
  // The exact Authorization value the simulator sends (the course's by default).
  std::string authorization = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh";
  // A longer tweet is a 413; the course scenario's longest is 150 bytes.
  std::size_t max_message_bytes = 1024;
  // ?no= above this is served as this many rows, so no answer grows without bound
  // (1000 rows of the longest tweets and names stay near 1.3 MiB).
  int max_rows = 1000;
};

// The simulator's JSON API (MINITWIT.md, "Simulator API"). `latest` is recorded by the
// service before routing, so these handlers never see it.
class SimApi {
 public:
  SimApi(Repository& repository, const PasswordHasher& hasher, Clock clock, SimOptions options = {});

  // Adds GET /latest, GET+POST /msgs..., GET+POST /fllws/<username>. POST /register is
  // shared with the web UI; the service routes JSON bodies to Register().
  void AddRoutes(Router& router);

  Response Latest();
  Response Register(const Request& request);
  Response Messages(const Request& request);
  Response UserMessages(const Request& request, const std::string& username);
  Response PostMessage(const Request& request, const std::string& username);
  Response Follows(const Request& request, const std::string& username);
  Response ChangeFollow(const Request& request, const std::string& username);

  bool Authorized(const Request& request) const;

 private:
  // Runs handle with the user named in the path of an authorized request; answers 403,
  // 503 or 404 itself when there is no such user to hand over.
  Response ForUser(const Request& request, const std::string& username,
                   const std::function<Response(const User&)>& handle);
  int Limit(const Request& request) const;

  Repository& repository_;
  const PasswordHasher& hasher_;
  Clock clock_;
  SimOptions options_;
};

// 503 with Retry-After: the database did not answer.
Response ServiceUnavailableJson();

}  // namespace minitwit
