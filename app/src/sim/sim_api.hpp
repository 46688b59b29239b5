#pragma once

#include <functional>
#include <string>

#include "crypto/password_hasher.hpp"
#include "http/router.hpp"
#include "service/clock.hpp"
#include "storage/repository.hpp"

namespace minitwit {

// The simulator's JSON API (MINITWIT.md, "Simulator API"). `latest` is recorded by the
// service before routing, so these handlers never see it.
class SimApi {
 public:
  SimApi(Repository& repository, const PasswordHasher& hasher, Clock clock);

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

  static bool Authorized(const Request& request);

 private:
  // Runs handle with the user named in the path of an authorized request; answers 403,
  // 503 or 404 itself when there is no such user to hand over.
  Response ForUser(const Request& request, const std::string& username,
                   const std::function<Response(const User&)>& handle);

  Repository& repository_;
  const PasswordHasher& hasher_;
  Clock clock_;
};

Response ServiceUnavailableJson();

}  // namespace minitwit
