#include <gtest/gtest.h>

#include <algorithm>

#include "api/int_or_string.hpp"
#include "api/minitwit.hpp"
#include "api/quantity.hpp"

namespace minitwit::api {
namespace {

Json MinimalObject() {
  return Json::parse(R"({
    "apiVersion": "minitwit.dev/v1alpha1", "kind": "MiniTwit",
    "metadata": {"name": "prod", "namespace": "mt", "uid": "u-1", "generation": 3},
    "spec": {"image": "minitwit:1.0", "database": {"external": {"secretName": "pg"}}}
  })");
}

bool HasError(const std::vector<std::string>& errors, const std::string& fragment) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const std::string& error) { return error.find(fragment) != std::string::npos; });
}

TEST(MiniTwitFromJson, AppliesCrdDefaults) {
  Parsed<MiniTwit> parsed = MiniTwitFromJson(MinimalObject());
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  const MiniTwit& mt = *parsed.value;
  EXPECT_EQ(mt.name, "prod");
  EXPECT_EQ(mt.ns, "mt");
  EXPECT_EQ(mt.uid, "u-1");
  EXPECT_EQ(mt.generation, 3);
  EXPECT_EQ(mt.spec.mode, Mode::kScaled);
  EXPECT_EQ(mt.spec.replicas, 2);
  EXPECT_FALSE(mt.spec.autoscaling.has_value());
  EXPECT_EQ(mt.spec.rollout.max_surge, IntOrString(int64_t{1}));
  EXPECT_EQ(mt.spec.rollout.max_unavailable, IntOrString(int64_t{0}));
  EXPECT_EQ(mt.spec.rollout.progress_deadline_seconds, 120);
  EXPECT_EQ(mt.spec.rollout.on_failure, FailureAction::kRollback);
  ASSERT_TRUE(mt.spec.database.external.has_value());
  EXPECT_EQ(mt.spec.database.external->key, "uri");
  EXPECT_EQ(mt.spec.database.pool_size, 4);
  EXPECT_EQ(mt.spec.resources.requests.at("cpu"), "100m");
  EXPECT_EQ(mt.spec.resources.requests.at("memory"), "64Mi");
  EXPECT_EQ(mt.spec.port, 5000);
  EXPECT_EQ(mt.spec.log_level, "info");
  EXPECT_EQ(mt.spec.image_pull_policy, "IfNotPresent");
  EXPECT_EQ(mt.spec.termination_grace_period_seconds, 30);
  EXPECT_TRUE(Validate(mt.spec).empty());
}

TEST(MiniTwitFromJson, ReadsEveryField) {
  Json object = MinimalObject();
  object["spec"] = Json::parse(R"({
    "image": "minitwit:2.0", "mode": "Scaled", "replicas": 3,
    "autoscaling": {"minReplicas": 3, "maxReplicas": 9, "targetCPUUtilizationPercentage": 70,
                    "scaleDownStabilizationSeconds": 60},
    "rollout": {"maxSurge": "25%", "maxUnavailable": 1, "progressDeadlineSeconds": 300, "onFailure": "Pause"},
    "database": {"inCluster": {"storage": "5Gi", "retainOnDelete": false, "image": "pg:16",
                               "storageClassName": "fast", "resources": {"requests": {"memory": "256Mi"}}},
                 "poolSize": 8},
    "resources": {"requests": {"cpu": "250m"}, "limits": {"cpu": 1, "memory": "128Mi"}},
    "sessionSecretRef": {"name": "session"},
    "port": 8080, "logLevel": "debug", "imagePullPolicy": "Never", "terminationGracePeriodSeconds": 45
  })");
  object["status"] = Json::parse(R"({"lastGoodImage": "minitwit:1.0", "activePod": "p-1", "observedGeneration": 2,
                                      "conditions": [{"type": "Available", "status": "True"}]})");
  Parsed<MiniTwit> parsed = MiniTwitFromJson(object);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  const MiniTwitSpec& spec = parsed.value->spec;
  ASSERT_TRUE(spec.autoscaling.has_value());
  EXPECT_EQ(spec.autoscaling->max_replicas, 9);
  EXPECT_EQ(spec.autoscaling->target_cpu_utilization_percentage, 70);
  EXPECT_EQ(spec.autoscaling->scale_down_stabilization_seconds, 60);
  EXPECT_FALSE(spec.autoscaling->behavior.has_value());
  EXPECT_EQ(spec.rollout.max_surge, IntOrString(std::string("25%")));
  EXPECT_EQ(spec.rollout.on_failure, FailureAction::kPause);
  ASSERT_TRUE(spec.database.in_cluster.has_value());
  EXPECT_EQ(spec.database.in_cluster->storage, "5Gi");
  EXPECT_FALSE(spec.database.in_cluster->retain_on_delete);
  EXPECT_EQ(spec.database.in_cluster->storage_class_name, "fast");
  EXPECT_EQ(spec.database.in_cluster->resources.requests.at("memory"), "256Mi");
  EXPECT_EQ(spec.database.pool_size, 8);
  EXPECT_EQ(spec.resources.limits.at("cpu"), "1");
  EXPECT_FALSE(spec.resources.requests.contains("memory"));  // given resources replace the default
  ASSERT_TRUE(spec.session_secret_ref.has_value());
  EXPECT_EQ(spec.session_secret_ref->key, "sessionSecret");
  EXPECT_EQ(spec.port, 8080);
  EXPECT_EQ(parsed.value->status.last_good_image, "minitwit:1.0");
  EXPECT_EQ(parsed.value->status.active_pod, "p-1");
  EXPECT_EQ(parsed.value->status.conditions.size(), 1u);
  EXPECT_TRUE(Validate(spec).empty()) << Validate(spec).front();
}

