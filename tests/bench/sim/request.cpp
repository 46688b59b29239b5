#include "sim/request.hpp"

#include <nlohmann/json.hpp>

namespace minitwit::sim {
namespace {

std::string Dump(const nlohmann::ordered_json& body) {
  // Python's json.dumps: ", " and ": " separators, ensure_ascii. Invalid UTF-8 is replaced
  // rather than thrown, so one bad scenario line costs a request, not the run.
  std::string compact = body.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  std::string spaced;
  spaced.reserve(compact.size() + 8);
  bool in_string = false;
  bool escaped = false;
  for (char c : compact) {
    spaced += c;
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ',' || c == ':') {
      spaced += ' ';
    }
  }
  return spaced;
}

std::string WithLatest(std::string path, std::int64_t id) {
  return path + "?latest=" + std::to_string(id);
}

}  // namespace

std::string EncodePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size() * 3);
  for (char raw : segment) {
    const auto c = static_cast<unsigned char>(raw);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += raw;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

RequestSpec BuildActionRequest(const Action& action, std::string_view base_path) {
  RequestSpec spec;
  spec.kind = ToRequestKind(action.kind);
  spec.post = true;
  spec.id = action.id;
  const std::string base(base_path);
  nlohmann::ordered_json body;
  switch (action.kind) {
    case ActionKind::kRegister:
      spec.target = WithLatest(base + "/register", action.id);
      body["username"] = action.user;
      body["email"] = action.argument;
      body["pwd"] = action.password;
      break;
    case ActionKind::kTweet:
      spec.target = WithLatest(base + "/msgs/" + EncodePathSegment(action.user), action.id);
      body["content"] = action.argument;
      break;
    case ActionKind::kFollow:
    case ActionKind::kUnfollow:
      spec.target = WithLatest(base + "/fllws/" + EncodePathSegment(action.user), action.id);
      body[action.kind == ActionKind::kFollow ? "follow" : "unfollow"] = action.argument;
      break;
  }
  spec.body = Dump(body);
  return spec;
}

RequestSpec BuildReadMsgsRequest(std::string_view base_path, int count) {
  RequestSpec spec;
  spec.kind = RequestKind::kReadMsgs;
  spec.target = std::string(base_path) + "/msgs?no=" + std::to_string(count);
  return spec;
}

RequestSpec BuildPublicRequest(std::string_view base_path) {
  RequestSpec spec;
  spec.kind = RequestKind::kReadPublic;
  spec.target = std::string(base_path) + "/public";
  return spec;
}

RequestSpec BuildLatestRequest(std::string_view base_path) {
  RequestSpec spec;
  spec.kind = RequestKind::kLatest;
  spec.target = std::string(base_path) + "/latest";
  return spec;
}

std::optional<std::int64_t> ParseLatestBody(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  const auto it = json.find("latest");
  if (it == json.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

}  // namespace minitwit::sim
