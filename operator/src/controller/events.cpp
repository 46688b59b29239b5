#include "controller/events.hpp"

namespace minitwit::controller {

nlohmann::json BuildEvent(const api::MiniTwit& minitwit, const std::string& type, const std::string& reason,
                          const std::string& message, const std::string& now, const std::string& unique_suffix,
                          const std::string& reporting_instance) {
  return {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", minitwit.name + "." + unique_suffix}, {"namespace", minitwit.ns}}},
      {"involvedObject",
       {{"apiVersion", api::kApiVersion},
        {"kind", api::kKind},
        {"name", minitwit.name},
        {"namespace", minitwit.ns},
        {"uid", minitwit.uid}}},
      {"type", type},
      {"reason", reason},
      {"message", message.size() > 1024 ? message.substr(0, 1024) : message},
      {"source", {{"component", kReportingComponent}}},
      {"reportingComponent", kReportingComponent},
      {"reportingInstance", reporting_instance},
      {"action", reason},
      {"firstTimestamp", now},
      {"lastTimestamp", now},
      {"count", 1},
  };
}

}  // namespace minitwit::controller
