// RestKubeClient against a real kube-apiserver.
#include "kube/rest_kube_client.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kube_test_env.hpp"

namespace minitwit::kube {
namespace {

using testing::kConfigMapType;
using testing::KubeTest;

std::string Version(const Json& object) { return object["metadata"]["resourceVersion"].get<std::string>(); }

using ServiceAccountToken = std::string;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

class RestKubeClientTest : public KubeTest {
 protected:
  // A bound token of a fresh ServiceAccount through the TokenRequest API ("" on failure).
  ServiceAccountToken IssueToken() {
    const ResourceType service_accounts{"", "v1", "serviceaccounts", "ServiceAccount"};
    Json account = {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "reader"}}}};
    if (!client_->Create(service_accounts, ns_, account).ok()) return "";
    // POST .../serviceaccounts/reader/token: the subresource path as a collection.
    const ResourceType token_requests{"", "v1", "serviceaccounts/reader/token", "TokenRequest"};
    Json request = {{"apiVersion", "authentication.k8s.io/v1"},
                    {"kind", "TokenRequest"},
                    {"spec", {{"expirationSeconds", 600}}}};
    auto issued = client_->Create(token_requests, ns_, request);
    if (!issued.ok()) return "";
    return issued.value()["status"].value("token", "");
  }
};

TEST_F(RestKubeClientTest, CreatesReadsReplacesPatchesListsAndDeletesAConfigMap) {
  auto created = client_->Create(kConfigMapType, ns_, ConfigMap("settings", {{"a", "1"}}, {{"tier", "web"}}));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created.value()["data"]["a"], "1");

  auto again = client_->Create(kConfigMapType, ns_, ConfigMap("settings", {{"a", "1"}}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().status, 409);
  EXPECT_EQ(again.error().reason, "AlreadyExists");

  auto read = client_->Get(kConfigMapType, ns_, "settings");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(Version(read.value()), Version(created.value()));

  Json changed = read.value();
  changed["data"]["a"] = "2";
  auto replaced = client_->Replace(kConfigMapType, ns_, "settings", changed);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced.value()["data"]["a"], "2");

  // The resourceVersion just used is stale now: optimistic concurrency answers 409 Conflict.
  auto stale = client_->Replace(kConfigMapType, ns_, "settings", changed);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.error().IsConflict());

  auto patched = client_->Patch(kConfigMapType, ns_, "settings", Json{{"data", {{"b", "x y/z&=?"}}}}, PatchType::kMerge);
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  EXPECT_EQ(patched.value()["data"]["b"], "x y/z&=?");
  auto strategic = client_->Patch(kConfigMapType, ns_, "settings", Json{{"data", {{"c", "3"}}}},
                                  PatchType::kStrategicMerge);
  ASSERT_TRUE(strategic.ok()) << strategic.error().message;
  auto json_patch = client_->Patch(kConfigMapType, ns_, "settings",
                                   Json::array({{{"op", "remove"}, {"path", "/data/c"}}}), PatchType::kJson);
  ASSERT_TRUE(json_patch.ok()) << json_patch.error().message;
  EXPECT_FALSE(json_patch.value()["data"].contains("c"));

  ASSERT_TRUE(client_->Create(kConfigMapType, ns_, ConfigMap("other", {}, {{"tier", "db"}})).ok());
  ListOptions by_label;
  by_label.label_selector = "tier in (web,cache),!missing";
  auto listed = client_->List(kConfigMapType, ns_, by_label);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed.value()["items"].size(), 1u);
  EXPECT_EQ(listed.value()["items"][0]["metadata"]["name"], "settings");
  EXPECT_FALSE(listed.value()["metadata"].value("resourceVersion", "").empty());

  ListOptions paged;
  paged.limit = 1;
  auto page = client_->List(kConfigMapType, ns_, paged);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value()["items"].size(), 1u);
  paged.continue_token = page.value()["metadata"].value("continue", "");
  ASSERT_FALSE(paged.continue_token.empty());
  auto next = client_->List(kConfigMapType, ns_, paged);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_GE(next.value()["items"].size(), 1u);

  EXPECT_TRUE(client_->Delete(kConfigMapType, ns_, "settings").ok());
  auto gone = client_->Get(kConfigMapType, ns_, "settings");
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.error().IsNotFound());
  EXPECT_EQ(gone.error().reason, "NotFound");
  auto delete_again = client_->Delete(kConfigMapType, ns_, "settings");
  ASSERT_FALSE(delete_again.ok());
  EXPECT_TRUE(delete_again.error().IsNotFound());

  EXPECT_GE(metrics_.api_requests.Value({"controller", "create"}), 3.0);
  EXPECT_EQ(metrics_.api_requests.Value({"controller", "update"}), 2.0);
  EXPECT_EQ(metrics_.api_requests.Value({"controller", "patch"}), 3.0);
  EXPECT_EQ(metrics_.api_requests.Value({"controller", "delete"}), 2.0);
}

