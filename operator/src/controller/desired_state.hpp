#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/minitwit.hpp"
#include "kube/kube_client.hpp"

namespace minitwit::controller {

using Json = nlohmann::json;

// Labels and annotations on every child.
inline constexpr char kLabelName[] = "app.kubernetes.io/name";
inline constexpr char kLabelInstance[] = "app.kubernetes.io/instance";
inline constexpr char kLabelManagedBy[] = "app.kubernetes.io/managed-by";
inline constexpr char kLabelComponent[] = "app.kubernetes.io/component";
inline constexpr char kAppName[] = "minitwit";
inline constexpr char kManagedBy[] = "minitwit-operator";
inline constexpr char kComponentApp[] = "app";
inline constexpr char kComponentDatabase[] = "database";
// HotStandby: the operator patches this label onto pods (never into the pod template); the
// Service selects only the active one.
inline constexpr char kLabelRole[] = "minitwit.dev/role";
inline constexpr char kRoleActive[] = "active";
inline constexpr char kRoleStandby[] = "standby";
// Hash of the applied configuration: a change (including a field we stopped setting) makes
// the live object differ from the desired one, so the reconciler applies again.
inline constexpr char kAnnotationSpecHash[] = "minitwit.dev/spec-hash";
// HotStandby: on the pod template, a hash of it, so the operator knows which pods are updated.
inline constexpr char kAnnotationTemplateHash[] = "minitwit.dev/template-hash";
// HotStandby: a readiness gate the operator opens (see reconcile_hotstandby.cpp).
inline constexpr char kConditionHandover[] = "minitwit.dev/handover";
// On the app's pod template: a hash of the values of the Secret keys its pods read (database
// URL, session secret, extraEnv secretKeyRefs), so that a rotated Secret rolls the pods.
inline constexpr char kAnnotationSecretsHash[] = "minitwit.dev/secrets-hash";
// ReplicaSets remove pods with a lower cost first; the active pod goes last.
inline constexpr char kAnnotationPodDeletionCost[] = "controller.kubernetes.io/pod-deletion-cost";

inline constexpr char kFieldManager[] = "minitwit-operator";
// Owns spec.replicas of an autoscaled Deployment until the HPA's first scale write: it sets the
// first count of a new one, and keeps the count when fixed replicas become autoscaled (the
// field kFieldManager must not own while an HPA scales).
inline constexpr char kBootstrapFieldManager[] = "minitwit-operator-bootstrap";
// Appended to the field manager (--field-manager) for that one write.
inline constexpr char kBootstrapFieldManagerSuffix[] = "-bootstrap";
inline constexpr int32_t kServicePort = 80;
inline constexpr int32_t kPostgresPort = 5432;
inline constexpr char kPostgresUser[] = "minitwit";  // the app's role: no superuser
inline constexpr char kPostgresSuperuser[] = "postgres";
inline constexpr char kPostgresDatabase[] = "minitwit";
inline constexpr int32_t kAppUid = 65532;
inline constexpr int32_t kPostgresUid = 999;
inline constexpr int32_t kPreStopSleepSeconds = 5;

// Keys of the generated Secrets.
inline constexpr char kSessionSecretKey[] = "sessionSecret";
inline constexpr char kDatabaseUriKey[] = "uri";
inline constexpr char kDatabasePasswordKey[] = "password";

// Child names, derived from the MiniTwit's name.
std::string DeploymentName(const api::MiniTwit& minitwit);
std::string ServiceName(const api::MiniTwit& minitwit);
std::string SessionSecretName(const api::MiniTwit& minitwit);
std::string DatabaseName(const api::MiniTwit& minitwit);  // StatefulSet, Service, Secret, NetworkPolicy
std::string DatabaseClaimName(const api::MiniTwit& minitwit);
std::string IngressName(const api::MiniTwit& minitwit);

// Pod labels of the app (the Deployment's selector) and of the database.
std::map<std::string, std::string> AppSelectorLabels(const api::MiniTwit& minitwit);
std::map<std::string, std::string> DatabaseSelectorLabels(const api::MiniTwit& minitwit);
// Labels as a label-selector string ("a=b,c=d").
std::string LabelSelectorString(const std::map<std::string, std::string>& labels);
// The app selector as a label-selector string, for status.selector and the /scale subresource.
std::string AppSelectorString(const api::MiniTwit& minitwit);

// Everything the pure builders need beyond the spec, resolved by the reconciler.
struct DesiredInputs {
  // The image to run: spec.image, or the last good image while spec.image is a rolled-back failure.
  std::string image;
  // Where DATABASE_URL comes from: the external Secret, or the generated in-cluster one.
  std::string database_secret_name;
  std::string database_secret_key;
  // Where SESSION_SECRET comes from: spec.sessionSecretRef or the generated Secret.
  std::string session_secret_name;
  std::string session_secret_key;
  // Generated values, kept across reconciles by reading them back from the live Secrets.
  std::string session_secret_value;  // only without spec.sessionSecretRef
  std::string database_password;     // only with database.inCluster
  // SecretsHash over the values the pods read from Secrets; "" leaves the annotation out.
  std::string secrets_hash;
};

struct DesiredObject {
  kube::ResourceType type;
  Json object;  // apiVersion, kind, metadata (labels, owner reference), spec/data: an apply configuration
};

// The inputs for `minitwit` when nothing has been generated yet (values are empty).
DesiredInputs DefaultInputs(const api::MiniTwit& minitwit);

// Every child `minitwit` should have, in apply order (Secrets and database before the app).
std::vector<DesiredObject> BuildDesiredState(const api::MiniTwit& minitwit, const DesiredInputs& inputs);

// Builders of single children (exposed for tests).
Json BuildOwnerReference(const api::MiniTwit& minitwit);
Json BuildDeployment(const api::MiniTwit& minitwit, const DesiredInputs& inputs);
Json BuildService(const api::MiniTwit& minitwit);
Json BuildPodDisruptionBudget(const api::MiniTwit& minitwit);
std::optional<Json> BuildHorizontalPodAutoscaler(const api::MiniTwit& minitwit);
// The HPA's spec.behavior: spec.autoscaling.behavior with every unset field filled from the
// operator's defaults for its direction (scaleDownStabilizationSeconds, else 300 s, is the
// default scale-down window).
Json BuildScalingBehavior(const api::Autoscaling& autoscaling);
std::optional<Json> BuildSessionSecret(const api::MiniTwit& minitwit, const DesiredInputs& inputs);
Json BuildDatabaseSecret(const api::MiniTwit& minitwit, const DesiredInputs& inputs);
Json BuildDatabaseClaim(const api::MiniTwit& minitwit);
Json BuildDatabaseStatefulSet(const api::MiniTwit& minitwit, const DesiredInputs& inputs);
Json BuildDatabaseService(const api::MiniTwit& minitwit);
Json BuildDatabaseNetworkPolicy(const api::MiniTwit& minitwit);
// spec.expose.ingress as a networking.k8s.io/v1 Ingress to the app Service; nullopt without it.
std::optional<Json> BuildIngress(const api::MiniTwit& minitwit);
// spec.expose.httpRoute as a gateway.networking.k8s.io/v1 HTTPRoute (named like the Ingress).
std::optional<Json> BuildHttpRoute(const api::MiniTwit& minitwit);

// metadata of a namespaced child: name, namespace, labels; `owned` adds the owner reference.
Json ChildMetadata(const api::MiniTwit& minitwit, const std::string& name, const char* component, bool owned = true);

// Which pod spec.pod is applied to: the app gets every setting, the in-cluster database only
// the placement (nodeSelector, tolerations, affinity) and imagePullSecrets.
enum class PodRole { kApp, kDatabase };
// Merges spec.pod into a pod template ({metadata, spec}) built by the operator. A topology
// spread constraint without a labelSelector gets the app's selector labels.
void ApplyPodSettings(const api::MiniTwit& minitwit, PodRole role, Json& pod_template);
// A stable hex digest of (Secret, key, value) triples; values never leave this function.
std::string SecretsHash(const std::vector<std::pair<api::SecretKeyRef, std::string>>& values);

// Adds the kAnnotationSpecHash annotation computed over the rest of `object`.
void StampSpecHash(Json& object);

// True when every field of `desired` is present in `live` with an equal value (quantity
// strings compared by value, since the API server normalises them). Fields set only by the
// server or other managers in `live` are ignored, and so are entries others added to a list
// keyed by name (`kubectl set env`): drift is measured on what the operator sets.
bool IsSubset(const Json& desired, const Json& live);

std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace minitwit::controller
