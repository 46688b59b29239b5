#include "web/html.hpp"

#include <gtest/gtest.h>

#include "web/pages.hpp"

namespace minitwit {
namespace {

TEST(EscapeHtmlTest, EscapesLikeJinja) {
  EXPECT_EQ(EscapeHtml("<script>alert(\"x\") & 'y'</script>"),
            "&lt;script&gt;alert(&#34;x&#34;) &amp; &#39;y&#39;&lt;/script&gt;");
  EXPECT_EQ(EscapeHtml("plain \xC3\xA6\xC3\xB8\xC3\xA5"), "plain \xC3\xA6\xC3\xB8\xC3\xA5");
}

TEST(FormatPubDateTest, IsUtc) {
  EXPECT_EQ(FormatPubDate(0), "1970-01-01 @ 00:00");
  EXPECT_EQ(FormatPubDate(1700000000), "2023-11-14 @ 22:13");
}

TEST(GravatarTest, UsesTrimmedLowercaseEmail) {
  // md5("myemailaddress@example.com"), Gravatar's documented example.
  EXPECT_EQ(GravatarUrl("  MyEmailAddress@example.com ", 48),
            "http://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=identicon&s=48");
}

TEST(PagesTest, TimelineEscapesUserTextAndShowsFlashes) {
  PageContext context{User{1, "al<i>ce", "a@b.c", ""}, {"You are now following \"bob\""}};
  TimelineView view;
  view.kind = TimelineKind::kMine;
  view.messages.push_back({1, "Roger Histand", "r@x", "<b>hi</b> & \"q\"", 0});
  const auto html = RenderTimeline(context, view);
  EXPECT_NE(html.find("<title>My Timeline | MiniTwit</title>"), std::string::npos);
  EXPECT_NE(html.find("<ul class=flashes>\n    <li>You are now following &#34;bob&#34;\n"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;hi&lt;/b&gt; &amp; &#34;q&#34;"), std::string::npos);
  EXPECT_EQ(html.find("<b>hi</b>"), std::string::npos);
  EXPECT_NE(html.find("<strong><a href=\"/Roger%20Histand\">Roger Histand</a></strong>"), std::string::npos);
  EXPECT_NE(html.find("<small>&mdash; 1970-01-01 @ 00:00</small>"), std::string::npos);
  EXPECT_NE(html.find("What's on your mind al&lt;i&gt;ce?"), std::string::npos);
  EXPECT_NE(html.find("sign out [al&lt;i&gt;ce]"), std::string::npos);
}

TEST(PagesTest, EmptyTimelineAndLoggedOutNavigation) {
  const auto html = RenderTimeline(PageContext{}, TimelineView{});
  EXPECT_NE(html.find("There's no message so far."), std::string::npos);
  EXPECT_NE(html.find("public timeline</a> |\n    <a href=\"/register\">sign up</a> |"), std::string::npos);
  EXPECT_EQ(html.find("<ul class=flashes>"), std::string::npos);
}

TEST(PagesTest, RegisterFormFieldsInOrder) {
  const auto html = RenderRegister(PageContext{}, "The two passwords do not match", "u\"", "e");
  const auto username = html.find("name=username");
  const auto email = html.find("name=email");
  const auto password = html.find("name=password ");
  const auto password2 = html.find("name=password2");
  ASSERT_NE(password2, std::string::npos);
  EXPECT_LT(username, email);
  EXPECT_LT(email, password);
  EXPECT_LT(password, password2);
  EXPECT_NE(html.find("<div class=actions><input type=submit"), std::string::npos);
  EXPECT_NE(html.find("value=\"u&#34;\""), std::string::npos);
  EXPECT_NE(html.find("<strong>Error:</strong> The two passwords do not match"), std::string::npos);
}

}  // namespace
}  // namespace minitwit
