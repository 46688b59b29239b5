#include "observability/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "http/json_text.hpp"

namespace minitwit {

void ConfigureLogging(const std::string& level) {
  auto logger = spdlog::stdout_logger_mt("minitwit");
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
  logger->set_level(spdlog::level::from_str(level));
  // A flush per request line was a write(2) per request under the sink's lock; warnings
  // and errors still go out at once, the rest within a second (and at exit, from main).
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

std::string FormatLogFields(std::string_view message, const nlohmann::json& fields) {
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  std::string out = "\"msg\":" + nlohmann::json(std::string(message)).dump(-1, ' ', false, kReplace);
  if (fields.is_object() && !fields.empty()) {
    const auto body = fields.dump(-1, ' ', false, kReplace);
    out += "," + body.substr(1, body.size() - 2);
  }
  return out;
}

void Log(spdlog::level::level_enum level, std::string_view message, const nlohmann::json& fields) {
  if (!spdlog::should_log(level)) return;
  spdlog::log(level, "{}", FormatLogFields(message, fields));
}

void LogRequest(spdlog::level::level_enum level, std::string_view method, std::string_view route, int status,
                double latency_ms) {
  if (!spdlog::should_log(level)) return;
  std::string line;
  line.reserve(128);
  line += "\"msg\":\"request\",\"method\":";
  AppendJsonString(line, method);
  line += ",\"route\":";
  AppendJsonString(line, route);
  line += fmt::format(",\"status\":{},\"latency_ms\":{}", status, latency_ms);
  spdlog::log(level, "{}", line);
}

}  // namespace minitwit
