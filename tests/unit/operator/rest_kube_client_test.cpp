// RestKubeClient's URL building, Status decoding and watch streaming against a fake server.
#include "kube/rest_kube_client.hpp"

#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "observability/http_server.hpp"

namespace minitwit::kube {
namespace {

const ResourceType kPods{"", "v1", "pods", "Pod"};
const ResourceType kDeployments{"apps", "v1", "deployments", "Deployment"};
const ResourceType kNodes{"", "v1", "nodes", "Node", false};
const ResourceType kMiniTwits{"minitwit.dev", "v1alpha1", "minitwits", "MiniTwit"};

TEST(ResourcePathTest, BuildsCoreGroupNamespacedAndClusterScopedPaths) {
  EXPECT_EQ(ResourcePath(kPods, "default"), "/api/v1/namespaces/default/pods");
  EXPECT_EQ(ResourcePath(kPods, ""), "/api/v1/pods");
  EXPECT_EQ(ResourcePath(kDeployments, "prod", "web"), "/apis/apps/v1/namespaces/prod/deployments/web");
  EXPECT_EQ(ResourcePath(kMiniTwits, "prod", "site", "status"),
            "/apis/minitwit.dev/v1alpha1/namespaces/prod/minitwits/site/status");
  EXPECT_EQ(ResourcePath(kNodes, "ignored", "node-1"), "/api/v1/nodes/node-1");
}

TEST(ListQueryTest, EscapesSelectorsAndAddsWatchOptions) {
  ListOptions options;
  options.label_selector = "app.kubernetes.io/instance=a b,tier in (x,y),!gone";
  options.limit = 50;
  options.continue_token = "abc+/=";
  EXPECT_EQ(ListQuery(options, false),
            "?labelSelector=app.kubernetes.io%2Finstance%3Da%20b%2Ctier%20in%20%28x%2Cy%29%2C%21gone"
            "&limit=50&continue=abc%2B%2F%3D");
  ListOptions watch;
  watch.resource_version = "123";
  watch.timeout_seconds = 300;
  watch.field_selector = "metadata.name=x";
  EXPECT_EQ(ListQuery(watch, true),
            "?watch=1&fieldSelector=metadata.name%3Dx&resourceVersion=123&allowWatchBookmarks=true&timeoutSeconds=300");
  ListOptions empty;
  empty.allow_bookmarks = false;
  EXPECT_EQ(ListQuery(empty, false), "");
  EXPECT_EQ(ListQuery(empty, true), "?watch=1");
}

TEST(DecodeStatusTest, ReadsMetaV1Status) {
  auto error = DecodeStatus(409, R"({"kind":"Status","apiVersion":"v1","status":"Failure",
      "message":"Operation cannot be fulfilled","reason":"Conflict","code":409})");
  EXPECT_EQ(error.status, 409);
  EXPECT_EQ(error.reason, "Conflict");
  EXPECT_EQ(error.message, "Operation cannot be fulfilled");
  EXPECT_TRUE(error.IsConflict());
}

TEST(DecodeStatusTest, FallsBackToTheHttpStatusForOtherBodies) {
  auto error = DecodeStatus(503, "<html>proxy down</html>");
  EXPECT_EQ(error.status, 503);
  EXPECT_EQ(error.reason, "InternalError");
  EXPECT_EQ(error.message, "<html>proxy down</html>");
  EXPECT_EQ(DecodeStatus(404, "").reason, "NotFound");
}

TEST(ParseWatchLineTest, ReadsEveryEventType) {
  auto added = ParseWatchLine(R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})");
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added.value().type, WatchEvent::Type::kAdded);
  EXPECT_EQ(added.value().object["metadata"]["name"], "a");
  EXPECT_EQ(ParseWatchLine(R"({"type":"MODIFIED","object":{}})").value().type, WatchEvent::Type::kModified);
  EXPECT_EQ(ParseWatchLine(R"({"type":"DELETED","object":{}})").value().type, WatchEvent::Type::kDeleted);
  EXPECT_EQ(ParseWatchLine(R"({"type":"BOOKMARK","object":{}})").value().type, WatchEvent::Type::kBookmark);
  EXPECT_EQ(ParseWatchLine(R"({"type":"ERROR","object":{}})").value().type, WatchEvent::Type::kError);
  EXPECT_FALSE(ParseWatchLine("{not json").ok());
  EXPECT_FALSE(ParseWatchLine(R"({"type":"SURPRISE"})").ok());
}

