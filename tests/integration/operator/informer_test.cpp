// Informer against a real API server: list + watch, and recovery from 410 Gone.
#include "controller/informer.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "kube_test_env.hpp"

namespace minitwit::controller {
namespace {

using namespace std::chrono_literals;
using testing::kConfigMapType;

// Passes everything to the real client, but answers the first `gone_watches` watches with the
// 410 a compacted resourceVersion gives (the real server's 410 is covered by the client test).
class ExpiringClient : public kube::KubeClient {
 public:
  ExpiringClient(kube::KubeClient& real, int gone_watches) : real_(real), gone_watches_(gone_watches) {}
  kube::Result<kube::Json> Get(const kube::ResourceType& t, const std::string& ns, const std::string& n) override {
    return real_.Get(t, ns, n);
  }
  kube::Result<kube::Json> List(const kube::ResourceType& t, const std::string& ns, const kube::ListOptions& o) override {
    ++lists;
    return real_.List(t, ns, o);
  }
  kube::Result<kube::Json> Create(const kube::ResourceType& t, const std::string& ns, const kube::Json& o) override {
    return real_.Create(t, ns, o);
  }
  kube::Result<kube::Json> Replace(const kube::ResourceType& t, const std::string& ns, const std::string& n,
                                   const kube::Json& o, const std::string& s) override {
    return real_.Replace(t, ns, n, o, s);
  }
  kube::Result<kube::Json> Patch(const kube::ResourceType& t, const std::string& ns, const std::string& n,
                                 const kube::Json& p, kube::PatchType pt, const std::string& s) override {
    return real_.Patch(t, ns, n, p, pt, s);
  }
  kube::Result<kube::Json> Apply(const kube::ResourceType& t, const std::string& ns, const std::string& n,
                                 const kube::Json& o, const std::string& m, const std::string& s) override {
    return real_.Apply(t, ns, n, o, m, s);
  }
  kube::Status Delete(const kube::ResourceType& t, const std::string& ns, const std::string& n) override {
    return real_.Delete(t, ns, n);
  }
  kube::Status Watch(const kube::ResourceType& t, const std::string& ns, const kube::ListOptions& o,
                     const std::function<bool(const kube::WatchEvent&)>& f, std::stop_token stop) override {
    if (gone_watches_-- > 0) return kube::ApiError{410, "Expired", "too old resource version"};
    return real_.Watch(t, ns, o, f, stop);
  }
  std::atomic<int> lists{0};

 private:
  kube::KubeClient& real_;
  std::atomic<int> gone_watches_;
};

class InformerTest : public testing::KubeTest {};

TEST_F(InformerTest, ListsWatchesAndRelistsAfterGone) {
  ASSERT_TRUE(client_->Create(kConfigMapType, ns_, ConfigMap("before", {}, {{"owned", "yes"}})).ok());
  ASSERT_TRUE(client_->Create(kConfigMapType, ns_, ConfigMap("unlabelled", {})).ok());

  ExpiringClient expiring(*client_, 1);
  InformerOptions options;
  options.type = kConfigMapType;
  options.ns = ns_;
  options.label_selector = "owned=yes";
  options.page_size = 1;
  options.watch_timeout_seconds = 30;
  Informer informer(expiring, metrics_, options);
  std::mutex mutex;
  std::multiset<std::string> adds, updates, deletes;
  informer.AddHandlers(InformerHandlers{
      [&](const kube::Json& o) { std::lock_guard l(mutex); adds.insert(o["metadata"]["name"].get<std::string>()); },
      [&](const kube::Json&, const kube::Json& o) {
        std::lock_guard l(mutex);
        updates.insert(o["metadata"]["name"].get<std::string>());
      },
      [&](const kube::Json& o) { std::lock_guard l(mutex); deletes.insert(o["metadata"]["name"].get<std::string>()); }});
  std::stop_source stop;
  std::jthread runner([&] { informer.Run(stop.get_token()); });

  ASSERT_TRUE(Eventually([&] { return informer.HasSynced() && expiring.lists >= 2; }));
  EXPECT_TRUE(informer.Get(ns_, "before").has_value());
  EXPECT_FALSE(informer.Get(ns_, "unlabelled").has_value());
  EXPECT_EQ(metrics_.watch_restarts.Value({"configmaps@" + ns_, "expired"}), 1.0);

  ASSERT_TRUE(client_->Create(kConfigMapType, ns_, ConfigMap("after", {{"v", "1"}}, {{"owned", "yes"}})).ok());
  ASSERT_TRUE(Eventually([&] { return informer.Get(ns_, "after").has_value(); }));
  ASSERT_TRUE(client_->Patch(kConfigMapType, ns_, "after", kube::Json{{"data", {{"v", "2"}}}}, kube::PatchType::kMerge).ok());
  ASSERT_TRUE(Eventually([&] {
    auto cached = informer.Get(ns_, "after");
    return cached && (*cached)["data"]["v"] == "2";
  }));
  ASSERT_TRUE(client_->Delete(kConfigMapType, ns_, "before").ok());
  ASSERT_TRUE(Eventually([&] { return !informer.Get(ns_, "before").has_value(); }));

  EXPECT_EQ(informer.List(ns_, {{"owned", "yes"}}).size(), 1u);
  {
    std::lock_guard l(mutex);
    EXPECT_EQ(adds.count("before"), 1u) << "the relist must not report a known object as new";
    EXPECT_EQ(adds.count("after"), 1u);
    EXPECT_GE(updates.count("after"), 1u);
    EXPECT_EQ(deletes.count("before"), 1u);
  }
  stop.request_stop();
  auto stopping = std::chrono::steady_clock::now();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 3s);
}

}  // namespace
}  // namespace minitwit::controller
