// The per-MiniTwit metrics: what the reconciler just computed, for alerts and dashboards.
#include "controller/reconcile_context.hpp"
#include "controller/reconciler.hpp"

namespace minitwit::controller {

void MiniTwitReconciler::RecordMetrics(const Context& ctx) {
  observability::OperatorMetrics* metrics = options_.metrics;
  if (!metrics) return;
  const std::string& ns = ctx.minitwit.ns;
  const std::string& name = ctx.minitwit.name;
  auto condition_true = [&](const char* type) { return IsConditionTrue(ctx.status.conditions, type) ? 1.0 : 0.0; };
  metrics->resource_ready.Set({ns, name}, condition_true(kConditionReady));
  metrics->database_ready.Set({ns, name}, condition_true(kConditionDatabaseReady));
  metrics->rollbacks.Add({ns, name}, 0);  // exported from the start, so increase() sees the first one
  const api::MiniTwitSpec& spec = ctx.minitwit.spec;
  const int32_t min = spec.autoscaling ? spec.autoscaling->min_replicas : spec.replicas;
  const int32_t max = spec.autoscaling ? spec.autoscaling->max_replicas : spec.replicas;
  metrics->replicas.Set({ns, name, "desired"}, ctx.status.desired_replicas);
  metrics->replicas.Set({ns, name, "ready"}, ctx.status.ready_replicas);
  metrics->replicas.Set({ns, name, "min"}, min);
  metrics->replicas.Set({ns, name, "max"}, max);
}

void MiniTwitReconciler::ForgetMetrics(const std::string& ns, const std::string& name) {
  if (options_.metrics) options_.metrics->ForgetResource(ns, name);
}

}  // namespace minitwit::controller
