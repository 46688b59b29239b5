#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace minitwit {

// Decodes %XX escapes; with plus_as_space also '+' (form and query encoding).
// nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

// Encodes everything but unreserved characters (RFC 3986), for building links.
std::string PercentEncode(std::string_view text);

// Parses "a=1&b=x+y" (query strings and application/x-www-form-urlencoded bodies).
// Malformed pairs are skipped; the first value of a repeated key wins.
std::unordered_map<std::string, std::string> ParseFormEncoded(std::string_view text);

}  // namespace minitwit
