#include "sim/sim_api.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "http/json_text.hpp"
#include "http/url.hpp"
#include "service/accounts.hpp"
#include "sim/json_body.hpp"

namespace minitwit {
namespace {

using nlohmann::json;

constexpr int kDefaultLimit = 100;

std::string Dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

Response Forbidden() { return JsonError(403, "You are not authorized to use this resource!"); }
Response UnknownUser() { return JsonError(404, "User not found"); }
Response Busy() {
  return JsonError(503, "Too many registrations at once, try again shortly").AddHeader("Retry-After", "1");
}

// [{"content": ..., "pub_date": N, "user": ...}], written straight into one string: the
// busiest response, and a json tree of it cost an allocation per field.
std::string MessagesJson(const std::vector<Message>& messages) {
  std::string out;
  std::size_t size = 2;
  for (const auto& m : messages) size += m.text.size() + m.author.size() + 64;
  out.reserve(size);
  out.push_back('[');
  for (const auto& m : messages) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"content\":";
    AppendJsonString(out, m.text);
    out += ",\"pub_date\":";
    out += std::to_string(m.pub_date);
    out += ",\"user\":";
    AppendJsonString(out, m.author);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace

Response ServiceUnavailableJson() {
  return JsonError(503, "The database is unavailable, try again shortly").AddHeader("Retry-After", "1");
}

SimApi::SimApi(Repository& repository, const PasswordHasher& hasher, Clock clock, SimOptions options)
    : repository_(repository), hasher_(hasher), clock_(std::move(clock)), options_(std::move(options)) {}

bool SimApi::Authorized(const Request& request) const {
  const auto given = request.Header("authorization");
  const auto& expected = options_.authorization;
  return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

// ?no=N: the number of rows, at most max_rows; a missing, non-integer or negative value
// means the default.
int SimApi::Limit(const Request& request) const {
  const auto query = ParseFormEncoded(request.query);
  const auto it = query.find("no");
  if (it == query.end()) return std::min(kDefaultLimit, options_.max_rows);
  long long value = 0;
  const auto& text = it->second;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::min(kDefaultLimit, options_.max_rows);
  return static_cast<int>(std::min<long long>(value, options_.max_rows));
}

void SimApi::AddRoutes(Router& router) {
  const auto style = ErrorStyle::kJson;
  router.Add("GET", "/latest", [this](const Request&, const RouteParams&) { return Latest(); }, style);
  router.Add("GET", "/msgs", [this](const Request& r, const RouteParams&) { return Messages(r); }, style);
  router.Add("GET", "/msgs/<username>",
             [this](const Request& r, const RouteParams& p) { return UserMessages(r, p.at("username")); }, style);
  router.Add("POST", "/msgs/<username>",
             [this](const Request& r, const RouteParams& p) { return PostMessage(r, p.at("username")); }, style);
  router.Add("GET", "/fllws/<username>",
             [this](const Request& r, const RouteParams& p) { return Follows(r, p.at("username")); }, style);
  router.Add("POST", "/fllws/<username>",
             [this](const Request& r, const RouteParams& p) { return ChangeFollow(r, p.at("username")); }, style);
}

Response SimApi::Latest() {
  const auto latest = repository_.GetLatest();
  if (!latest.ok()) return ServiceUnavailableJson();
  return JsonResponse(200, Dump({{"latest", latest.value}}));
}

Response SimApi::Register(const Request& request) {
  const auto body = ParseJsonObject(request.body);
  if (!body.ok()) return JsonError(400, body.error);
  bool wrong_type = false;
  const auto username = StringField(body.value, "username", wrong_type);
  const auto email = StringField(body.value, "email", wrong_type);
  const auto password = StringField(body.value, "pwd", wrong_type);
  if (wrong_type) return JsonError(400, "username, email and pwd must be strings");
  if (auto error = CheckRegistration(username.value_or(""), email.value_or(""), password.value_or(""))) {
    return JsonError(400, *error);
  }
  switch (CreateAccount(repository_, hasher_, *username, *email, *password)) {
    case AccountCreation::kCreated: return EmptyResponse(204);
    case AccountCreation::kUsernameTaken: return JsonError(400, kUsernameTaken);
    case AccountCreation::kBusy: return Busy();
    case AccountCreation::kHashFailed: return JsonError(500, "Could not hash the password");
    case AccountCreation::kUnavailable: break;
  }
  return ServiceUnavailableJson();
}

Response SimApi::Messages(const Request& request) {
  if (!Authorized(request)) return Forbidden();
  const auto messages = repository_.PublicMessages(Limit(request));
  if (!messages.ok()) return ServiceUnavailableJson();
  return JsonResponse(200, MessagesJson(messages.value));
}

Response SimApi::ForUser(const Request& request, const std::string& username,
                         const std::function<Response(const User&)>& handle) {
  if (!Authorized(request)) return Forbidden();
  const auto user = repository_.FindUserByName(username);
  if (!user.ok()) return ServiceUnavailableJson();
  if (!user.value) return UnknownUser();
  return handle(*user.value);
}

Response SimApi::UserMessages(const Request& request, const std::string& username) {
  return ForUser(request, username, [&](const User& user) {
    const auto messages = repository_.UserMessages(user.id, Limit(request));
    if (!messages.ok()) return ServiceUnavailableJson();
    return JsonResponse(200, MessagesJson(messages.value));
  });
}

Response SimApi::PostMessage(const Request& request, const std::string& username) {
  return ForUser(request, username, [&](const User& user) {
    const auto body = ParseJsonObject(request.body);
    if (!body.ok()) return JsonError(400, body.error);
    bool wrong_type = false;
    const auto content = StringField(body.value, "content", wrong_type);
    if (wrong_type) return JsonError(400, "content must be a string");
    if (!content) return JsonError(400, "You have to give the message content");
    if (content->size() > options_.max_message_bytes) {
      return JsonError(413, "The message is too long (at most " + std::to_string(options_.max_message_bytes) +
                                " bytes of UTF-8)");
    }
    if (!repository_.AddMessage(user.id, *content, clock_()).ok()) return ServiceUnavailableJson();
    return EmptyResponse(204);
  });
}

Response SimApi::Follows(const Request& request, const std::string& username) {
  return ForUser(request, username, [&](const User& user) {
    const auto names = repository_.Following(user.id, Limit(request));
    if (!names.ok()) return ServiceUnavailableJson();
    return JsonResponse(200, Dump({{"follows", names.value}}));
  });
}

Response SimApi::ChangeFollow(const Request& request, const std::string& username) {
  return ForUser(request, username, [&](const User& user) {
    const auto body = ParseJsonObject(request.body);
    if (!body.ok()) return JsonError(400, body.error);
    bool wrong_type = false;
    const auto follow = StringField(body.value, "follow", wrong_type);
    const auto unfollow = StringField(body.value, "unfollow", wrong_type);
    if (wrong_type) return JsonError(400, "follow and unfollow must be strings");
    if (!follow && !unfollow) return JsonError(400, "You have to give either follow or unfollow");
    const auto target = repository_.FindUserByName(follow ? *follow : *unfollow);
    if (!target.ok()) return ServiceUnavailableJson();
    if (!target.value) return UnknownUser();
    const auto done = follow ? repository_.Follow(user.id, target.value->id)
                             : repository_.Unfollow(user.id, target.value->id);
    if (!done.ok()) return ServiceUnavailableJson();
    return EmptyResponse(204);
  });
}

}  // namespace minitwit
