#pragma once

#include "kube/kube_client.hpp"

namespace minitwit::api {

// The REST collections the operator reads and writes; the informers and RBAC follow this list.
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

}  // namespace minitwit::api
