#include "http/url.hpp"

namespace minitwit {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte fixes the length and the allowed range of the second byte
    // (RFC 3629 section 4), which excludes overlong forms, surrogates and > U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (n - i < length) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

bool IsStorableText(std::string_view text) {
  return text.find('\0') == std::string_view::npos && IsValidUtf8(text);
}

std::optional<std::string> DecodeText(std::string_view text, bool plus_as_space) {
  auto decoded = PercentDecode(text, plus_as_space);
  if (!decoded || !IsStorableText(*decoded)) return std::nullopt;
  return decoded;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '.' ||
        u == '_' || u == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

namespace {

// Calls pair(key, value) for each non-empty '&'-separated pair; stops and returns false
// when pair does.
template <typename OnPair>
bool ForEachPair(std::string_view text, OnPair pair) {
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto item = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    auto key = DecodeText(item.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("") : DecodeText(item.substr(eq + 1), true);
    if (!pair(std::move(key), std::move(value))) return false;
  }
  return true;
}

}  // namespace

FormFields ParseFormEncoded(std::string_view text) {
  FormFields fields;
  ForEachPair(text, [&](std::optional<std::string> key, std::optional<std::string> value) {
    if (key && value) fields.try_emplace(std::move(*key), std::move(*value));
    return true;
  });
  return fields;
}

std::optional<FormFields> ParseFormBody(std::string_view text) {
  FormFields fields;
  const bool ok = ForEachPair(text, [&](std::optional<std::string> key, std::optional<std::string> value) {
    if (!key || !value) return false;
    fields.try_emplace(std::move(*key), std::move(*value));
    return true;
  });
  if (!ok) return std::nullopt;
  return fields;
}

}  // namespace minitwit
