#pragma once

// Small readers of a spec's JSON shared by the parsers of its parts (pod settings, expose).
// They throw FieldError with the field's path; MiniTwitFromJson turns it into Parsed::error.

#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace minitwit::api {

struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The member `key` of `object`, or nullptr when absent or null.
const nlohmann::json* SpecField(const nlohmann::json& object, const char* key);
std::string SpecString(const nlohmann::json& object, const char* key, const std::string& path, std::string fallback);
// A map of strings (labels, annotations, nodeSelector); absent: empty.
std::map<std::string, std::string> SpecStringMap(const nlohmann::json& object, const char* key,
                                                 const std::string& path);
// A list of objects, passed through as JSON; absent: an empty array.
nlohmann::json SpecObjectList(const nlohmann::json& object, const char* key, const std::string& path);

// RFC 1123 subdomain (Secret, Ingress class and host names).
bool IsDnsSubdomainName(const std::string& name);
// A label or annotation key: an optional DNS-subdomain prefix and "/", then a name of at most
// 63 characters of [A-Za-z0-9_.-] starting and ending alphanumeric.
bool IsQualifiedName(const std::string& key);
// A label value: empty, or at most 63 characters of [A-Za-z0-9_.-] starting and ending alphanumeric.
bool IsLabelValue(const std::string& value);

}  // namespace minitwit::api
