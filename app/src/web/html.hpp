#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace minitwit {

// Escapes & < > " ' as Jinja/MarkupSafe does (quotes as &#34; and &#39;).
std::string EscapeHtml(std::string_view text);
// The same, appended to out (no temporary: pages escape every message).
void AppendEscapedHtml(std::string& out, std::string_view text);

// "YYYY-MM-DD @ HH:MM" in UTC.
std::string FormatPubDate(std::int64_t unix_seconds);

// Gravatar of the trimmed, lower-cased email, identicon fallback.
std::string GravatarUrl(std::string_view email, int size);

}  // namespace minitwit