TEST(MiniTwitFromJson, RejectsWrongTypesAndEnums) {
  Json object = MinimalObject();
  object["spec"]["replicas"] = "two";
  EXPECT_FALSE(MiniTwitFromJson(object).ok());
  object = MinimalObject();
  object["spec"]["mode"] = "Active";
  Parsed<MiniTwit> parsed = MiniTwitFromJson(object);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error.find("spec.mode"), std::string::npos);
  object = MinimalObject();
  object["spec"]["rollout"] = {{"onFailure", "Retry"}};
  EXPECT_FALSE(MiniTwitFromJson(object).ok());
  EXPECT_FALSE(MiniTwitFromJson(Json::array()).ok());
}

TEST(MiniTwitFromJson, SpecRoundTripsThroughJson) {
  Json object = MinimalObject();
  object["spec"]["autoscaling"] = {{"maxReplicas", 5}};
  object["spec"]["rollout"] = {{"maxSurge", "50%"}};
  object["spec"]["database"]["external"]["caKey"] = "ca.crt";
  Parsed<MiniTwit> first = MiniTwitFromJson(object);
  ASSERT_TRUE(first.ok());
  Json again = object;
  again["spec"] = SpecToJson(first.value->spec);
  Parsed<MiniTwit> second = MiniTwitFromJson(again);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(SpecToJson(second.value->spec), SpecToJson(first.value->spec));
  EXPECT_EQ(SpecToJson(first.value->spec)["rollout"]["maxSurge"], "50%");
  EXPECT_EQ(first.value->spec.database.external->ca_key, "ca.crt");
  EXPECT_EQ(SpecToJson(first.value->spec)["database"]["external"]["caKey"], "ca.crt");
}

