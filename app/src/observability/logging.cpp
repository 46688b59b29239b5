#include "observability/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace minitwit {

void ConfigureLogging(const std::string& level) {
  auto logger = spdlog::stdout_logger_mt("minitwit");
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
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

}  // namespace minitwit
