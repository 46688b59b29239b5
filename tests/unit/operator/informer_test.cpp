// Informer event handling against a scripted KubeClient: list, watch, 410 -> relist,
// back-off after errors, resync.
#include "controller/informer.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

namespace minitwit::controller {
namespace {

using namespace std::chrono_literals;
using kube::Json;

const kube::ResourceType kConfigMaps{"", "v1", "configmaps", "ConfigMap"};

Json Object(const std::string& name, const std::string& version, const std::string& ns = "ns") {
  return {{"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", version}, {"labels", {{"app", "x"}}}}}};
}

Json ListOf(std::vector<Json> items, const std::string& version, const std::string& next = "") {
  Json list = {{"kind", "ConfigMapList"}, {"items", items}, {"metadata", {{"resourceVersion", version}}}};
  if (!next.empty()) list["metadata"]["continue"] = next;
  return list;
}

// Lists and watches answer from scripts; an exhausted watch script blocks until stopped.
class ScriptedWatchClient : public kube::KubeClient {
 public:
  struct WatchScript {
    std::vector<kube::WatchEvent> events;
    kube::Status end = kube::Ok();
  };

  void AddList(kube::Result<Json> list) {
    std::lock_guard lock(mutex_);
    lists_.push_back(std::move(list));
  }
  void AddWatch(WatchScript script) {
    std::lock_guard lock(mutex_);
    watches_.push_back(std::move(script));
    cv_.notify_all();
  }
  std::vector<kube::ListOptions> ListCalls() {
    std::lock_guard lock(mutex_);
    return list_calls_;
  }
  std::vector<kube::ListOptions> WatchCalls() {
    std::lock_guard lock(mutex_);
    return watch_calls_;
  }

  kube::Result<Json> List(const kube::ResourceType&, const std::string&, const kube::ListOptions& options) override {
    std::lock_guard lock(mutex_);
    list_calls_.push_back(options);
    if (lists_.empty()) return kube::ApiError{0, "Transport", "no list scripted"};
    auto result = lists_.front();
    lists_.pop_front();
    return result;
  }
  kube::Status Watch(const kube::ResourceType&, const std::string&, const kube::ListOptions& options,
                     const std::function<bool(const kube::WatchEvent&)>& on_event, std::stop_token stop) override {
    WatchScript script;
    {
      std::unique_lock lock(mutex_);
      watch_calls_.push_back(options);
      cv_.wait(lock, stop, [&] { return !watches_.empty(); });
      if (stop.stop_requested()) return kube::Ok();
      script = watches_.front();
      watches_.pop_front();
    }
    for (const auto& event : script.events) {
      if (!on_event(event)) return kube::Ok();
    }
    return script.end;
  }

  kube::Result<Json> Get(const kube::ResourceType&, const std::string&, const std::string&) override { return Unused(); }
  kube::Result<Json> Create(const kube::ResourceType&, const std::string&, const Json&) override { return Unused(); }
  kube::Result<Json> Replace(const kube::ResourceType&, const std::string&, const std::string&, const Json&,
                             const std::string&) override {
    return Unused();
  }
  kube::Result<Json> Patch(const kube::ResourceType&, const std::string&, const std::string&, const Json&,
                           kube::PatchType, const std::string&) override {
    return Unused();
  }
  kube::Result<Json> Apply(const kube::ResourceType&, const std::string&, const std::string&, const Json&,
                           const std::string&, const std::string&) override {
    return Unused();
  }
  kube::Status Delete(const kube::ResourceType&, const std::string&, const std::string&) override { return Unused().error(); }

 private:
  static kube::Result<Json> Unused() { return kube::ApiError{500, "Unused", "not scripted"}; }

  std::mutex mutex_;
  std::condition_variable_any cv_;
  std::deque<kube::Result<Json>> lists_;
  std::deque<WatchScript> watches_;
  std::vector<kube::ListOptions> list_calls_;
  std::vector<kube::ListOptions> watch_calls_;
};

class InformerTest : public ::testing::Test {
 protected:
  InformerTest() {
    options_.type = kConfigMaps;
    options_.ns = "ns";
    options_.label_selector = "app=x";
    options_.page_size = 2;
    options_.initial_backoff = 1ms;
    options_.max_backoff = 4ms;
  }

  void Start() {
    informer_ = std::make_unique<Informer>(client_, metrics_, options_);
    informer_->AddHandlers(InformerHandlers{
        [this](const Json& o) { Record("add " + ObjectKey(o)); },
        [this](const Json& old_object, const Json& o) {
          Record("update " + ObjectKey(o) + " " + old_object["metadata"].value("resourceVersion", "") + "->" +
                 o["metadata"].value("resourceVersion", ""));
        },
        [this](const Json& o) { Record("delete " + ObjectKey(o)); }});
    runner_ = std::jthread([this](std::stop_token stop) { informer_->Run(stop); });
  }

