#include "api/int_or_string.hpp"

#include <cctype>

namespace minitwit::api {

std::optional<IntOrString> IntOrString::FromJson(const nlohmann::json& json) {
  if (json.is_number_integer()) return IntOrString(json.get<int64_t>());
  if (json.is_string()) return IntOrString(json.get<std::string>());
  return std::nullopt;
}

nlohmann::json IntOrString::ToJson() const {
  if (IsInt()) return std::get<int64_t>(value_);
  return std::get<std::string>(value_);
}

const std::string& IntOrString::StringValue() const {
  static const std::string kEmpty;
  return IsInt() ? kEmpty : std::get<std::string>(value_);
}

bool IntOrString::IsValid() const {
  if (IsInt()) return IntValue() >= 0;
  const std::string& text = StringValue();
  if (text.size() < 2 || text.back() != '%' || text.size() > 12) return false;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::optional<int64_t> IntOrString::Resolve(int64_t total, bool round_up) const {
  if (!IsValid()) return std::nullopt;
  if (IsInt()) return IntValue();
  const std::string& text = StringValue();
  const int64_t percent = std::stoll(text.substr(0, text.size() - 1));
  const int64_t scaled = percent * total;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

}  // namespace minitwit::api
