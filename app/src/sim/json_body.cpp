#include "sim/json_body.hpp"

namespace minitwit {

JsonObject ParseJsonObject(std::string_view body) {
  JsonObject result;
  result.value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (result.value.is_discarded()) {
    result.error = "Malformed JSON body";
  } else if (!result.value.is_object()) {
    result.error = "The JSON body must be an object";
  }
  return result;
}

std::optional<std::string> StringField(const nlohmann::json& object, const std::string& key, bool& wrong_type) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  // PostgreSQL text cannot hold NUL, so such a string is as unusable as a number.
  if (!it->is_string() || it->get_ref<const std::string&>().find('\0') != std::string::npos) {
    wrong_type = true;
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace minitwit
