#pragma once

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <string_view>

namespace minitwit {

// One JSON object per line on stdout: {"ts":..,"level":..,"msg":..,<fields>}.
// level is a validated LOG_LEVEL name.
void ConfigureLogging(const std::string& level);

void Log(spdlog::level::level_enum level, std::string_view message, const nlohmann::json& fields = nlohmann::json::object());

// The part after "level": "msg":"...",<fields> (exposed for tests).
std::string FormatLogFields(std::string_view message, const nlohmann::json& fields);

}  // namespace minitwit
