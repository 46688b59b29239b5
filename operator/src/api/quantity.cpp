#include "api/quantity.hpp"

#include <cctype>
#include <cmath>
#include <utility>

namespace minitwit::api {
namespace {

// Multiplier for a suffix, or nullopt for an unknown one.
std::optional<long double> SuffixMultiplier(std::string_view suffix) {
  struct Entry {
    std::string_view suffix;
    long double multiplier;
  };
  static constexpr Entry kSuffixes[] = {
      {"", 1.0L},
      {"n", 1e-9L},
      {"u", 1e-6L},
      {"m", 1e-3L},
      {"k", 1e3L},
      {"M", 1e6L},
      {"G", 1e9L},
      {"T", 1e12L},
      {"P", 1e15L},
      {"E", 1e18L},
      {"Ki", 1024.0L},
      {"Mi", 1024.0L * 1024},
      {"Gi", 1024.0L * 1024 * 1024},
      {"Ti", 1024.0L * 1024 * 1024 * 1024},
      {"Pi", 1024.0L * 1024 * 1024 * 1024 * 1024},
      {"Ei", 1024.0L * 1024 * 1024 * 1024 * 1024 * 1024},
  };
  for (const Entry& entry : kSuffixes) {
    if (entry.suffix == suffix) return entry.multiplier;
  }
  // Decimal exponent: e<int> or E<int>.
  if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    size_t i = 1;
    bool negative = false;
    if (suffix[i] == '+' || suffix[i] == '-') {
      negative = suffix[i] == '-';
      ++i;
    }
    if (i >= suffix.size() || suffix.size() - i > 3) return std::nullopt;
    int exponent = 0;
    for (; i < suffix.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(suffix[i]))) return std::nullopt;
      exponent = exponent * 10 + (suffix[i] - '0');
    }
    return std::pow(10.0L, negative ? -exponent : exponent);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Quantity> Quantity::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  long double number = 0;
  size_t digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
    number = number * 10 + (text[i] - '0');
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    long double scale = 0.1L;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
      number += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  if (digits == 0) return std::nullopt;
  const std::optional<long double> multiplier = SuffixMultiplier(text.substr(i));
  if (!multiplier) return std::nullopt;
  const long double value = (negative ? -number : number) * *multiplier;
  return Quantity(std::string(text), value);
}

int64_t Quantity::MilliValue() const { return static_cast<int64_t>(std::ceil(value_ * 1000 - 1e-9L)); }

int64_t Quantity::Value() const { return static_cast<int64_t>(std::ceil(value_ - 1e-12L)); }

bool Quantity::operator==(const Quantity& other) const {
  const long double scale = std::max(std::fabs(value_), std::fabs(other.value_));
  return std::fabs(value_ - other.value_) <= scale * 1e-12L;
}

bool SameQuantity(std::string_view a, std::string_view b) {
  const std::optional<Quantity> qa = Quantity::Parse(a);
  const std::optional<Quantity> qb = Quantity::Parse(b);
  return qa && qb && *qa == *qb;
}

}  // namespace minitwit::api
