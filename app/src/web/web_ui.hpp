#pragma once

#include "crypto/password_hasher.hpp"
#include "http/router.hpp"
#include "service/clock.hpp"
#include "storage/repository.hpp"
#include "web/pages.hpp"
#include "web/session_cookie.hpp"

namespace minitwit {

// The server-rendered UI (MINITWIT.md, "Web UI").
class WebUi {
 public:
  WebUi(Repository& repository, const PasswordHasher& hasher, const SessionCookies& cookies, Clock clock);

  // Adds every UI route except POST /register, which the service shares with the API.
  void AddRoutes(Router& router);

  Response Timeline(const Request& request);
  Response PublicTimeline(const Request& request);
  Response UserTimeline(const Request& request, const std::string& username);
  Response ChangeFollow(const Request& request, const std::string& username, bool follow);
  Response AddMessage(const Request& request);
  Response LoginPage(const Request& request);
  Response Login(const Request& request);
  Response RegisterPage(const Request& request);
  Response Register(const Request& request);
  Response Logout(const Request& request);

 private:
  struct Viewer {
    bool ok = true;  // false: the database did not answer
    std::optional<User> user;
  };
  Viewer CurrentUser(const Request& request);
  // Renders with the pending flashes and clears them.
  Response Page(const Request& request, const std::optional<User>& user,
                const std::function<std::string(const PageContext&)>& render);
  // Adds a flash (kept in the cookie until the next rendered page).
  Response WithFlash(const Request& request, Response response, std::string message);

  Repository& repository_;
  const PasswordHasher& hasher_;
  const SessionCookies& cookies_;
  Clock clock_;
};

Response ServiceUnavailableHtml();

}  // namespace minitwit