  void Record(const std::string& what) {
    std::lock_guard lock(mutex_);
    log_.push_back(what);
  }
  std::vector<std::string> Log() {
    std::lock_guard lock(mutex_);
    return log_;
  }
  template <typename Predicate>
  bool Eventually(Predicate predicate) {
    for (int i = 0; i < 2500; ++i) {  // 5 s: the machine may be busy
      if (predicate()) return true;
      std::this_thread::sleep_for(2ms);
    }
    return predicate();
  }

  ScriptedWatchClient client_;
  observability::Registry registry_;
  observability::OperatorMetrics metrics_{registry_};
  InformerOptions options_;
  std::unique_ptr<Informer> informer_;
  std::mutex mutex_;
  std::vector<std::string> log_;
  std::jthread runner_;
};

TEST_F(InformerTest, ListsEveryPageThenWatchesFromTheListVersion) {
  client_.AddList(ListOf({Object("a", "1"), Object("b", "2")}, "", "page-2"));
  client_.AddList(ListOf({Object("c", "3")}, "10"));
  Start();
  ASSERT_TRUE(Eventually([&] { return informer_->HasSynced() && !client_.WatchCalls().empty(); }));
  EXPECT_EQ(Log(), (std::vector<std::string>{"add ns/a", "add ns/b", "add ns/c"}));
  auto lists = client_.ListCalls();
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].limit, 2);
  EXPECT_EQ(lists[0].label_selector, "app=x");
  EXPECT_EQ(lists[1].continue_token, "page-2");
  auto watch = client_.WatchCalls()[0];
  EXPECT_EQ(watch.resource_version, "10");
  EXPECT_TRUE(watch.allow_bookmarks);
  EXPECT_EQ(watch.label_selector, "app=x");
  EXPECT_EQ(informer_->List("ns").size(), 3u);
  EXPECT_EQ(informer_->List("other").size(), 0u);
  EXPECT_EQ(informer_->List("", {{"app", "x"}}).size(), 3u);
  EXPECT_EQ(informer_->List("", {{"app", "y"}}).size(), 0u);
  EXPECT_EQ((*informer_->Get("ns", "a"))["kind"], "ConfigMap");  // restored on list items
  EXPECT_EQ(metrics_.informers_synced.Value({"configmaps@ns"}), 1.0);
}

TEST_F(InformerTest, AppliesWatchEventsAndBookmarks) {
  client_.AddList(ListOf({Object("a", "1")}, "5"));
  using T = kube::WatchEvent::Type;
  client_.AddWatch({{{T::kAdded, Object("b", "6")},
                     {T::kModified, Object("a", "7")},
                     {T::kDeleted, Object("b", "8")},
                     {T::kBookmark, Object("", "9")}},
                    kube::Ok()});  // the server's timeout: re-watch from the bookmark
  Start();
  ASSERT_TRUE(Eventually([&] { return client_.WatchCalls().size() >= 2; }));
  EXPECT_EQ(Log(), (std::vector<std::string>{"add ns/a", "add ns/b", "update ns/a 1->7", "delete ns/b"}));
  EXPECT_EQ(client_.WatchCalls()[1].resource_version, "9");
  EXPECT_EQ(informer_->LastResourceVersion(), "9");
  EXPECT_FALSE(informer_->Get("ns", "b"));
  EXPECT_EQ((*informer_->Get("ns", "a"))["metadata"]["resourceVersion"], "7");
  EXPECT_EQ(client_.ListCalls().size(), 1u) << "a normal end of the watch needs no list";
}

