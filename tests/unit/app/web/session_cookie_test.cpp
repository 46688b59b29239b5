#include "web/session_cookie.hpp"

#include <gtest/gtest.h>

namespace minitwit {
namespace {

Request WithCookie(const std::string& set_cookie) {
  // Turn "name=value; Path=/..." into the Cookie header a browser sends back.
  Request request;
  request.headers.emplace_back("cookie", "other=1; " + set_cookie.substr(0, set_cookie.find(';')));
  return request;
}

TEST(SessionCookiesTest, LoginCookieRoundTripsAndIsHttpOnly) {
  SessionCookies cookies(Signer("0123456789abcdef-secret"));
  const auto set_cookie = cookies.LoginCookie("s1");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Max-Age=604800"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);
  EXPECT_EQ(cookies.SessionId(WithCookie(set_cookie)), "s1");
}

TEST(SessionCookiesTest, SecureWhenServedOverTls) {
  SessionCookies cookies(Signer("0123456789abcdef-secret"), CookieOptions{std::chrono::seconds(60), true});
  EXPECT_NE(cookies.LoginCookie("s1").find("; Secure"), std::string::npos);
  EXPECT_NE(cookies.LoginCookie("s1").find("Max-Age=60"), std::string::npos);
  EXPECT_NE(cookies.LogoutCookie().find("; Secure"), std::string::npos);
  EXPECT_NE(cookies.FlashCookie({"x"}).find("; Secure"), std::string::npos);
}

TEST(SessionCookiesTest, SessionIdsAreRandom) {
  const auto a = NewSessionId();
  const auto b = NewSessionId();
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->size(), 43u);  // 256 bits in base64url
}

TEST(SessionCookiesTest, ForgedOrForeignCookiesReadAsLoggedOut) {
  SessionCookies cookies(Signer("0123456789abcdef-secret"));
  SessionCookies other(Signer("another-secret-0123456789"));
  EXPECT_FALSE(cookies.SessionId(WithCookie(other.LoginCookie("s1"))));
  EXPECT_FALSE(cookies.SessionId(WithCookie("session=czE.invalid")));
  EXPECT_FALSE(cookies.SessionId(Request{}));
  // A flash token cannot be replayed as a session.
  auto flash = cookies.FlashCookie({"42"});
  flash.replace(0, 5, "session");
  EXPECT_FALSE(cookies.SessionId(WithCookie(flash)));
}

TEST(SessionCookiesTest, FlashesRoundTrip) {
  SessionCookies cookies(Signer("0123456789abcdef-secret"));
  const std::vector<std::string> flashes = {"You were logged in", "You are now following \"Roger Histand\""};
  EXPECT_EQ(cookies.Flashes(WithCookie(cookies.FlashCookie(flashes))), flashes);
  EXPECT_NE(cookies.ClearFlashCookie().find("Max-Age=0"), std::string::npos);
}

TEST(CookieValueTest, FindsNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; session=xyz; b=2", "session"), "xyz");
  EXPECT_FALSE(CookieValue("a=1; mysession=xyz", "session"));
}

}  // namespace
}  // namespace minitwit