// A fake API server on a loopback port; answers are queued per test.
class FakeApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<observability::HttpServer>("127.0.0.1:0", [this](const observability::HttpRequest& r) {
      std::lock_guard lock(mutex_);
      requests_.push_back(r);
      if (responses_.empty()) return observability::HttpResponse{500, "text/plain", "no answer queued"};
      auto response = responses_.front();
      responses_.erase(responses_.begin());
      return response;
    });
    ClusterConnection connection;
    connection.server = "http://127.0.0.1:" + std::to_string(server_->Port());
    connection.token = "secret-token";
    client_ = std::make_unique<RestKubeClient>(connection, metrics_);
  }

  void Answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    responses_.push_back({status, "application/json", std::move(body)});
  }

  observability::HttpRequest Request(std::size_t i) {
    std::lock_guard lock(mutex_);
    return requests_.at(i);
  }

  observability::Registry registry_;
  observability::OperatorMetrics metrics_{registry_};
  std::unique_ptr<observability::HttpServer> server_;
  std::unique_ptr<RestKubeClient> client_;
  std::mutex mutex_;
  std::vector<observability::HttpResponse> responses_;
  std::vector<observability::HttpRequest> requests_;
};

TEST_F(FakeApiServerTest, GetReturnsTheObjectAndCountsTheVerb) {
  Answer(200, R"({"kind":"Pod","metadata":{"name":"p"}})");
  auto pod = client_->Get(kPods, "ns", "p");
  ASSERT_TRUE(pod.ok()) << pod.error().message;
  EXPECT_EQ(pod.value()["metadata"]["name"], "p");
  EXPECT_EQ(Request(0).method, "GET");
  EXPECT_EQ(Request(0).target, "/api/v1/namespaces/ns/pods/p");
  EXPECT_EQ(metrics_.api_requests.Value({"controller", "get"}), 1.0);
  EXPECT_EQ(metrics_.WriteRequests(), 0.0);
  // client-go's name and labels, the host as in the server URL.
  ASSERT_EQ(metrics_.rest_requests.SeriesCount(), 1u);
  EXPECT_EQ(metrics_.rest_requests.SumWhere({{"code", "200"}, {"method", "GET"}}), 1.0);
  EXPECT_NE(registry_.Render().find("rest_client_requests_total{code=\"200\",method=\"GET\",host=\"127.0.0.1:"),
            std::string::npos);
}

TEST_F(FakeApiServerTest, ErrorStatusBecomesApiError) {
  Answer(404, R"({"kind":"Status","status":"Failure","reason":"NotFound","message":"pods \"p\" not found","code":404})");
  auto pod = client_->Get(kPods, "ns", "p");
  ASSERT_FALSE(pod.ok());
  EXPECT_TRUE(pod.error().IsNotFound());
  EXPECT_EQ(pod.error().message, "pods \"p\" not found");
  EXPECT_EQ(metrics_.rest_requests.SumWhere({{"code", "404"}, {"method", "GET"}}), 1.0);
}

