#pragma once

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <string_view>

namespace minitwit {

// One JSON object per line on stdout: {"ts":..,"level":..,"msg":..,<fields>}.
// level is a validated LOG_LEVEL name.
void ConfigureLogging(const std::string& level);

void Log(spdlog::level::level_enum level, std::string_view message, const nlohmann::json& fields = nlohmann::json::object());

// The per-request line ("msg":"request", method, route, status, latency_ms), written
// without building a json object: it runs once per request.
void LogRequest(spdlog::level::level_enum level, std::string_view method, std::string_view route, int status,
                double latency_ms);

// The part after "level": "msg":"...",<fields> (exposed for tests).
std::string FormatLogFields(std::string_view message, const nlohmann::json& fields);

}  // namespace minitwit