TEST_F(RestKubeClientTest, ServerSideApplyIsIdempotent) {
  Json desired = ConfigMap("applied", {{"key", "value"}});
  auto first = client_->Apply(kConfigMapType, ns_, "applied", desired, "minitwit-operator-test");
  ASSERT_TRUE(first.ok()) << first.error().status << " " << first.error().message;
  auto second = client_->Apply(kConfigMapType, ns_, "applied", desired, "minitwit-operator-test");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(Version(second.value()), Version(first.value())) << "a no-op apply must not write";

  bool has_manager = false;
  for (const auto& entry : second.value()["metadata"]["managedFields"]) {
    if (entry.value("manager", "") == "minitwit-operator-test" && entry.value("operation", "") == "Apply") {
      has_manager = true;
    }
  }
  EXPECT_TRUE(has_manager);

  desired["data"]["key"] = "changed";
  auto third = client_->Apply(kConfigMapType, ns_, "applied", desired, "minitwit-operator-test");
  ASSERT_TRUE(third.ok());
  EXPECT_NE(Version(third.value()), Version(first.value()));
  EXPECT_EQ(third.value()["data"]["key"], "changed");
  EXPECT_EQ(metrics_.api_requests.Value({"controller", "apply"}), 3.0);

  // force=true: another manager's field is taken over instead of conflicting.
  Json other = ConfigMap("applied", {{"key", "theirs"}});
  ASSERT_TRUE(client_->Apply(kConfigMapType, ns_, "applied", other, "someone-else").ok());
  auto taken = client_->Apply(kConfigMapType, ns_, "applied", desired, "minitwit-operator-test");
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_EQ(taken.value()["data"]["key"], "changed");
}

TEST_F(RestKubeClientTest, InvalidObjectIsDecodedFromStatus) {
  Json bad = ConfigMap("Not_A_Valid_Name", {});
  auto result = client_->Create(kConfigMapType, ns_, bad);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, 422);
  EXPECT_EQ(result.error().reason, "Invalid");
  EXPECT_NE(result.error().message.find("Not_A_Valid_Name"), std::string::npos);
}

TEST_F(RestKubeClientTest, WatchStreamsEventsAsTheyHappenAndStopsOnRequest) {
  auto list = client_->List(kConfigMapType, ns_, {});
  ASSERT_TRUE(list.ok());
  ListOptions options;
  options.resource_version = list.value()["metadata"]["resourceVersion"];
  options.timeout_seconds = 60;

  std::mutex mutex;
  std::vector<std::pair<WatchEvent::Type, std::string>> events;
  std::stop_source stop;
  Status watch_status = Ok();
  std::jthread watcher([&] {
    watch_status = client_->Watch(
        kConfigMapType, ns_, options,
        [&](const WatchEvent& event) {
          std::lock_guard lock(mutex);
          events.emplace_back(event.type, event.object["metadata"].value("name", ""));
          return true;
        },
        stop.get_token());
  });
  auto seen = [&](WatchEvent::Type type, const std::string& name) {
    return Eventually([&] {
      std::lock_guard lock(mutex);
      for (const auto& [t, n] : events) {
        if (t == type && n == name) return true;
      }
      return false;
    });
  };

  // Each event must arrive while the stream is still open (not when the body ends).
  ASSERT_TRUE(client_->Create(kConfigMapType, ns_, ConfigMap("watched", {{"v", "1"}})).ok());
  EXPECT_TRUE(seen(WatchEvent::Type::kAdded, "watched"));
  ASSERT_TRUE(client_->Patch(kConfigMapType, ns_, "watched", Json{{"data", {{"v", "2"}}}}, PatchType::kMerge).ok());
  EXPECT_TRUE(seen(WatchEvent::Type::kModified, "watched"));
  ASSERT_TRUE(client_->Delete(kConfigMapType, ns_, "watched").ok());
  EXPECT_TRUE(seen(WatchEvent::Type::kDeleted, "watched"));

  auto before_stop = std::chrono::steady_clock::now();
  stop.request_stop();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - before_stop, std::chrono::seconds(3));
  EXPECT_TRUE(watch_status.ok()) << watch_status.error().message;
  EXPECT_EQ(metrics_.api_requests.Value({"controller", "watch"}), 1.0);
}

