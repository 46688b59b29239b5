#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "kube/kubeconfig.hpp"
#include "kube/rest_kube_client.hpp"
#include "observability/metrics.hpp"

namespace minitwit::testing {

inline const kube::ResourceType kNamespaceType{"", "v1", "namespaces", "Namespace", false};
inline const kube::ResourceType kConfigMapType{"", "v1", "configmaps", "ConfigMap"};
inline const kube::ResourceType kCrdType{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                         "CustomResourceDefinition", false};

// YAML to JSON: quoted scalars stay strings, plain ones become numbers/booleans/null when
// they read as such.
inline kube::Json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      kube::Json object = kube::Json::object();
      for (const auto& entry : node) object[entry.first.as<std::string>()] = YamlToJson(entry.second);
      return object;
    }
    case YAML::NodeType::Sequence: {
      kube::Json array = kube::Json::array();
      for (const auto& item : node) array.push_back(YamlToJson(item));
      return array;
    }
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (node.Tag() == "!") return text;
      if (text == "true") return true;
      if (text == "false") return false;
      if (text == "null" || text == "~") return nullptr;
      kube::Json number = kube::Json::parse(text, nullptr, false);
      if (!number.is_discarded() && number.is_number()) return number;
      return text;
    }
    default:
      return nullptr;
  }
}

// The API server from MINITWIT_TEST_KUBECONFIG; without it a test fails (the CTest fixture
// starts a control plane and sets it). Each fixture works in a namespace of its own, deleted at the end.
class KubeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("MINITWIT_TEST_KUBECONFIG");
    if (path == nullptr || *path == '\0') {
      FAIL() << "MINITWIT_TEST_KUBECONFIG is unset: run the tests with ctest (its fixture starts a "
                "control plane), or `tests/cluster/cluster up --control-plane-only` and export "
                "MINITWIT_TEST_KUBECONFIG=$(tests/cluster/cluster kubeconfig)";
    }
    auto loaded = kube::LoadKubeconfig(path);
    ASSERT_TRUE(loaded.connection) << loaded.error;
    connection_ = *loaded.connection;
    client_ = std::make_unique<kube::RestKubeClient>(connection_, metrics_);

    std::random_device random;
    ns_ = "op-it-" + std::to_string(getpid()) + "-" + std::to_string(random() % 100000);
    kube::Json namespace_object = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}};
    auto created = client_->Create(kNamespaceType, "", namespace_object);
    ASSERT_TRUE(created.ok()) << "cannot create the test namespace on " << connection_.server << " (from "
                              << path << "): " << created.error().status << " " << created.error().reason << " "
                              << created.error().message;
  }

  void TearDown() override {
    if (client_ && !ns_.empty()) client_->Delete(kNamespaceType, "", ns_);
  }

  static kube::Json ConfigMap(const std::string& name, const std::map<std::string, std::string>& data,
                              const std::map<std::string, std::string>& labels = {}) {
    kube::Json object = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", data}};
    if (!labels.empty()) object["metadata"]["labels"] = labels;
    return object;
  }

  template <typename Predicate>
  static bool Eventually(Predicate predicate, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (predicate()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return predicate();
  }

  // Applies the repository's MiniTwit CRD and waits until it is Established.
  void InstallCrd() {
    std::ifstream file(std::string(MINITWIT_SOURCE_DIR) + "/crds/minitwits.minitwit.dev.yaml");
    ASSERT_TRUE(file) << "crds/minitwits.minitwit.dev.yaml missing";
    std::stringstream text;
    text << file.rdbuf();
    kube::Json crd = YamlToJson(YAML::Load(text.str()));
    auto applied = client_->Apply(kCrdType, "", crd["metadata"]["name"], crd, "minitwit-integration-test");
    ASSERT_TRUE(applied.ok()) << applied.error().status << " " << applied.error().message;
    ASSERT_TRUE(Eventually([&] {
      auto current = client_->Get(kCrdType, "", "minitwits.minitwit.dev");
      if (!current.ok()) return false;
      for (const auto& condition : current.value()["status"].value("conditions", kube::Json::array())) {
        if (condition.value("type", "") == "Established" && condition.value("status", "") == "True") return true;
      }
      return false;
    }));
  }

  observability::Registry registry_;
  observability::OperatorMetrics metrics_{registry_};
  kube::ClusterConnection connection_;
  std::unique_ptr<kube::RestKubeClient> client_;
  std::string ns_;
};

}  // namespace minitwit::testing
