#include "api/spec_reader.hpp"

#include <cctype>

namespace minitwit::api {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// [A-Za-z0-9_.-]{0,63}, alphanumeric at both ends.
bool IsQualifiedPart(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) return false;
  for (char c : name) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

const nlohmann::json* SpecField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string SpecString(const nlohmann::json& object, const char* key, const std::string& path, std::string fallback) {
  const nlohmann::json* value = SpecField(object, key);
  if (!value) return fallback;
  if (!value->is_string()) throw FieldError(path + "." + key + " must be a string");
  return value->get<std::string>();
}

std::map<std::string, std::string> SpecStringMap(const nlohmann::json& object, const char* key,
                                                 const std::string& path) {
  std::map<std::string, std::string> result;
  const nlohmann::json* value = SpecField(object, key);
  if (!value) return result;
  if (!value->is_object()) throw FieldError(path + "." + key + " must be a map of strings");
  for (const auto& [name, item] : value->items()) {
    if (!item.is_string()) throw FieldError(path + "." + key + "." + name + " must be a string");
    result[name] = item.get<std::string>();
  }
  return result;
}

nlohmann::json SpecObjectList(const nlohmann::json& object, const char* key, const std::string& path) {
  const nlohmann::json* value = SpecField(object, key);
  if (!value) return nlohmann::json::array();
  if (!value->is_array()) throw FieldError(path + "." + key + " must be a list");
  for (size_t i = 0; i < value->size(); ++i) {
    if (!(*value)[i].is_object()) {
      throw FieldError(path + "." + key + "[" + std::to_string(i) + "] must be an object");
    }
  }
  return *value;
}

bool IsDnsSubdomainName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-' && c != '.') return false;
    if ((i == 0 || i + 1 == name.size()) && !alnum) return false;
  }
  return true;
}

bool IsQualifiedName(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return IsQualifiedPart(key);
  return IsDnsSubdomainName(key.substr(0, slash)) && IsQualifiedPart(key.substr(slash + 1));
}

bool IsLabelValue(const std::string& value) { return value.empty() || IsQualifiedPart(value); }

}  // namespace minitwit::api
