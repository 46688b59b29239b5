// The UI flows of the original MiniTwit test-suite, against the real binary.
#include <map>

#include "support/app_fixture.hpp"

namespace minitwit::testing {
namespace {

std::string FormEncode(const std::map<std::string, std::string>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    out += key + "=";
    for (const unsigned char c : value) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  }
  return out;
}

// A browser: keeps cookies and follows redirects.
class Browser {
 public:
  explicit Browser(unsigned short port) : port_(port) {}

  HttpResult Get(const std::string& path, bool follow = true) { return Send("GET", path, "", follow); }
  HttpResult Post(const std::string& path, const std::map<std::string, std::string>& form, bool follow = true) {
    return Send("POST", path, FormEncode(form), follow);
  }

 private:
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body, bool follow) {
    Headers headers;
    if (method == "POST") headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    std::string cookie;
    for (const auto& [name, value] : jar_) cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    auto result = Http(port_, method, path, body, headers);
    for (const auto& set_cookie : result.SetCookies()) {
      const auto eq = set_cookie.find('=');
      const auto name = set_cookie.substr(0, eq);
      const auto value = set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1);
      if (set_cookie.find("Max-Age=0") != std::string::npos) {
        jar_.erase(name);
      } else {
        jar_[name] = value;
      }
    }
    if (follow && (result.status == 302 || result.status == 303)) return Send("GET", result.Header("Location"), "", true);
    return result;
  }
  unsigned short port_;
  std::map<std::string, std::string> jar_;
};

bool Has(const HttpResult& result, const std::string& text) { return result.body.find(text) != std::string::npos; }

class WebUiIT : public AppTest {
 protected:
  HttpResult Register(Browser& browser, const std::string& username, const std::string& password,
                      std::optional<std::string> password2 = std::nullopt, std::optional<std::string> email = std::nullopt) {
    return browser.Post("/register", {{"username", username},
                                      {"password", password},
                                      {"password2", password2.value_or(password)},
                                      {"email", email.value_or(username + "@example.com")}});
  }
  HttpResult Login(Browser& browser, const std::string& username, const std::string& password) {
    return browser.Post("/login", {{"username", username}, {"password", password}});
  }
};

TEST_F(WebUiIT, RegisterWithEachValidationError) {
  Browser browser(app_->port());
  auto page = browser.Get("/register");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page, "<title>Sign Up | MiniTwit</title>"));
  EXPECT_TRUE(Has(Register(browser, "user1", "default"), "You were successfully registered and can login now"));
  EXPECT_TRUE(Has(Register(browser, "user1", "default"), "The username is already taken"));
  EXPECT_TRUE(Has(Register(browser, "", "default"), "You have to enter a username"));
  EXPECT_TRUE(Has(Register(browser, "meh", ""), "You have to enter a password"));
  EXPECT_TRUE(Has(Register(browser, "meh", "x", "y"), "The two passwords do not match"));
  EXPECT_TRUE(Has(Register(browser, "meh", "foo", std::nullopt, "broken"), "You have to enter a valid email address"));
}

TEST_F(WebUiIT, LoginAndLogout) {
  Browser browser(app_->port());
  Register(browser, "user1", "default");
  auto page = Login(browser, "user1", "default");
  EXPECT_TRUE(Has(page, "You were logged in"));
  EXPECT_TRUE(Has(page, "<title>My Timeline | MiniTwit</title>"));
  EXPECT_TRUE(Has(page, "sign out [user1]"));
  // The flash shows once.
  EXPECT_FALSE(Has(browser.Get("/"), "You were logged in"));
  page = browser.Get("/logout");
  EXPECT_TRUE(Has(page, "You were logged out"));
  EXPECT_TRUE(Has(page, "<title>Public Timeline | MiniTwit</title>"));
  EXPECT_TRUE(Has(page, "sign in"));
  EXPECT_TRUE(Has(Login(browser, "user1", "wrongpassword"), "Invalid password"));
  EXPECT_TRUE(Has(Login(browser, "user2", "wrongpassword"), "Invalid username"));
  // Logged out, "/" goes to the public timeline.
  const auto root = browser.Get("/", false);
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.Header("Location"), "/public");
}

