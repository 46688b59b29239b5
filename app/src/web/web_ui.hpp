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
  // max_message_bytes bounds a posted message as the API does.
  WebUi(Repository& repository, const PasswordHasher& hasher, const SessionCookies& cookies, Clock clock,
        std::size_t max_message_bytes = 1024);

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
  std::size_t max_message_bytes_;
};

// 503 with Retry-After: the database did not answer.
Response ServiceUnavailableHtml();

// Whether a browser says that another site started this request: Sec-Fetch-Site is
// "cross-site" or "same-site" (a sibling subdomain is another party too), or an Origin
// names another host than the request's Host. A client that sends neither header (the
// course's tests, curl, old browsers) is not refused: the contract has them post the forms
// and follow the links without tokens; SameSite=Strict on the session cookie covers the
// browsers that send no Sec-Fetch-Site.
bool IsCrossSite(const Request& request);

}  // namespace minitwit