TEST_F(InformerTest, CachedObjectsCarryNoManagedFieldsNorLastAppliedCopy) {
  auto heavy = [](const std::string& name, const std::string& version, bool other_annotation) {
    Json object = Object(name, version);
    object["metadata"]["managedFields"] = Json::array({{{"manager", "kubectl"}, {"operation", "Apply"}}});
    object["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}};
    if (other_annotation) object["metadata"]["annotations"]["keep"] = "me";
    return object;
  };
  client_.AddList(ListOf({heavy("a", "1", true)}, "5"));
  using T = kube::WatchEvent::Type;
  client_.AddWatch({{{T::kAdded, heavy("b", "6", false)}}, kube::Ok()});
  Start();
  ASSERT_TRUE(Eventually([&] { return informer_->Get("ns", "b").has_value(); }));
  const Json a = *informer_->Get("ns", "a");
  EXPECT_FALSE(a["metadata"].contains("managedFields"));
  EXPECT_EQ(a["metadata"]["annotations"], (Json{{"keep", "me"}}));
  const Json b = *informer_->Get("ns", "b");
  EXPECT_FALSE(b["metadata"].contains("managedFields"));
  EXPECT_FALSE(b["metadata"].contains("annotations"));
  EXPECT_EQ(b["metadata"]["labels"]["app"], "x");
}

// The watch of the user's Secrets: their values are neither cached nor handed to handlers.
TEST_F(InformerTest, MetadataOnlyKeepsNothingButMetadata) {
  options_.metadata_only = true;
  auto secret = [](const std::string& name, const std::string& version) {
    Json object = Object(name, version);
    object["data"] = {{"uri", "c2VjcmV0"}};
    object["type"] = "Opaque";
    return object;
  };
  client_.AddList(ListOf({secret("a", "1")}, "5"));
  using T = kube::WatchEvent::Type;
  client_.AddWatch({{{T::kModified, secret("a", "6")}}, kube::Ok()});
  std::vector<Json> seen;
  std::mutex seen_mutex;
  informer_ = std::make_unique<Informer>(client_, metrics_, options_);
  informer_->AddHandlers(InformerHandlers{
      [&](const Json& o) { std::lock_guard lock(seen_mutex); seen.push_back(o); },
      [&](const Json&, const Json& o) { std::lock_guard lock(seen_mutex); seen.push_back(o); }, nullptr});
  runner_ = std::jthread([this](std::stop_token stop) { informer_->Run(stop); });
  ASSERT_TRUE(Eventually([&] { std::lock_guard lock(seen_mutex); return seen.size() >= 2; }));
  const Json a = *informer_->Get("ns", "a");
  EXPECT_EQ(a["metadata"]["resourceVersion"], "6");
  EXPECT_FALSE(a.contains("data"));
  EXPECT_FALSE(a.contains("type"));
  std::lock_guard lock(seen_mutex);
  for (const Json& object : seen) EXPECT_FALSE(object.contains("data")) << object.dump();
}

TEST_F(InformerTest, GoneMeansRelistAndTheDifferenceIsDelivered) {
  client_.AddList(ListOf({Object("a", "1"), Object("b", "2")}, "5"));
  client_.AddWatch({{}, kube::ApiError{410, "Expired", "too old resource version"}});
  // While the watch was away: a changed, b deleted, c created.
  client_.AddList(ListOf({Object("a", "20"), Object("c", "21")}, "22"));
  Start();
  ASSERT_TRUE(Eventually([&] { return client_.WatchCalls().size() >= 2; }));
  EXPECT_EQ(Log(), (std::vector<std::string>{"add ns/a", "add ns/b", "delete ns/b", "update ns/a 1->20", "add ns/c"}));
  EXPECT_EQ(client_.WatchCalls()[1].resource_version, "22");
  EXPECT_EQ(informer_->ListCount(), 2);
  EXPECT_EQ(metrics_.watch_restarts.Value({"configmaps@ns", "expired"}), 1.0);
}

TEST_F(InformerTest, BrokenWatchResumesFromTheLastVersionWithBackoff) {
  client_.AddList(ListOf({}, "5"));
  using T = kube::WatchEvent::Type;
  client_.AddWatch({{{T::kAdded, Object("a", "6")}}, kube::ApiError{0, "Transport", "connection reset"}});
  client_.AddWatch({{}, kube::ApiError{0, "Transport", "connection refused"}});
  Start();
  ASSERT_TRUE(Eventually([&] { return client_.WatchCalls().size() >= 3; }));
  auto watches = client_.WatchCalls();
  EXPECT_EQ(watches[1].resource_version, "6");
  EXPECT_EQ(watches[2].resource_version, "6");
  EXPECT_EQ(client_.ListCalls().size(), 1u);
  EXPECT_EQ(metrics_.watch_restarts.Value({"configmaps@ns", "error"}), 2.0);
}

TEST_F(InformerTest, FailedListIsRetriedAndNotSyncedMeanwhile) {
  client_.AddList(kube::ApiError{503, "ServiceUnavailable", "etcd down"});
  client_.AddList(ListOf({Object("a", "1")}, "2"));
  Start();
  ASSERT_TRUE(Eventually([&] { return informer_->HasSynced(); }));
  EXPECT_EQ(client_.ListCalls().size(), 2u);
  EXPECT_EQ(Log(), (std::vector<std::string>{"add ns/a"}));
}

TEST_F(InformerTest, ResyncRedeliversEveryCachedObject) {
  client_.AddList(ListOf({Object("a", "1"), Object("b", "2")}, "3"));
  Start();
  ASSERT_TRUE(Eventually([&] { return informer_->HasSynced(); }));
  informer_->Resync();
  auto log = Log();
  EXPECT_EQ(std::count(log.begin(), log.end(), "update ns/a 1->1"), 1);
  EXPECT_EQ(std::count(log.begin(), log.end(), "update ns/b 2->2"), 1);
}

TEST_F(InformerTest, PeriodicResync) {
  options_.resync_period = 1s;
  client_.AddList(ListOf({Object("a", "1")}, "3"));
  Start();
  ASSERT_TRUE(Eventually([&] { return informer_->HasSynced(); }));
  EXPECT_TRUE(Eventually([&] {
    auto log = Log();
    return std::count(log.begin(), log.end(), "update ns/a 1->1") >= 1;
  }));
}

TEST_F(InformerTest, StopsPromptly) {
  client_.AddList(ListOf({}, "1"));
  Start();
  ASSERT_TRUE(Eventually([&] { return !client_.WatchCalls().empty(); }));
  auto start = std::chrono::steady_clock::now();
  runner_.request_stop();
  runner_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace minitwit::controller