TEST(MiniTwitFromJson, ReadsScalingBehavior) {
  Json object = MinimalObject();
  object["spec"]["autoscaling"] = Json::parse(R"({"maxReplicas": 10, "behavior": {
      "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                  "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]},
      "scaleDown": {"selectPolicy": "Min",
                    "policies": [{"type": "Pods", "value": 1, "periodSeconds": 30},
                                 {"type": "Percent", "value": 50, "periodSeconds": 300}]}}})");
  Parsed<MiniTwit> parsed = MiniTwitFromJson(object);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  const Autoscaling& a = *parsed.value->spec.autoscaling;
  EXPECT_FALSE(a.scale_down_stabilization_seconds.has_value());
  ASSERT_TRUE(a.behavior.has_value());
  ASSERT_TRUE(a.behavior->scale_up.has_value());
  EXPECT_EQ(a.behavior->scale_up->stabilization_window_seconds, 0);
  EXPECT_EQ(a.behavior->scale_up->select_policy, SelectPolicy::kMax);
  ASSERT_EQ(a.behavior->scale_up->policies.size(), 1u);
  EXPECT_EQ(a.behavior->scale_up->policies[0].type, ScalingPolicyType::kPercent);
  EXPECT_EQ(a.behavior->scale_up->policies[0].value, 50);
  EXPECT_EQ(a.behavior->scale_up->policies[0].period_seconds, 60);
  ASSERT_TRUE(a.behavior->scale_down.has_value());
  EXPECT_FALSE(a.behavior->scale_down->stabilization_window_seconds.has_value());
  EXPECT_EQ(a.behavior->scale_down->select_policy, SelectPolicy::kMin);
  ASSERT_EQ(a.behavior->scale_down->policies.size(), 2u);
  EXPECT_EQ(a.behavior->scale_down->policies[0].type, ScalingPolicyType::kPods);
  EXPECT_TRUE(Validate(parsed.value->spec).empty()) << Validate(parsed.value->spec).front();

  Json again = object;
  again["spec"] = SpecToJson(parsed.value->spec);
  EXPECT_EQ(again["spec"]["autoscaling"]["behavior"], object["spec"]["autoscaling"]["behavior"]);
  EXPECT_FALSE(again["spec"]["autoscaling"].contains("scaleDownStabilizationSeconds"));

  object["spec"]["autoscaling"]["behavior"]["scaleUp"]["selectPolicy"] = "Fastest";
  parsed = MiniTwitFromJson(object);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error.find("spec.autoscaling.behavior.scaleUp.selectPolicy"), std::string::npos) << parsed.error;
  object["spec"]["autoscaling"]["behavior"]["scaleUp"]["selectPolicy"] = "Max";
  object["spec"]["autoscaling"]["behavior"]["scaleDown"]["policies"][1]["type"] = "Ratio";
  parsed = MiniTwitFromJson(object);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error.find("spec.autoscaling.behavior.scaleDown.policies[1].type"), std::string::npos)
      << parsed.error;
}

TEST(MiniTwitFromJson, StatusRoundTripsTheAutoscalerView) {
  MiniTwitStatus status;
  status.desired_replicas = 5;
  status.autoscaler = AutoscalerStatus{3, 5, "2026-11-30T12:00:00Z"};
  const Json json = StatusToJson(status);
  EXPECT_EQ(json["desiredReplicas"], 5);
  EXPECT_EQ(json["autoscaler"], Json::parse(R"({"currentReplicas": 3, "desiredReplicas": 5,
      "lastScaleTime": "2026-11-30T12:00:00Z"})"));
  Json object = MinimalObject();
  object["status"] = json;
  Parsed<MiniTwit> parsed = MiniTwitFromJson(object);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(StatusToJson(parsed.value->status), json);
  EXPECT_FALSE(StatusToJson(MiniTwitStatus{}).contains("autoscaler"));
}

