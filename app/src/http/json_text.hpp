#pragma once

#include <string>
#include <string_view>

namespace minitwit {

// Appends text as a JSON string literal (quotes included), UTF-8 kept as is: what
// nlohmann's dump(ensure_ascii=false, replace) writes, without building a json tree.
// Bytes that are not valid UTF-8 become U+FFFD, so the output is always valid JSON.
// Used on the hot paths (message lists, the request log line).
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace minitwit