// A metadata-only list and watch (the operator's watch of the user's Secrets) carry names and
// versions, never the values.
TEST_F(RestKubeClientTest, MetadataOnlyListAndWatchCarryNoData) {
  ASSERT_TRUE(client_->Create(kConfigMapType, ns_, ConfigMap("listed", {{"password", "hunter2"}})).ok());
  ListOptions options;
  options.metadata_only = true;
  auto list = client_->List(kConfigMapType, ns_, options);
  ASSERT_TRUE(list.ok()) << list.error().message;
  // The namespace may also hold kube-root-ca.crt, which the controller manager publishes.
  Json item;
  for (const Json& candidate : list.value()["items"]) {
    if (candidate["metadata"].value("name", "") == "listed") item = candidate;
  }
  ASSERT_TRUE(item.is_object()) << "no ConfigMap 'listed' in " << list.value().dump();
  EXPECT_FALSE(item.contains("data")) << item.dump();
  EXPECT_EQ(list.value().dump().find("hunter2"), std::string::npos);

  options.resource_version = list.value()["metadata"]["resourceVersion"];
  options.timeout_seconds = 30;
  std::mutex mutex;
  std::vector<Json> events;
  std::stop_source stop;
  std::jthread watcher([&] {
    (void)client_->Watch(
        kConfigMapType, ns_, options,
        [&](const WatchEvent& event) {
          std::lock_guard lock(mutex);
          events.push_back(event.object);
          return true;
        },
        stop.get_token());
  });
  ASSERT_TRUE(client_->Patch(kConfigMapType, ns_, "listed", Json{{"data", {{"password", "hunter3"}}}},
                             PatchType::kMerge).ok());
  EXPECT_TRUE(Eventually([&] {
    std::lock_guard lock(mutex);
    return !events.empty();
  }));
  stop.request_stop();
  watcher.join();
  std::lock_guard lock(mutex);
  ASSERT_FALSE(events.empty());
  for (const Json& object : events) {
    EXPECT_FALSE(object.contains("data")) << object.dump();
    EXPECT_EQ(object.dump().find("hunter3"), std::string::npos);
  }
  EXPECT_TRUE(std::any_of(events.begin(), events.end(),
                          [](const Json& o) { return o["metadata"].value("name", "") == "listed"; }));
}