TEST_F(WebUiIT, MessageRecordingEscapesHtml) {
  Browser browser(app_->port());
  Register(browser, "foo", "default");
  Login(browser, "foo", "default");
  auto page = browser.Post("/add_message", {{"text", "test message 1"}});
  EXPECT_TRUE(Has(page, "Your message was recorded"));
  browser.Post("/add_message", {{"text", "<test message 2>"}});
  page = browser.Get("/");
  EXPECT_TRUE(Has(page, "test message 1"));
  EXPECT_TRUE(Has(page, "&lt;test message 2&gt;"));
  EXPECT_FALSE(Has(page, "<test message 2>"));
  EXPECT_TRUE(Has(page, "<ul class=messages>"));
  EXPECT_TRUE(Has(page, "<strong><a href=\"/foo\">foo</a></strong>"));
  EXPECT_TRUE(Has(page, "?d=identicon&amp;s=48"));
  EXPECT_TRUE(Has(page, "<small>&mdash; "));
  EXPECT_TRUE(Has(page, "What's on your mind foo?"));
  // Logged out: 401.
  Browser stranger(app_->port());
  EXPECT_EQ(stranger.Post("/add_message", {{"text", "x"}}, false).status, 401);
}

TEST_F(WebUiIT, TimelinesBeforeAndAfterFollowAndUnfollow) {
  Browser browser(app_->port());
  Register(browser, "foo", "default");
  Login(browser, "foo", "default");
  browser.Post("/add_message", {{"text", "the message by foo"}});
  browser.Get("/logout");
  Register(browser, "bar", "default");
  Login(browser, "bar", "default");
  browser.Post("/add_message", {{"text", "the message by bar"}});

  auto page = browser.Get("/public");
  EXPECT_TRUE(Has(page, "the message by foo"));
  EXPECT_TRUE(Has(page, "the message by bar"));
  page = browser.Get("/");
  EXPECT_FALSE(Has(page, "the message by foo"));
  EXPECT_TRUE(Has(page, "the message by bar"));

  page = browser.Get("/foo/follow");
  EXPECT_TRUE(Has(page, "You are now following &#34;foo&#34;"));
  EXPECT_TRUE(Has(page, "You are currently following this user."));
  EXPECT_TRUE(Has(page, "Unfollow user"));
  page = browser.Get("/");
  EXPECT_TRUE(Has(page, "the message by foo"));
  EXPECT_TRUE(Has(page, "the message by bar"));

  page = browser.Get("/bar");
  EXPECT_FALSE(Has(page, "the message by foo"));
  EXPECT_TRUE(Has(page, "the message by bar"));
  EXPECT_TRUE(Has(page, "This is you!"));
  EXPECT_TRUE(Has(page, "<title>bar's Timeline | MiniTwit</title>"));
  page = browser.Get("/foo");
  EXPECT_TRUE(Has(page, "the message by foo"));
  EXPECT_FALSE(Has(page, "the message by bar"));

  page = browser.Get("/foo/unfollow");
  EXPECT_TRUE(Has(page, "You are no longer following &#34;foo&#34;"));
  EXPECT_TRUE(Has(page, "You are not yet following this user."));
  EXPECT_FALSE(Has(browser.Get("/"), "the message by foo"));

  EXPECT_EQ(browser.Get("/nobody/follow", false).status, 404);
  EXPECT_EQ(browser.Get("/nobody", false).status, 404);
  Browser stranger(app_->port());
  EXPECT_EQ(stranger.Get("/foo/follow", false).status, 401);
  EXPECT_EQ(stranger.Get("/foo/unfollow", false).status, 401);
  EXPECT_EQ(stranger.Get("/foo", false).status, 200);
}

TEST_F(WebUiIT, NamesWithSpacesAndNonAsciiMessages) {
  RegisterUser("Roger Histand");
  const std::string text = "\xC3\x86r\xC3\xB8 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x9A\x80";
  ASSERT_EQ(SimPost("/msgs/Roger%20Histand", nlohmann::json{{"content", text}}.dump()).status, 204);
  Browser browser(app_->port());
  const auto page = browser.Get("/Roger%20Histand");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page, text));
  EXPECT_TRUE(Has(page, "<a href=\"/Roger%20Histand\">Roger Histand</a>"));
  Register(browser, "S\xC3\xA9" "bastien Grosh", "pw");
  EXPECT_TRUE(Has(Login(browser, "S\xC3\xA9" "bastien Grosh", "pw"), "sign out [S\xC3\xA9" "bastien Grosh]"));
  EXPECT_TRUE(Has(browser.Get("/Roger%20Histand/follow"), "You are now following &#34;Roger Histand&#34;"));
}

