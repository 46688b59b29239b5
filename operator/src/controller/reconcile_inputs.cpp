// Resolves what the desired state depends on besides the spec: Secrets and the live Deployment.
#include "controller/reconciler.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include "controller/events.hpp"
#include "controller/reconcile_context.hpp"

namespace minitwit::controller {

using kube::ApiError;
using kube::Json;
using kube::Result;
using namespace reconcile;

std::optional<ReconcileResult> MiniTwitReconciler::ResolveInputs(Context& ctx) {
  const api::MiniTwit& minitwit = ctx.minitwit;
  ctx.inputs = DefaultInputs(minitwit);
  auto read_error = [&](const std::string& what, const ApiError& error) {
    return ReconcileResult{ReconcileResult::Kind::kError, {}, "reading " + what + ": " + ErrorText(error)};
  };

  // The user's Secrets the pods read, each read once (they carry none of our labels, so the
  // informer may never hold them): for DATABASE_URL below and for the secrets hash at the end.
  std::map<std::string, std::optional<Json>> user_secrets;
  auto read_user_secret = [&](const std::string& name) -> Result<std::optional<Json>> {
    if (auto it = user_secrets.find(name); it != user_secrets.end()) return it->second;
    Result<std::optional<Json>> secret = ReadConfirmed(api::kSecretType, minitwit.ns, name);
    if (secret.ok()) user_secrets[name] = secret.value();
    return secret;
  };

  // DATABASE_URL.
  if (const auto& external = minitwit.spec.database.external) {
    Result<std::optional<Json>> secret = read_user_secret(external->secret_name);
    if (!secret.ok()) return read_error("Secret " + external->secret_name, secret.error());
    if (!secret.value()) {
      ctx.database_blocked = true;
      ctx.database_condition = {kConditionDatabaseReady, kStatusFalse, kReasonSecretNotFound,
                                "Secret " + external->secret_name + " not found"};
    } else if (!Path(*secret.value(), {"data", external->key.c_str()}).is_string()) {
      ctx.database_blocked = true;
      ctx.database_condition = {kConditionDatabaseReady, kStatusFalse, kReasonSecretKeyMissing,
                                "Secret " + external->secret_name + " has no key " + external->key};
    } else {
      ctx.database_condition = {kConditionDatabaseReady, kStatusTrue, kReasonSecretFound,
                                "using key " + external->key + " of Secret " + external->secret_name};
    }
  } else {
    Result<std::optional<Json>> secret = ReadConfirmed(api::kSecretType, minitwit.ns, DatabaseName(minitwit));
    if (!secret.ok()) return read_error("Secret " + DatabaseName(minitwit), secret.error());
    if (secret.value()) {
      const std::string encoded = StringAt(*secret.value(), {"data", kDatabasePasswordKey});
      if (std::optional<std::string> password = Base64Decode(encoded); password && !password->empty()) {
        ctx.inputs.database_password = *password;
      }
    }
    if (ctx.inputs.database_password.empty()) ctx.inputs.database_password = options_.generate_secret();

    Result<std::optional<Json>> statefulset = Read(api::kStatefulSetType, minitwit.ns, DatabaseName(minitwit));
    if (!statefulset.ok()) return read_error("StatefulSet " + DatabaseName(minitwit), statefulset.error());
    const bool running = statefulset.value() && IntAt(*statefulset.value(), {"status", "readyReplicas"}) >= 1;
    // A database that was ready and is not is an outage, not a start: it stays "lost" until ready.
    const Json* was = FindCondition(ctx.status.conditions, kConditionDatabaseReady);
    ctx.database_lost = !running && was &&
                        (was->value("status", "") == kStatusTrue ||
                         was->value("reason", "") == kReasonDatabaseUnavailable);
    if (running) {
      ctx.database_condition = {kConditionDatabaseReady, kStatusTrue, kReasonDatabaseRunning,
                                "in-cluster PostgreSQL is ready"};
    } else if (ctx.database_lost) {
      ctx.database_condition = {kConditionDatabaseReady, kStatusFalse, kReasonDatabaseUnavailable,
                                "in-cluster PostgreSQL was ready and is not ready now"};
    } else {
      ctx.database_condition = {kConditionDatabaseReady, kStatusFalse, kReasonDatabaseStarting,
                                "waiting for in-cluster PostgreSQL to become ready"};
    }
  }
  const Json* before = FindCondition(ctx.status.conditions, kConditionDatabaseReady);
  const bool reason_changed = !before || before->value("reason", "") != ctx.database_condition.reason;
  if (ctx.database_blocked && reason_changed) {
    const char* reason =
        ctx.database_condition.reason == kReasonSecretNotFound ? kEventSecretNotFound : kEventSecretKeyMissing;
    RecordEvent(ctx, kEventTypeWarning, reason, ctx.database_condition.message);
  }

  // SESSION_SECRET: generated once, then read back from the live Secret on every reconcile.
  if (!minitwit.spec.session_secret_ref) {
    Result<std::optional<Json>> secret = ReadConfirmed(api::kSecretType, minitwit.ns, SessionSecretName(minitwit));
    if (!secret.ok()) return read_error("Secret " + SessionSecretName(minitwit), secret.error());
    if (secret.value()) {
      const std::string encoded = StringAt(*secret.value(), {"data", kSessionSecretKey});
      if (std::optional<std::string> value = Base64Decode(encoded); value && !value->empty()) {
        ctx.inputs.session_secret_value = *value;
      }
    }
    if (ctx.inputs.session_secret_value.empty()) ctx.inputs.session_secret_value = options_.generate_secret();
  }

  // The pods restart when a value they read from a Secret changes (the hash is in their template).
  std::vector<std::pair<api::SecretKeyRef, std::string>> secret_values;
  for (const api::SecretKeyRef& ref : api::ReferencedSecretKeys(minitwit.spec)) {
    Result<std::optional<Json>> secret = read_user_secret(ref.name);
    if (!secret.ok()) return read_error("Secret " + ref.name, secret.error());
    // The encoded value serves as well as the decoded one; a missing Secret or key hashes as "".
    secret_values.emplace_back(ref, secret.value() ? StringAt(*secret.value(), {"data", ref.key.c_str()}) : "");
  }
  if (minitwit.spec.database.in_cluster) {
    secret_values.emplace_back(api::SecretKeyRef{DatabaseName(minitwit), kDatabasePasswordKey},
                               ctx.inputs.database_password);
  }
  if (!minitwit.spec.session_secret_ref) {
    secret_values.emplace_back(api::SecretKeyRef{SessionSecretName(minitwit), kSessionSecretKey},
                               ctx.inputs.session_secret_value);
  }
  ctx.inputs.secrets_hash = SecretsHash(secret_values);

  // Confirmed on a cache miss, so that a Deployment created a moment ago is not "created" twice.
  // A MiniTwit never reconciled before (no observedGeneration) has no Deployment worth the GET:
  // at worst a retried first reconcile re-applies it, which server-side apply makes harmless.
  const bool first_reconcile = minitwit.status.observed_generation == 0;
  Result<std::optional<Json>> deployment =
      first_reconcile ? Read(api::kDeploymentType, minitwit.ns, DeploymentName(minitwit))
                      : ReadConfirmed(api::kDeploymentType, minitwit.ns, DeploymentName(minitwit));
  if (!deployment.ok()) return read_error("Deployment " + DeploymentName(minitwit), deployment.error());
  ctx.live_deployment = deployment.value();
  return std::nullopt;
}

}  // namespace minitwit::controller
