#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace minitwit::api {

// intstr.IntOrString: a non-negative count ("1") or a percentage ("25%"), as used by
// Deployment.spec.strategy.rollingUpdate.maxSurge/maxUnavailable.
class IntOrString {
 public:
  IntOrString() = default;
  explicit IntOrString(int64_t value) : value_(value) {}
  explicit IntOrString(std::string value) : value_(std::move(value)) {}

  // Accepts a JSON integer or string; anything else is nullopt.
  static std::optional<IntOrString> FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;

  bool IsInt() const { return std::holds_alternative<int64_t>(value_); }
  int64_t IntValue() const { return IsInt() ? std::get<int64_t>(value_) : 0; }
  const std::string& StringValue() const;
  // True for an int >= 0 or a string of the form "<digits>%"; a bare numeric string is not.
  bool IsValid() const;
  // The absolute value against `total` (percentages rounded up or down as the
  // Deployment controller does: maxSurge up, maxUnavailable down); nullopt if invalid.
  std::optional<int64_t> Resolve(int64_t total, bool round_up) const;

  bool operator==(const IntOrString&) const = default;

 private:
  std::variant<int64_t, std::string> value_{int64_t{0}};
};

}  // namespace minitwit::api
