// The chart's ClusterRole grants exactly the verbs of api::Kinds(): least privilege, and no
// kind the operator uses left out.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "api/resource_types.hpp"

namespace minitwit {
namespace {

using Grants = std::map<std::string, std::set<std::string>>;  // "group/resource" -> verbs

// The operator's rules: the plain YAML of the "minitwit-operator.rules" template, from "rules:"
// to the template's end (the chart renders them as a ClusterRole, or as a Role per watched
// namespace).
Grants ChartGrants() {
  std::ifstream in(std::filesystem::path(MINITWIT_SOURCE_DIR) / "charts/minitwit-operator/templates/rbac.yaml");
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const auto start = all.find("\nrules:");
  const auto end = all.find("\n{{", start);
  EXPECT_NE(start, std::string::npos);
  const YAML::Node rules = YAML::Load(all.substr(start, end - start))["rules"];
  Grants grants;
  for (const YAML::Node& rule : rules) {
    for (const YAML::Node& group : rule["apiGroups"]) {
      for (const YAML::Node& resource : rule["resources"]) {
        for (const YAML::Node& verb : rule["verbs"]) {
          grants[group.as<std::string>() + "/" + resource.as<std::string>()].insert(verb.as<std::string>());
        }
      }
    }
  }
  return grants;
}

TEST(Rbac, ChartGrantsExactlyTheVerbsOfTheKindsTable) {
  Grants want;
  for (const api::KindUse& kind : api::Kinds()) {
    const std::string key = kind.type.group + "/" + kind.type.plural;
    want[key].insert(kind.verbs.begin(), kind.verbs.end());
    if (!kind.status_verbs.empty()) want[key + "/status"].insert(kind.status_verbs.begin(), kind.status_verbs.end());
  }
  EXPECT_EQ(ChartGrants(), want);
}

TEST(Rbac, EveryWatchedKindCanBeListedAndWatched) {
  for (const api::KindUse& kind : api::Kinds()) {
    if (!kind.watched) continue;
    for (const char* verb : {"get", "list", "watch"}) {
      EXPECT_EQ(std::count(kind.verbs.begin(), kind.verbs.end(), verb), 1) << kind.type.plural << " " << verb;
    }
  }
}

}  // namespace
}  // namespace minitwit
