#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace minitwit::api {

// resource.Quantity: "<signed decimal>[suffix]" with binary (Ki..Ei), decimal (n, u, m,
// k, M..E) or exponent (e3, E-2) suffixes. Kept as text for round trips; compared by value.
class Quantity {
 public:
  // nullopt when `text` is not a valid quantity.
  static std::optional<Quantity> Parse(std::string_view text);

  const std::string& text() const { return text_; }
  long double value() const { return value_; }
  // Value in thousandths, rounded up (as Quantity.MilliValue).
  int64_t MilliValue() const;
  // Value rounded up to a whole number (as Quantity.Value).
  int64_t Value() const;

  // Equal by value: "1Gi" == "1073741824", "500m" == "0.5".
  bool operator==(const Quantity& other) const;
  bool operator<(const Quantity& other) const { return value_ < other.value_ && !(*this == other); }

 private:
  Quantity(std::string text, long double value) : text_(std::move(text)), value_(value) {}

  std::string text_;
  long double value_ = 0;
};

// True when both strings parse as quantities of the same value.
bool SameQuantity(std::string_view a, std::string_view b);

}  // namespace minitwit::api