TEST_F(WebUiIT, CookiesAreSignedAndHttpOnly) {
  Browser browser(app_->port());
  Register(browser, "foo", "default");
  const auto login = Http(app_->port(), "POST", "/login", "username=foo&password=default",
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(login.status, 302);
  bool saw_session = false;
  for (const auto& cookie : login.SetCookies()) {
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    saw_session = saw_session || cookie.starts_with("session=");
  }
  EXPECT_TRUE(saw_session);
  // A forged session cookie is ignored.
  const auto forged = Http(app_->port(), "GET", "/", "", {{"Cookie", "session=MQ.AAAA"}});
  EXPECT_EQ(forged.status, 302);
  EXPECT_EQ(forged.Header("Location"), "/public");
}

// A session lives on the server: logout, a password change (here by SQL, as an operator
// would) and the end of SESSION_TTL each end it, whoever holds a copy of the cookie.
TEST_F(WebUiIT, SessionsEndWithLogoutAndPasswordChange) {
  Browser browser(app_->port());
  Register(browser, "foo", "default");
  const auto login = [&] {
    const auto result = Http(app_->port(), "POST", "/login", "username=foo&password=default",
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
    for (const auto& cookie : result.SetCookies()) {
      if (cookie.starts_with("session=")) return cookie.substr(0, cookie.find(';'));
    }
    return std::string();
  };
  const auto logged_in = [&](const std::string& cookie) {
    return Http(app_->port(), "GET", "/", "", {{"Cookie", cookie}}).status == 200;
  };
  const auto first = login();
  const auto second = login();
  ASSERT_FALSE(first.empty());
  EXPECT_NE(first, second) << "every login must get a session of its own";
  EXPECT_TRUE(logged_in(first));
  EXPECT_EQ(Http(app_->port(), "GET", "/logout", "", {{"Cookie", first}}).status, 302);
  EXPECT_FALSE(logged_in(first)) << "logout did not revoke the session";
  EXPECT_TRUE(logged_in(second));
  database_->Scalar("UPDATE users SET pw_hash = 'changed' WHERE username = 'foo'");
  EXPECT_FALSE(logged_in(second)) << "a password change did not revoke the session";
}

// A page of another site cannot make a logged-in user's browser follow, post or log
// out; the contract's direct requests (no Origin, no Sec-Fetch-Site) still work.
TEST_F(WebUiIT, ForgedCrossSiteRequestsAreRefused) {
  Browser browser(app_->port());
  Register(browser, "foo", "default");
  Register(browser, "bar", "default");
  const auto login = Http(app_->port(), "POST", "/login", "username=foo&password=default",
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  std::string session;
  for (const auto& cookie : login.SetCookies()) {
    if (cookie.starts_with("session=")) session = cookie.substr(0, cookie.find(';'));
  }
  const Headers forged = {{"Cookie", session}, {"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"},
                          {"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(Http(app_->port(), "GET", "/bar/follow", "", forged).status, 403);
  EXPECT_EQ(Http(app_->port(), "POST", "/add_message", "text=forged", forged).status, 403);
  EXPECT_EQ(Http(app_->port(), "GET", "/logout", "", forged).status, 403);
  EXPECT_EQ(database_->Scalar("SELECT count(*) FROM followers"), "0");
  EXPECT_EQ(database_->Scalar("SELECT count(*) FROM messages"), "0");
  // The harness sends "Host: 127.0.0.1"; a browser's Origin names the same host.
  const Headers own_page = {{"Cookie", session}, {"Sec-Fetch-Site", "same-origin"}, {"Origin", "http://127.0.0.1"},
                            {"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(Http(app_->port(), "GET", "/bar/follow", "", own_page).status, 302);
  EXPECT_EQ(Http(app_->port(), "POST", "/add_message", "text=mine", own_page).status, 302);
  EXPECT_EQ(database_->Scalar("SELECT count(*) FROM followers"), "1");
  EXPECT_EQ(database_->Scalar("SELECT count(*) FROM messages"), "1");
}

TEST_F(WebUiIT, StaticStylesheetIsServed) {
  const auto css = Http(app_->port(), "GET", "/static/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_NE(css.Header("Content-Type").find("text/css"), std::string::npos);
  EXPECT_NE(css.body.find("ul.flashes"), std::string::npos);
}

}  // namespace
}  // namespace minitwit::testing
