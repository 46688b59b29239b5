#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace minitwit {
namespace {

namespace fs = std::filesystem;

fs::path RepoRoot() { return fs::path(MINITWIT_SOURCE_DIR); }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const fs::path kCrdFile = "minitwits.minitwit.dev.yaml";

YAML::Node LoadCrd() { return YAML::LoadFile((RepoRoot() / "crds" / kCrdFile).string()); }

YAML::Node Version(const YAML::Node& crd) {
  for (const YAML::Node& version : crd["spec"]["versions"]) {
    if (version["name"].as<std::string>() == "v1alpha1") return version;
  }
  return YAML::Node();
}

// Every property (and array item) below `schema` must carry a description; `path` names offenders.
// The API server forbids anything but `type: object` on the root's metadata, so it is exempt.
void CollectUndescribed(const YAML::Node& schema, const std::string& path, std::vector<std::string>& missing) {
  if (path == ".metadata") return;
  if (!schema["description"] || schema["description"].as<std::string>().empty()) missing.push_back(path);
  if (schema["properties"]) {
    for (const auto& property : schema["properties"]) {
      CollectUndescribed(property.second, path + "." + property.first.as<std::string>(), missing);
    }
  }
  if (schema["items"]) CollectUndescribed(schema["items"], path + "[]", missing);
}

YAML::Node Property(YAML::Node schema, const std::vector<std::string>& path) {
  // Node::operator= would overwrite the node in the document; reset() rebinds the handle.
  for (const std::string& name : path) schema.reset(schema["properties"][name]);
  return schema;
}

TEST(Crd, ChartCopyIsIdenticalToTheSource) {
  const fs::path source = RepoRoot() / "crds" / kCrdFile;
  const fs::path copy = RepoRoot() / "charts" / "minitwit-operator" / "crds" / kCrdFile;
  ASSERT_TRUE(fs::exists(source)) << source;
  ASSERT_TRUE(fs::exists(copy)) << copy;
  EXPECT_EQ(ReadFile(source), ReadFile(copy)) << "run: cp crds/" << kCrdFile.string()
                                              << " charts/minitwit-operator/crds/";
}

TEST(Crd, NamesGroupAndVersion) {
  const YAML::Node crd = LoadCrd();
  EXPECT_EQ(crd["apiVersion"].as<std::string>(), "apiextensions.k8s.io/v1");
  EXPECT_EQ(crd["metadata"]["name"].as<std::string>(), "minitwits.minitwit.dev");
  EXPECT_EQ(crd["spec"]["group"].as<std::string>(), "minitwit.dev");
  EXPECT_EQ(crd["spec"]["scope"].as<std::string>(), "Namespaced");
  EXPECT_EQ(crd["spec"]["names"]["kind"].as<std::string>(), "MiniTwit");
  EXPECT_EQ(crd["spec"]["names"]["plural"].as<std::string>(), "minitwits");
  EXPECT_EQ(crd["spec"]["names"]["shortNames"][0].as<std::string>(), "mt");
  const YAML::Node version = Version(crd);
  ASSERT_TRUE(version.IsDefined());
  EXPECT_TRUE(version["served"].as<bool>());
  EXPECT_TRUE(version["storage"].as<bool>());
}

TEST(Crd, StatusAndScaleSubresources) {
  const YAML::Node subresources = Version(LoadCrd())["subresources"];
  EXPECT_TRUE(subresources["status"].IsMap());
  EXPECT_EQ(subresources["scale"]["specReplicasPath"].as<std::string>(), ".spec.replicas");
  EXPECT_EQ(subresources["scale"]["statusReplicasPath"].as<std::string>(), ".status.replicas");
  EXPECT_EQ(subresources["scale"]["labelSelectorPath"].as<std::string>(), ".status.selector");
}

TEST(Crd, PrinterColumns) {
  std::vector<std::string> names;
  for (const YAML::Node& column : Version(LoadCrd())["additionalPrinterColumns"]) {
    names.push_back(column["name"].as<std::string>());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Mode", "Replicas", "Ready", "Image", "Phase", "Age"}));
}

TEST(Crd, EveryPropertyHasADescription) {
  std::vector<std::string> missing;
  const YAML::Node schema = Version(LoadCrd())["schema"]["openAPIV3Schema"];
  CollectUndescribed(schema, "", missing);
  std::string list;
  for (const std::string& path : missing) list += path + " ";
  EXPECT_TRUE(missing.empty()) << "no description: " << list;
}

TEST(Crd, DefaultsMirrorTheOperator) {
  const YAML::Node spec = Property(Version(LoadCrd())["schema"]["openAPIV3Schema"], {"spec"});
  EXPECT_EQ(Property(spec, {"mode"})["default"].as<std::string>(), "Scaled");
  EXPECT_EQ(Property(spec, {"replicas"})["default"].as<int>(), 2);
  EXPECT_EQ(Property(spec, {"replicas"})["minimum"].as<int>(), 0);
  EXPECT_EQ(Property(spec, {"replicas"})["maximum"].as<int>(), 100);
  EXPECT_EQ(Property(spec, {"autoscaling", "targetCPUUtilizationPercentage"})["default"].as<int>(), 60);
  EXPECT_EQ(Property(spec, {"autoscaling", "scaleDownStabilizationSeconds"})["default"].as<int>(), 300);
  EXPECT_EQ(Property(spec, {"rollout", "progressDeadlineSeconds"})["default"].as<int>(), 120);
  EXPECT_EQ(Property(spec, {"rollout", "onFailure"})["default"].as<std::string>(), "Rollback");
  EXPECT_TRUE(Property(spec, {"rollout", "maxSurge"})["x-kubernetes-int-or-string"].as<bool>());
  EXPECT_TRUE(Property(spec, {"rollout", "maxUnavailable"})["x-kubernetes-int-or-string"].as<bool>());
  EXPECT_EQ(Property(spec, {"database", "external", "key"})["default"].as<std::string>(), "uri");
  EXPECT_EQ(Property(spec, {"database", "inCluster", "storage"})["default"].as<std::string>(), "1Gi");
  EXPECT_TRUE(Property(spec, {"database", "inCluster", "retainOnDelete"})["default"].as<bool>());
  EXPECT_EQ(Property(spec, {"database", "inCluster", "image"})["default"].as<std::string>(),
            "minitwit.local/postgres:15");
  EXPECT_EQ(spec["required"][0].as<std::string>(), "image");
}

TEST(Crd, CelRulesCoverTheCrossFieldConstraints) {
  const YAML::Node root = Version(LoadCrd())["schema"]["openAPIV3Schema"];
  std::set<std::string> messages;
  std::function<void(const YAML::Node&)> collect = [&](const YAML::Node& schema) {
    if (schema["x-kubernetes-validations"]) {
      for (const YAML::Node& rule : schema["x-kubernetes-validations"]) {
        ASSERT_TRUE(rule["rule"].IsDefined());
        ASSERT_TRUE(rule["message"].IsDefined()) << rule["rule"].as<std::string>();
        messages.insert(rule["message"].as<std::string>());
      }
    }
    if (schema["properties"]) {
      for (const auto& property : schema["properties"]) collect(property.second);
    }
    if (schema["items"]) collect(schema["items"]);
  };
  collect(root);
  auto has = [&](const std::string& fragment) {
    for (const std::string& message : messages) {
      if (message.find(fragment) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("exactly one of database.external and database.inCluster"));
  EXPECT_TRUE(has("minReplicas must be less than or equal to"));
  EXPECT_TRUE(has("autoscaling is not allowed in HotStandby"));
  EXPECT_TRUE(has("replicas must be 2 in HotStandby"));
  EXPECT_TRUE(has("must not contain whitespace"));
  EXPECT_TRUE(has("must not both be zero"));
}

TEST(Crd, StatusConditionsAreAListMapByType) {
  const YAML::Node conditions =
      Property(Version(LoadCrd())["schema"]["openAPIV3Schema"], {"status", "conditions"});
  EXPECT_EQ(conditions["x-kubernetes-list-type"].as<std::string>(), "map");
  EXPECT_EQ(conditions["x-kubernetes-list-map-keys"][0].as<std::string>(), "type");
  std::set<std::string> fields;
  for (const auto& property : conditions["items"]["properties"]) fields.insert(property.first.as<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"type", "status", "observedGeneration", "lastTransitionTime", "reason",
                                           "message"}));
  const YAML::Node status = Property(Version(LoadCrd())["schema"]["openAPIV3Schema"], {"status"});
  for (const char* field : {"observedGeneration", "phase", "replicas", "readyReplicas", "updatedReplicas", "selector",
                            "image", "lastGoodImage", "activePod"}) {
    EXPECT_TRUE(status["properties"][field].IsDefined()) << field;
  }
}

}  // namespace
}  // namespace minitwit
