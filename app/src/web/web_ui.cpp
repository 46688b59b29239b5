#include "web/web_ui.hpp"

#include "http/url.hpp"
#include "service/accounts.hpp"

namespace minitwit {
namespace {

constexpr int kPerPage = 30;

Response Unauthorized() { return HtmlResponse(401, RenderError(401, "Unauthorized", "Please sign in first.")); }
Response NotFound() { return HtmlResponse(404, RenderError(404, "Not Found", "No such user.")); }
Response Busy() {
  return HtmlResponse(503, RenderError(503, "Service Unavailable", "Too many sign-ins at once, try again shortly."))
      .AddHeader("Retry-After", "1");
}
Response CrossSite() {
  return HtmlResponse(403, RenderError(403, "Forbidden", "This request came from another site; it was not carried out."));
}
Response TooLong(std::size_t limit) {
  return HtmlResponse(413, RenderError(413, "Content Too Large",
                                       "The message is too long (at most " + std::to_string(limit) + " bytes)."));
}
Response BadForm() {
  return HtmlResponse(400, RenderError(400, "Bad Request", "The form is not valid UTF-8 text (or contains NUL)."));
}

}  // namespace

Response ServiceUnavailableHtml() {
  return HtmlResponse(503, RenderError(503, "Service Unavailable", "The database is unavailable, try again shortly."))
      .AddHeader("Retry-After", "1");
}

bool IsCrossSite(const Request& request) {
  const auto fetch_site = request.Header("sec-fetch-site");
  if (fetch_site == "cross-site" || fetch_site == "same-site") return true;
  const auto origin = request.Header("origin");
  if (origin.empty()) return false;
  // "scheme://host[:port]"; "null" (a sandboxed or privacy-sensitive context) is foreign.
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return true;
  return origin.substr(scheme_end + 3) != request.Header("host");
}

WebUi::WebUi(Repository& repository, const PasswordHasher& hasher, const SessionCookies& cookies, Clock clock,
             std::size_t max_message_bytes)
    : repository_(repository),
      hasher_(hasher),
      cookies_(cookies),
      clock_(std::move(clock)),
      max_message_bytes_(max_message_bytes) {}

void WebUi::AddRoutes(Router& router) {
  const auto style = ErrorStyle::kHtml;
  // Every route that changes state (the contract makes follow, unfollow and logout GETs).
  const auto same_site = [](RouteHandler handler) -> RouteHandler {
    return [handler = std::move(handler)](const Request& r, const RouteParams& p) {
      return IsCrossSite(r) ? CrossSite() : handler(r, p);
    };
  };
  router.Add("GET", "/", [this](const Request& r, const RouteParams&) { return Timeline(r); }, style);
  router.Add("GET", "/public", [this](const Request& r, const RouteParams&) { return PublicTimeline(r); }, style);
  router.Add("GET", "/login", [this](const Request& r, const RouteParams&) { return LoginPage(r); }, style);
  router.Add("POST", "/login", same_site([this](const Request& r, const RouteParams&) { return Login(r); }), style);
  router.Add("GET", "/register", [this](const Request& r, const RouteParams&) { return RegisterPage(r); }, style);
  router.Add("GET", "/logout", same_site([this](const Request& r, const RouteParams&) { return Logout(r); }), style);
  router.Add("POST", "/add_message",
             same_site([this](const Request& r, const RouteParams&) { return AddMessage(r); }), style);
  router.Add(
      "GET", "/static/style.css",
      [](const Request&, const RouteParams&) {
        Response response;
        response.content_type = "text/css; charset=utf-8";
        response.body = std::string(StyleSheet());
        response.AddHeader("Cache-Control", "public, max-age=3600");
        return response;
      },
      style);
  router.Add("GET", "/<username>",
             [this](const Request& r, const RouteParams& p) { return UserTimeline(r, p.at("username")); }, style);
  router.Add("GET", "/<username>/follow",
             same_site([this](const Request& r, const RouteParams& p) { return ChangeFollow(r, p.at("username"), true); }),
             style);
  router.Add(
      "GET", "/<username>/unfollow",
      same_site([this](const Request& r, const RouteParams& p) { return ChangeFollow(r, p.at("username"), false); }),
      style);
}

WebUi::Viewer WebUi::CurrentUser(const Request& request) {
  const auto id = cookies_.SessionId(request);
  if (!id) return {};
  const auto user = repository_.FindUserBySession(*id, clock_());
  if (!user.ok()) return {false, std::nullopt};
  return {true, user.value};
}

Response WebUi::Page(const Request& request, const std::optional<User>& user,
                     const std::function<std::string(const PageContext&)>& render) {
  PageContext context{user, cookies_.Flashes(request)};
  Response response = HtmlResponse(200, render(context));
  if (!context.flashes.empty()) response.AddHeader("Set-Cookie", cookies_.ClearFlashCookie());
  return response;
}

Response WebUi::WithFlash(const Request& request, Response response, std::string message) {
  auto flashes = cookies_.Flashes(request);
  flashes.push_back(std::move(message));
  response.AddHeader("Set-Cookie", cookies_.FlashCookie(flashes));
  return response;
}

Response WebUi::Timeline(const Request& request) {
  const auto viewer = CurrentUser(request);
  if (!viewer.ok) return ServiceUnavailableHtml();
  if (!viewer.user) return Redirect("/public");
  const auto messages = repository_.TimelineMessages(viewer.user->id, kPerPage);
  if (!messages.ok()) return ServiceUnavailableHtml();
  TimelineView view{TimelineKind::kMine, messages.value, std::nullopt, false};
  return Page(request, viewer.user, [&](const PageContext& c) { return RenderTimeline(c, view); });
}

Response WebUi::PublicTimeline(const Request& request) {
  const auto viewer = CurrentUser(request);
  if (!viewer.ok) return ServiceUnavailableHtml();
  const auto messages = repository_.PublicMessages(kPerPage);
  if (!messages.ok()) return ServiceUnavailableHtml();
  TimelineView view{TimelineKind::kPublic, messages.value, std::nullopt, false};
  return Page(request, viewer.user, [&](const PageContext& c) { return RenderTimeline(c, view); });
}

Response WebUi::UserTimeline(const Request& request, const std::string& username) {
  const auto viewer = CurrentUser(request);
  if (!viewer.ok) return ServiceUnavailableHtml();
  const auto profile = repository_.FindUserByName(username);
  if (!profile.ok()) return ServiceUnavailableHtml();
  if (!profile.value) return NotFound();
  TimelineView view{TimelineKind::kUser, {}, profile.value, false};
  if (viewer.user && viewer.user->id != profile.value->id) {
    const auto followed = repository_.IsFollowing(viewer.user->id, profile.value->id);
    if (!followed.ok()) return ServiceUnavailableHtml();
    view.followed = followed.value;
  }
  const auto messages = repository_.UserMessages(profile.value->id, kPerPage);
  if (!messages.ok()) return ServiceUnavailableHtml();
  view.messages = messages.value;
  return Page(request, viewer.user, [&](const PageContext& c) { return RenderTimeline(c, view); });
}

Response WebUi::ChangeFollow(const Request& request, const std::string& username, bool follow) {
  const auto viewer = CurrentUser(request);
  if (!viewer.ok) return ServiceUnavailableHtml();
  if (!viewer.user) return Unauthorized();
  const auto target = repository_.FindUserByName(username);
  if (!target.ok()) return ServiceUnavailableHtml();
  if (!target.value) return NotFound();
  const auto done = follow ? repository_.Follow(viewer.user->id, target.value->id)
                           : repository_.Unfollow(viewer.user->id, target.value->id);
  if (!done.ok()) return ServiceUnavailableHtml();
  std::string message = follow ? "You are now following \"" : "You are no longer following \"";
  message.append(username).push_back('"');
  // Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict) on "/" + std::string&&.
  std::string location = "/";
  location += PercentEncode(username);
  return WithFlash(request, Redirect(location), message);
}

Response WebUi::AddMessage(const Request& request) {
  const auto viewer = CurrentUser(request);
  if (!viewer.ok) return ServiceUnavailableHtml();
  if (!viewer.user) return Unauthorized();
  const auto form = ParseFormBody(request.body);
  if (!form) return BadForm();
  const auto text = form->find("text");
  if (text == form->end() || text->second.empty()) return Redirect("/");
  if (text->second.size() > max_message_bytes_) return TooLong(max_message_bytes_);
  if (!repository_.AddMessage(viewer.user->id, text->second, clock_()).ok()) return ServiceUnavailableHtml();
  return WithFlash(request, Redirect("/"), "Your message was recorded");
}

Response WebUi::LoginPage(const Request& request) {
  const auto viewer = CurrentUser(request);
  if (viewer.user) return Redirect("/");
  return Page(request, std::nullopt, [](const PageContext& c) { return RenderLogin(c, "", ""); });
}

Response WebUi::Login(const Request& request) {
  const auto viewer = CurrentUser(request);
  if (viewer.user) return Redirect("/");
  auto form = ParseFormBody(request.body);
  if (!form) return BadForm();
  const auto& username = (*form)["username"];
  const auto& password = (*form)["password"];
  const auto user = repository_.FindUserByName(username);
  if (!user.ok()) return ServiceUnavailableHtml();
  std::string error;
  if (!user.value) {
    error = "Invalid username";
  } else {
    const auto verified = hasher_.TryVerify(user.value->pw_hash, password);
    if (verified == VerifyResult::kBusy) return Busy();
    if (verified != VerifyResult::kMatch) error = "Invalid password";
  }
  if (!error.empty()) {
    return Page(request, std::nullopt, [&](const PageContext& c) { return RenderLogin(c, error, username); });
  }
  const auto session = NewSessionId();
  if (!session) return HtmlResponse(500, RenderError(500, "Internal Server Error", "No random session id"));
  const auto now = clock_();
  if (!repository_.CreateSession(*session, user.value->id, now, now + cookies_.session_ttl().count()).ok()) {
    return ServiceUnavailableHtml();
  }
  Response response = WithFlash(request, Redirect("/"), "You were logged in");
  response.AddHeader("Set-Cookie", cookies_.LoginCookie(*session));
  return response;
}

Response WebUi::RegisterPage(const Request& request) {
  const auto viewer = CurrentUser(request);
  if (viewer.user) return Redirect("/");
  return Page(request, std::nullopt, [](const PageContext& c) { return RenderRegister(c, "", "", ""); });
}

Response WebUi::Register(const Request& request) {
  if (IsCrossSite(request)) return CrossSite();
  const auto viewer = CurrentUser(request);
  if (viewer.user) return Redirect("/");
  // Invalid UTF-8 or NUL is refused whole, so nothing undecodable is stored or echoed
  // back into the re-rendered form.
  auto form = ParseFormBody(request.body);
  if (!form) return BadForm();
  const auto& username = (*form)["username"];
  const auto& email = (*form)["email"];
  const auto& password = (*form)["password"];
  std::string error;
  if (auto invalid = CheckRegistration(username, email, password)) {
    error = *invalid;
  } else if (password != (*form)["password2"]) {
    error = "The two passwords do not match";
  } else {
    switch (CreateAccount(repository_, hasher_, username, email, password)) {
      case AccountCreation::kCreated: break;
      case AccountCreation::kUsernameTaken: error = kUsernameTaken; break;
      case AccountCreation::kBusy: return Busy();
      case AccountCreation::kHashFailed: return HtmlResponse(500, RenderError(500, "Internal Server Error", "Could not hash"));
      case AccountCreation::kUnavailable: return ServiceUnavailableHtml();
    }
  }
  if (!error.empty()) {
    return Page(request, std::nullopt,
                [&](const PageContext& c) { return RenderRegister(c, error, username, email); });
  }
  return WithFlash(request, Redirect("/login"), "You were successfully registered and can login now");
}

Response WebUi::Logout(const Request& request) {
  // Revoked on the server: a copy of the cookie (another tab, a stolen one) ends too.
  if (const auto session = cookies_.SessionId(request)) {
    if (!repository_.DeleteSession(*session).ok()) return ServiceUnavailableHtml();
  }
  Response response = WithFlash(request, Redirect("/public"), "You were logged out");
  response.AddHeader("Set-Cookie", cookies_.LogoutCookie());
  return response;
}

}  // namespace minitwit
