#pragma once

#include <string>

namespace minitwit::observability {

// Installs a stderr logger that writes one JSON object per line:
// {"time":"...","level":"info","msg":"..."}. `level` is trace|debug|info|warn|error.
void SetUpJsonLogging(const std::string& level);

}  // namespace minitwit::observability
