#pragma once

#include <string>
#include <vector>

#include "kube/kube_client.hpp"

namespace minitwit::api {

// The REST collections the operator reads and writes; kKinds below says how it uses each.
inline const kube::ResourceType kMiniTwitType{"minitwit.dev", "v1alpha1", "minitwits", "MiniTwit"};
inline const kube::ResourceType kDeploymentType{"apps", "v1", "deployments", "Deployment"};
inline const kube::ResourceType kStatefulSetType{"apps", "v1", "statefulsets", "StatefulSet"};
inline const kube::ResourceType kServiceType{"", "v1", "services", "Service"};
inline const kube::ResourceType kSecretType{"", "v1", "secrets", "Secret"};
inline const kube::ResourceType kPodType{"", "v1", "pods", "Pod"};
inline const kube::ResourceType kPersistentVolumeClaimType{"", "v1", "persistentvolumeclaims",
                                                           "PersistentVolumeClaim"};
inline const kube::ResourceType kEventType{"", "v1", "events", "Event"};
inline const kube::ResourceType kPodDisruptionBudgetType{"policy", "v1", "poddisruptionbudgets",
                                                         "PodDisruptionBudget"};
inline const kube::ResourceType kHorizontalPodAutoscalerType{"autoscaling", "v2", "horizontalpodautoscalers",
                                                             "HorizontalPodAutoscaler"};
inline const kube::ResourceType kNetworkPolicyType{"networking.k8s.io", "v1", "networkpolicies",
                                                   "NetworkPolicy"};
inline const kube::ResourceType kIngressType{"networking.k8s.io", "v1", "ingresses", "Ingress"};
// Gateway API: not watched, since its CRDs may be absent (an informer could never sync).
inline const kube::ResourceType kHttpRouteType{"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute"};

// One table for the kinds the operator uses: the controller starts an informer for each watched
// kind, the reconciler reads those through their caches, the update filter reads
// status_enqueues, and a unit test holds the chart's RBAC to exactly these verbs.
struct KindUse {
  const kube::ResourceType& type;
  bool watched;          // an informer and a cache (children: only objects labelled as ours)
  bool owner;            // the MiniTwit itself: cached unfiltered and resynced
  bool status_enqueues;  // a status-only update reconciles the owner (rollouts, readiness)
  std::vector<std::string> verbs;         // RBAC on the collection
  std::vector<std::string> status_verbs;  // RBAC on its /status subresource
};

inline const std::vector<KindUse>& Kinds() {
  static const std::vector<KindUse> kinds = {
      {kMiniTwitType, true, true, false, {"get", "list", "watch"}, {"get", "update", "patch"}},
      {kDeploymentType, true, false, true, {"get", "list", "watch", "create", "patch"}, {}},
      {kStatefulSetType, true, false, true, {"get", "list", "watch", "create", "patch", "delete"}, {}},
      {kServiceType, true, false, false, {"get", "list", "watch", "create", "patch", "delete"}, {}},
      {kSecretType, true, false, false, {"get", "list", "watch", "create", "patch"}, {}},
      {kPodType, true, false, true, {"get", "list", "watch", "patch"}, {"patch"}},
      {kPersistentVolumeClaimType, true, false, false, {"get", "list", "watch", "create", "patch"}, {}},
      {kPodDisruptionBudgetType, true, false, false, {"get", "list", "watch", "create", "patch"}, {}},
      {kHorizontalPodAutoscalerType, true, false, false, {"get", "list", "watch", "create", "patch", "delete"}, {}},
      {kNetworkPolicyType, true, false, false, {"get", "list", "watch", "create", "patch", "delete"}, {}},
      {kIngressType, true, false, false, {"get", "list", "watch", "create", "patch", "delete"}, {}},
      {kHttpRouteType, false, false, false, {"get", "create", "patch", "delete"}, {}},
      {kEventType, false, false, false, {"create", "patch"}, {}},
  };
  return kinds;
}

}  // namespace minitwit::api