TEST_F(RestKubeClientTest, WatchEndsWhenTheCallbackSaysSoOrTheServerTimesOut) {
  ASSERT_TRUE(client_->Create(kConfigMapType, ns_, ConfigMap("one", {})).ok());
  ListOptions from_start;
  from_start.resource_version = "0";  // "any": starts with synthetic ADDED events
  int calls = 0;
  auto status = client_->Watch(
      kConfigMapType, ns_, from_start, [&](const WatchEvent&) { return ++calls < 1; }, std::stop_token());
  EXPECT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(calls, 1);

  ListOptions short_watch;
  short_watch.resource_version = client_->List(kConfigMapType, ns_, {}).value()["metadata"]["resourceVersion"];
  short_watch.timeout_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  auto ended = client_->Watch(kConfigMapType, ns_, short_watch, [](const WatchEvent&) { return true; }, std::stop_token());
  EXPECT_TRUE(ended.ok()) << ended.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(RestKubeClientTest, WatchFromAnExpiredResourceVersionIsGone) {
  // The watch cache answers 410 for a resourceVersion older than its window. A custom
  // resource's cache starts when its CRD is established, so resourceVersion 1 is always out.
  InstallCrd();
  const ResourceType minitwits{"minitwit.dev", "v1alpha1", "minitwits", "MiniTwit"};
  ListOptions ancient;
  ancient.resource_version = "1";
  ancient.timeout_seconds = 5;
  int events = 0;
  auto watch = [&] {
    return client_->Watch(minitwits, ns_, ancient, [&](const WatchEvent&) { return ++events < 1000; },
                          std::stop_token());
  };
  // Right after the CRD is established its watch cache may still be initializing, which the
  // server answers with 429 TooManyRequests; a client retries that.
  auto status = watch();
  for (int i = 0; i < 50 && !status.ok() && status.error().reason == "TooManyRequests"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = watch();
  }
  ASSERT_FALSE(status.ok()) << "resourceVersion 1 was served (" << events << " events)";
  EXPECT_TRUE(status.error().IsGone()) << status.error().status << " " << status.error().reason << " "
                                       << status.error().message;
  EXPECT_EQ(status.error().reason, "Expired");
}

TEST_F(RestKubeClientTest, BadCredentialsAreUnauthorized) {
  ClusterConnection anonymous = connection_;
  anonymous.client_cert_pem.clear();
  anonymous.client_key_pem.clear();
  anonymous.token = "not-a-valid-token";
  RestKubeClient client(anonymous, metrics_);
  auto result = client.Get(kConfigMapType, ns_, "anything");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().status, 401);
}

TEST_F(RestKubeClientTest, TokenFileIsReReadWhenItChanges) {
  // Two service-account tokens: the first works; after the file is rewritten with garbage,
  // requests are refused, so the client must have picked the change up.
  ServiceAccountToken token = IssueToken();
  ASSERT_FALSE(token.empty()) << "the API server issued no service-account token (TokenRequest)";
  const std::string file = ::testing::TempDir() + "/token-" + ns_;
  // A live credential: removed however the test ends.
  struct RemoveOnExit {
    const std::string& path;
    ~RemoveOnExit() { std::remove(path.c_str()); }
  } remove_token{file};
  WriteFile(file, token);
  ClusterConnection by_token = connection_;
  by_token.client_cert_pem.clear();
  by_token.client_key_pem.clear();
  by_token.token_file = file;
  RestKubeClient client(by_token, metrics_);
  auto allowed = client.Get(kConfigMapType, ns_, "kube-root-ca.crt");
  // The service account has no RBAC: authenticated (403), not anonymous (401).
  ASSERT_FALSE(allowed.ok());
  EXPECT_EQ(allowed.error().status, 403) << allowed.error().message;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WriteFile(file, "garbage");
  auto refused = client.Get(kConfigMapType, ns_, "kube-root-ca.crt");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 401);
}

TEST(RestKubeClientTransportTest, ConnectionRefusedIsATransportError) {
  observability::Registry registry;
  observability::OperatorMetrics metrics(registry);
  ClusterConnection nowhere;
  nowhere.server = "https://127.0.0.1:1";
  RestKubeClient client(nowhere, metrics);
  auto result = client.Get(kConfigMapType, "default", "x");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsTransport());
  EXPECT_FALSE(result.error().message.empty());
  auto watch = client.Watch(kConfigMapType, "default", {}, [](const WatchEvent&) { return true; }, std::stop_token());
  ASSERT_FALSE(watch.ok());
  EXPECT_TRUE(watch.error().IsTransport());
  // client-go's code for a request that got no response, for the get and the watch alike.
  EXPECT_EQ(metrics.rest_requests.Value({"<error>", "GET", "127.0.0.1:1"}), 2.0);
}

}  // namespace
}  // namespace minitwit::kube