TEST(MiniTwitFromJson, DeletionTimestampMarksDeleting) {
  Json object = MinimalObject();
  object["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(MiniTwitFromJson(object).value->deleting);
}

class ValidateTest : public ::testing::Test {
 protected:
  MiniTwitSpec Valid() {
    MiniTwitSpec spec;
    spec.image = "minitwit:1.0";
    spec.database.external = ExternalDatabase{"pg", "uri", ""};
    spec.resources.requests = {{"cpu", "100m"}};
    return spec;
  }
};

TEST_F(ValidateTest, ValidSpecHasNoErrors) { EXPECT_TRUE(Validate(Valid()).empty()); }

TEST_F(ValidateTest, ImageMustBeNonEmptyWithoutWhitespace) {
  MiniTwitSpec spec = Valid();
  spec.image = "";
  EXPECT_TRUE(HasError(Validate(spec), "spec.image"));
  spec.image = "minitwit: 1.0";
  EXPECT_TRUE(HasError(Validate(spec), "whitespace"));
}

TEST_F(ValidateTest, ExactlyOneDatabase) {
  MiniTwitSpec spec = Valid();
  spec.database.in_cluster = InClusterDatabase{};
  EXPECT_TRUE(HasError(Validate(spec), "exactly one"));
  spec.database.external.reset();
  spec.database.in_cluster.reset();
  EXPECT_TRUE(HasError(Validate(spec), "exactly one"));
}

TEST_F(ValidateTest, AutoscalingBounds) {
  MiniTwitSpec spec = Valid();
  spec.autoscaling = Autoscaling{5, 3, 60, 300, std::nullopt};
  EXPECT_TRUE(HasError(Validate(spec), "minReplicas must be less than or equal to maxReplicas"));
  spec.autoscaling = Autoscaling{2, 5, 0, 300, std::nullopt};
  EXPECT_TRUE(HasError(Validate(spec), "targetCPUUtilizationPercentage"));
  spec.autoscaling = Autoscaling{2, 5, 60, 300, std::nullopt};
  spec.resources.requests.clear();
  EXPECT_TRUE(HasError(Validate(spec), "requests.cpu is required"));
}

TEST_F(ValidateTest, ScalingBehaviorBounds) {
  MiniTwitSpec spec = Valid();
  spec.autoscaling = Autoscaling{2, 5, 60, std::nullopt, ScalingBehavior{}};
  EXPECT_TRUE(Validate(spec).empty());
  ScalingRules& up = spec.autoscaling->behavior->scale_up.emplace();
  up.stabilization_window_seconds = 3601;
  up.policies = {{ScalingPolicyType::kPods, 0, 15}, {ScalingPolicyType::kPercent, 50, 1801}};
  const std::vector<std::string> errors = Validate(spec);
  EXPECT_TRUE(HasError(errors, "behavior.scaleUp.stabilizationWindowSeconds must be between 0 and 3600"));
  EXPECT_TRUE(HasError(errors, "behavior.scaleUp.policies[0].value must be greater than zero"));
  EXPECT_TRUE(HasError(errors, "behavior.scaleUp.policies[1].periodSeconds must be between 1 and 1800"));
  EXPECT_EQ(errors.size(), 3u);
  up = ScalingRules{0, SelectPolicy::kMax, std::vector<ScalingPolicy>(11, {ScalingPolicyType::kPods, 1, 15})};
  EXPECT_TRUE(HasError(Validate(spec), "at most 10 policies"));
}

TEST_F(ValidateTest, BothSpellingsOfTheScaleDownWindowMustAgree) {
  MiniTwitSpec spec = Valid();
  spec.autoscaling = Autoscaling{2, 5, 60, 300, ScalingBehavior{}};
  spec.autoscaling->behavior->scale_down = ScalingRules{120, std::nullopt, {}};
  EXPECT_TRUE(HasError(Validate(spec), kStabilizationConflictMessage));
  spec.autoscaling->scale_down_stabilization_seconds = 120;
  EXPECT_TRUE(Validate(spec).empty());
  spec.autoscaling->scale_down_stabilization_seconds.reset();
  EXPECT_TRUE(Validate(spec).empty());
}

TEST_F(ValidateTest, HotStandbyRules) {
  MiniTwitSpec spec = Valid();
  spec.mode = Mode::kHotStandby;
  EXPECT_TRUE(Validate(spec).empty());
  spec.replicas = 3;
  EXPECT_TRUE(HasError(Validate(spec), "must be 2 in HotStandby"));
  spec.replicas = 2;
  spec.autoscaling = Autoscaling{2, 4, 60, 300, std::nullopt};
  EXPECT_TRUE(HasError(Validate(spec), "not allowed in HotStandby"));
}

TEST_F(ValidateTest, RolloutRules) {
  MiniTwitSpec spec = Valid();
  spec.rollout.max_surge = IntOrString(int64_t{0});
  spec.rollout.max_unavailable = IntOrString(std::string("0%"));
  EXPECT_TRUE(HasError(Validate(spec), "must not both be zero"));
  spec.rollout.max_surge = IntOrString(std::string("abc"));
  EXPECT_TRUE(HasError(Validate(spec), "maxSurge must be"));
  spec.rollout.max_surge = IntOrString(int64_t{-1});
  EXPECT_TRUE(HasError(Validate(spec), "maxSurge must be"));
  spec.rollout.max_surge = IntOrString(int64_t{1});
  spec.rollout.progress_deadline_seconds = 5;
  EXPECT_TRUE(HasError(Validate(spec), "progressDeadlineSeconds"));
}

TEST_F(ValidateTest, ResourcesAndSecrets) {
  MiniTwitSpec spec = Valid();
  spec.resources.requests = {{"cpu", "2"}};
  spec.resources.limits = {{"cpu", "500m"}};
  EXPECT_TRUE(HasError(Validate(spec), "must not exceed"));
  spec.resources.limits = {{"cpu", "lots"}};
  EXPECT_TRUE(HasError(Validate(spec), "not a quantity"));
  spec = Valid();
  spec.database.external->secret_name = "Bad_Name";
  EXPECT_TRUE(HasError(Validate(spec), "secretName"));
  spec = Valid();
  spec.database.external.reset();
  spec.database.in_cluster = InClusterDatabase{};
  spec.database.in_cluster->storage = "0";
  EXPECT_TRUE(HasError(Validate(spec), "storage must be a positive quantity"));
  spec = Valid();
  spec.port = 80;
  EXPECT_TRUE(HasError(Validate(spec), "spec.port"));
}

TEST(Quantity, ParsesSuffixes) {
  EXPECT_EQ(Quantity::Parse("100m")->MilliValue(), 100);
  EXPECT_EQ(Quantity::Parse("1")->MilliValue(), 1000);
  EXPECT_EQ(Quantity::Parse("0.5")->MilliValue(), 500);
  EXPECT_EQ(Quantity::Parse("1Ki")->Value(), 1024);
  EXPECT_EQ(Quantity::Parse("64Mi")->Value(), 64LL * 1024 * 1024);
  EXPECT_EQ(Quantity::Parse("1Gi")->Value(), 1024LL * 1024 * 1024);
  EXPECT_EQ(Quantity::Parse("2k")->Value(), 2000);
  EXPECT_EQ(Quantity::Parse("1e3")->Value(), 1000);
  EXPECT_EQ(Quantity::Parse("1.5G")->Value(), 1500000000);
  EXPECT_EQ(Quantity::Parse("-1")->Value(), -1);
  EXPECT_EQ(Quantity::Parse("1Gi")->text(), "1Gi");
}

TEST(Quantity, RejectsGarbage) {
  for (const char* text : {"", "abc", "1Gb", "1 Gi", "Mi", "1.2.3", "--1", "1e"}) {
    EXPECT_FALSE(Quantity::Parse(text).has_value()) << text;
  }
}

TEST(Quantity, ComparesByValue) {
  EXPECT_TRUE(SameQuantity("500m", "0.5"));
  EXPECT_TRUE(SameQuantity("1Gi", "1073741824"));
  EXPECT_TRUE(SameQuantity("1000m", "1"));
  EXPECT_FALSE(SameQuantity("1G", "1Gi"));
  EXPECT_FALSE(SameQuantity("abc", "abc"));
  EXPECT_TRUE(*Quantity::Parse("100m") < *Quantity::Parse("1"));
  EXPECT_FALSE(*Quantity::Parse("1") < *Quantity::Parse("1000m"));
}

TEST(IntOrString, JsonAndValidity) {
  EXPECT_EQ(IntOrString::FromJson(3)->IntValue(), 3);
  EXPECT_EQ(IntOrString::FromJson("25%")->StringValue(), "25%");
  EXPECT_FALSE(IntOrString::FromJson(true).has_value());
  EXPECT_FALSE(IntOrString::FromJson(1.5).has_value());
  EXPECT_EQ(IntOrString(int64_t{2}).ToJson(), Json(2));
  EXPECT_EQ(IntOrString(std::string("10%")).ToJson(), Json("10%"));
  EXPECT_TRUE(IntOrString(std::string("100%")).IsValid());
  EXPECT_FALSE(IntOrString(std::string("5")).IsValid());
  EXPECT_FALSE(IntOrString(std::string("%")).IsValid());
  EXPECT_FALSE(IntOrString(int64_t{-1}).IsValid());
}

TEST(IntOrString, ResolvesPercentagesLikeTheDeploymentController) {
  EXPECT_EQ(IntOrString(std::string("25%")).Resolve(10, true), 3);
  EXPECT_EQ(IntOrString(std::string("25%")).Resolve(10, false), 2);
  EXPECT_EQ(IntOrString(int64_t{4}).Resolve(10, true), 4);
  EXPECT_FALSE(IntOrString(std::string("x")).Resolve(10, true).has_value());
}

}  // namespace
}  // namespace minitwit::api
