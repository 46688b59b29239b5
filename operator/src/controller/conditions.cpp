#include "controller/conditions.hpp"

namespace minitwit::controller {

using Json = nlohmann::json;

const Json* FindCondition(const Json& conditions, const std::string& type) {
  if (!conditions.is_array()) return nullptr;
  for (const Json& condition : conditions) {
    if (condition.is_object() && condition.value("type", "") == type) return &condition;
  }
  return nullptr;
}

bool IsConditionTrue(const Json& conditions, const std::string& type) {
  const Json* condition = FindCondition(conditions, type);
  return condition && condition->value("status", "") == kStatusTrue;
}

bool SetCondition(Json& conditions, const Condition& condition, int64_t observed_generation, const std::string& now) {
  if (!conditions.is_array()) conditions = Json::array();
  for (Json& existing : conditions) {
    if (!existing.is_object() || existing.value("type", "") != condition.type) continue;
    const Json before = existing;
    if (existing.value("status", "") != condition.status || !existing.contains("lastTransitionTime")) {
      existing["lastTransitionTime"] = now;
    }
    existing["status"] = condition.status;
    existing["reason"] = condition.reason;
    existing["message"] = condition.message;
    existing["observedGeneration"] = observed_generation;
    return existing != before;
  }
  conditions.push_back({{"type", condition.type},
                        {"status", condition.status},
                        {"reason", condition.reason},
                        {"message", condition.message},
                        {"observedGeneration", observed_generation},
                        {"lastTransitionTime", now}});
  return true;
}

}  // namespace minitwit::controller