TEST_F(FakeApiServerTest, ApplySendsApplyPatchYamlWithFieldManagerAndForce) {
  Answer(200, R"({"kind":"Deployment","metadata":{"name":"web","resourceVersion":"7"}})");
  Json desired = {{"spec", {{"replicas", 2}}}, {"metadata", {{"namespace", "prod"}}}};
  auto applied = client_->Apply(kDeployments, "prod", "web", desired, "minitwit operator");
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  auto request = Request(0);
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.target, "/apis/apps/v1/namespaces/prod/deployments/web?fieldManager=minitwit%20operator&force=true");
  EXPECT_EQ(request.content_type, "application/apply-patch+yaml");
  Json body = Json::parse(request.body);
  EXPECT_EQ(body["apiVersion"], "apps/v1");
  EXPECT_EQ(body["kind"], "Deployment");
  EXPECT_EQ(body["metadata"]["name"], "web");
  EXPECT_EQ(metrics_.api_requests.Value({"controller", "apply"}), 1.0);
  EXPECT_EQ(metrics_.WriteRequests(), 1.0);
}

TEST_F(FakeApiServerTest, PatchTypesAndDeleteUseTheirContentTypesAndPropagation) {
  Answer(200, "{}");
  Answer(200, "{}");
  Answer(200, R"({"kind":"Status","status":"Success"})");
  ASSERT_TRUE(client_->Patch(kPods, "ns", "p", Json{{"a", 1}}, PatchType::kMerge, "status").ok());
  ASSERT_TRUE(client_->Patch(kPods, "ns", "p", Json::array(), PatchType::kJson).ok());
  ASSERT_TRUE(client_->Delete(kPods, "ns", "p").ok());
  EXPECT_EQ(Request(0).target, "/api/v1/namespaces/ns/pods/p/status");
  EXPECT_EQ(Request(0).content_type, "application/merge-patch+json");
  EXPECT_EQ(Request(1).content_type, "application/json-patch+json");
  EXPECT_EQ(Request(2).method, "DELETE");
  EXPECT_EQ(Request(2).target, "/api/v1/namespaces/ns/pods/p?propagationPolicy=Background");
}

TEST_F(FakeApiServerTest, WatchDeliversEventsAndTurnsAnErrorEvent410IntoGone) {
  Answer(200,
         R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}})" "\n"
         R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"6"}}})" "\n"
         R"json({"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 5 (9)","reason":"Expired","code":410}})json" "\n");
  std::vector<WatchEvent::Type> seen;
  ListOptions options;
  options.resource_version = "4";
  options.label_selector = "app=x";
  auto status = client_->Watch(kPods, "ns", options,
                               [&](const WatchEvent& event) {
                                 seen.push_back(event.type);
                                 return true;
                               },
                               std::stop_token());
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().IsGone());
  EXPECT_EQ(status.error().reason, "Expired");
  EXPECT_EQ(seen, (std::vector<WatchEvent::Type>{WatchEvent::Type::kAdded, WatchEvent::Type::kBookmark}));
  EXPECT_EQ(Request(0).target,
            "/api/v1/namespaces/ns/pods?watch=1&labelSelector=app%3Dx&resourceVersion=4&allowWatchBookmarks=true");
}

TEST_F(FakeApiServerTest, WatchHttp410IsGoneToo) {
  Answer(410, R"({"kind":"Status","reason":"Expired","message":"gone","code":410})");
  auto status = client_->Watch(kPods, "", {}, [](const WatchEvent&) { return true; }, std::stop_token());
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().IsGone());
}

TEST_F(FakeApiServerTest, WatchThatEndsNormallyIsOk) {
  Answer(200, R"({"type":"MODIFIED","object":{"metadata":{"name":"a"}}})" "\n");
  int events = 0;
  auto status = client_->Watch(kPods, "", {}, [&](const WatchEvent&) { return ++events > 0; }, std::stop_token());
  EXPECT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(events, 1);
}

TEST(RestKubeClientTest, RejectsBrokenPem) {
  observability::Registry registry;
  observability::OperatorMetrics metrics(registry);
  ClusterConnection connection;
  connection.server = "https://127.0.0.1:6443";
  connection.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  EXPECT_THROW(RestKubeClient(connection, metrics), std::invalid_argument);
}

}  // namespace
}  // namespace minitwit::kube
