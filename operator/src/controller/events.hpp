#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/minitwit.hpp"

namespace minitwit::controller {

inline constexpr char kEventTypeNormal[] = "Normal";
inline constexpr char kEventTypeWarning[] = "Warning";
inline constexpr char kReportingComponent[] = "minitwit-operator";

// A core/v1 Event about `minitwit`, ready for Create in its namespace. `unique_suffix`
// makes the name unique (events are never updated, so each gets its own object);
// `now` is an RFC 3339 timestamp.
nlohmann::json BuildEvent(const api::MiniTwit& minitwit, const std::string& type, const std::string& reason,
                          const std::string& message, const std::string& now, const std::string& unique_suffix,
                          const std::string& reporting_instance);

}  // namespace minitwit::controller
