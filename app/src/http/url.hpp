#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace minitwit {

// Decodes %XX escapes; with plus_as_space also '+' (form and query encoding).
// nullopt on a malformed escape. The result may be any bytes; see DecodeText.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

// True when text is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing past U+10FFFF).
bool IsValidUtf8(std::string_view text);

// True when text can be stored as PostgreSQL TEXT: valid UTF-8 without NUL.
bool IsStorableText(std::string_view text);

// PercentDecode, and nullopt unless the result IsStorableText: what every decoded path
// segment and form field must pass before it reaches a handler (and so the database).
std::optional<std::string> DecodeText(std::string_view text, bool plus_as_space = false);

// Encodes everything but unreserved characters (RFC 3986), for building links.
std::string PercentEncode(std::string_view text);

using FormFields = std::unordered_map<std::string, std::string>;

// Parses "a=1&b=x+y" (query strings). Pairs whose key or value fails DecodeText are
// skipped; the first value of a repeated key wins.
FormFields ParseFormEncoded(std::string_view text);

// Parses an application/x-www-form-urlencoded body like ParseFormEncoded, but nullopt
// when any pair fails DecodeText, so a form is either all text or rejected (400).
std::optional<FormFields> ParseFormBody(std::string_view text);

}  // namespace minitwit
