#pragma once

#include <string>
#include <string_view>

namespace minitwit {

// Lower-case hex MD5, as Gravatar wants (not for anything secret).
std::string Md5Hex(std::string_view data);

}  // namespace minitwit
