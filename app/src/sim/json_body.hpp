#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace minitwit {

// A request body that must be a JSON object. error is set (a user-facing message for
// the 400 body) when it is not.
struct JsonObject {
  nlohmann::json value;
  std::string error;
  bool ok() const { return error.empty(); }
};

JsonObject ParseJsonObject(std::string_view body);

// The key's string value; nullopt when the key is missing. wrong_type is set when the
// key is present but not a string (or holds a NUL character).
std::optional<std::string> StringField(const nlohmann::json& object, const std::string& key, bool& wrong_type);

}  // namespace minitwit
