#include "web/pages.hpp"

#include "http/url.hpp"
#include "web/html.hpp"

namespace minitwit {
namespace {

std::string UserLink(std::string_view username) { return "/" + PercentEncode(username); }

std::string Layout(const PageContext& context, std::string_view title_html, std::string_view body) {
  std::string out;
  out.reserve(2048 + body.size());
  out += "<!doctype html>\n<title>";
  out += title_html;
  out += " | MiniTwit</title>\n<link rel=stylesheet type=text/css href=\"/static/style.css\">\n";
  out += "<div class=page>\n  <h1>MiniTwit</h1>\n  <div class=navigation>\n";
  if (context.user) {
    out += "    <a href=\"/\">my timeline</a> |\n    <a href=\"/public\">public timeline</a> |\n";
    out += "    <a href=\"/logout\">sign out [" + EscapeHtml(context.user->username) + "]</a>\n";
  } else {
    out += "    <a href=\"/public\">public timeline</a> |\n    <a href=\"/register\">sign up</a> |\n";
    out += "    <a href=\"/login\">sign in</a>\n";
  }
  out += "  </div>\n";
  if (!context.flashes.empty()) {
    out += "  <ul class=flashes>\n";
    for (const auto& flash : context.flashes) out += "    <li>" + EscapeHtml(flash) + "\n";
    out += "  </ul>\n";
  }
  out += "  <div class=body>\n";
  out += body;
  out += "  </div>\n  <div class=footer>\n    MiniTwit &mdash; A C++ Application\n  </div>\n</div>\n";
  return out;
}

std::string ErrorBox(std::string_view error) {
  if (error.empty()) return "";
  return "  <div class=error><strong>Error:</strong> " + EscapeHtml(error) + "</div>\n";
}

}  // namespace

std::string RenderTimeline(const PageContext& context, const TimelineView& view) {
  std::string title;
  switch (view.kind) {
    case TimelineKind::kPublic: title = "Public Timeline"; break;
    case TimelineKind::kMine: title = "My Timeline"; break;
    case TimelineKind::kUser: title = EscapeHtml(view.profile->username) + "'s Timeline"; break;
  }
  std::string body = "  <h2>" + title + "</h2>\n";
  if (context.user) {
    if (view.kind == TimelineKind::kUser) {
      body += "  <div class=followstatus>\n";
      const auto link = UserLink(view.profile->username);
      if (context.user->id == view.profile->id) {
        body += "    This is you!\n";
      } else if (view.followed) {
        body += "    You are currently following this user.\n    <a class=unfollow href=\"" + link +
                "/unfollow\">Unfollow user</a>.\n";
      } else {
        body += "    You are not yet following this user.\n    <a class=follow href=\"" + link +
                "/follow\">Follow user</a>.\n";
      }
      body += "  </div>\n";
    } else if (view.kind == TimelineKind::kMine) {
      body += "  <div class=twitbox>\n    <h3>What's on your mind " + EscapeHtml(context.user->username) +
              "?</h3>\n    <form action=\"/add_message\" method=post>\n"
              "      <p><input type=text name=text size=60><!--\n      --><input type=submit value=\"Share\">\n"
              "    </form>\n  </div>\n";
    }
  }
  body += "  <ul class=messages>\n";
  std::size_t size = body.size();
  for (const auto& message : view.messages) size += 256 + 2 * message.author.size() + message.text.size();
  body.reserve(size);
  for (const auto& message : view.messages) {
    body += "    <li><img src=\"";
    AppendEscapedHtml(body, GravatarUrl(message.email, 48));
    body += "\"><p>\n      <strong><a href=\"";
    AppendEscapedHtml(body, UserLink(message.author));
    body += "\">";
    AppendEscapedHtml(body, message.author);
    body += "</a></strong>\n      ";
    AppendEscapedHtml(body, message.text);
    body += "\n      <small>&mdash; ";
    body += FormatPubDate(message.pub_date);
    body += "</small>\n";
  }
  if (view.messages.empty()) body += "    <li><em>There's no message so far.</em>\n";
  body += "  </ul>\n";
  return Layout(context, title, body);
}

std::string RenderLogin(const PageContext& context, std::string_view error, std::string_view username) {
  std::string body = "  <h2>Sign In</h2>\n" + ErrorBox(error);
  body +=
      "  <form action=\"\" method=post>\n    <dl>\n      <dt>Username:\n"
      "      <dd><input type=text name=username size=30 value=\"" +
      EscapeHtml(username) +
      "\">\n      <dt>Password:\n      <dd><input type=password name=password size=30>\n    </dl>\n"
      "    <div class=actions><input type=submit value=\"Sign In\"></div>\n  </form>\n";
  return Layout(context, "Sign In", body);
}

std::string RenderRegister(const PageContext& context, std::string_view error, std::string_view username,
                           std::string_view email) {
  std::string body = "  <h2>Sign Up</h2>\n" + ErrorBox(error);
  body +=
      "  <form action=\"\" method=post>\n    <dl>\n      <dt>Username:\n"
      "      <dd><input type=text name=username size=30 value=\"" +
      EscapeHtml(username) +
      "\">\n      <dt>E-Mail:\n      <dd><input type=text name=email size=30 value=\"" + EscapeHtml(email) +
      "\">\n      <dt>Password:\n      <dd><input type=password name=password size=30>\n"
      "      <dt><small>Password <small>(repeat)</small>:</small>\n"
      "      <dd><input type=password name=password2 size=30>\n    </dl>\n"
      "    <div class=actions><input type=submit value=\"Sign Up\"></div>\n  </form>\n";
  return Layout(context, "Sign Up", body);
}

std::string RenderError(int status, std::string_view title, std::string_view text) {
  return "<!doctype html>\n<title>" + std::to_string(status) + " " + EscapeHtml(title) + "</title>\n<h1>" +
         EscapeHtml(title) + "</h1>\n<p>" + EscapeHtml(text) + "</p>\n";
}

}  // namespace minitwit
