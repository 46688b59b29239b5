// The controller's wiring against a real API server: the repository's CRD, a MiniTwit, and
// a child labelled as ours all lead to Reconcile of the right key (with a resync far longer
// than the test, so only the watch can have delivered them); a resync re-delivers.
#include "controller/controller.hpp"

#include <mutex>

#include <gtest/gtest.h>

#include "api/resource_types.hpp"
#include "kube_test_env.hpp"

namespace minitwit::controller {
namespace {

using namespace std::chrono_literals;
using kube::Json;

class RecordingReconciler : public Reconciler {
 public:
  ReconcileResult Reconcile(const std::string& ns, const std::string& name) override {
    std::lock_guard lock(mutex_);
    calls_.push_back(ns + "/" + name);
    return {ReconcileResult::Kind::kDone, {}, ""};
  }
  int Count(const std::string& key) {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count(calls_.begin(), calls_.end(), key));
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> calls_;
};

class ControllerIntegrationTest : public testing::KubeTest {
 protected:
  // A controller over the test namespace, its workers running a RecordingReconciler.
  struct Running {
    Running(kube::KubeClient& client, observability::OperatorMetrics& metrics, const std::string& ns,
            std::chrono::seconds resync)
        : controller(client, metrics, clock, Options(ns, resync)) {
      controller.StartInformers();
      workers = std::jthread([this] { controller.RunWorkers(reconciler, stop.get_token()); });
    }
    ~Running() {
      stop.request_stop();
      workers.join();
      controller.StopInformers();
    }
    static ControllerOptions Options(const std::string& ns, std::chrono::seconds resync) {
      ControllerOptions options;
      options.namespaces = {ns};
      options.workers = 2;
      options.resync_period = resync;
      return options;
    }

    SteadyClock clock;
    Controller controller;
    RecordingReconciler reconciler;
    std::stop_source stop;
    std::jthread workers;
  };
};

Json Site() {
  return {{"apiVersion", "minitwit.dev/v1alpha1"},
          {"kind", "MiniTwit"},
          {"metadata", {{"name", "site"}}},
          {"spec", {{"image", "minitwit:1"}, {"database", {{"external", {{"secretName", "db"}}}}}}}};
}

TEST_F(ControllerIntegrationTest, MiniTwitAndChildEventsReconcileTheOwner) {
  InstallCrd();
  // A resync longer than the test: every reconcile below comes from a watch event.
  Running running(*client_, metrics_, ns_, std::chrono::hours(1));
  Controller& controller = running.controller;
  RecordingReconciler& reconciler = running.reconciler;
  ASSERT_TRUE(Eventually([&] { return controller.HasSynced(); }));

  auto created = client_->Create(api::kMiniTwitType, ns_, Site());
  ASSERT_TRUE(created.ok()) << created.error().message;
  const std::string key = ns_ + "/site";
  ASSERT_TRUE(Eventually([&] { return reconciler.Count(key) >= 1; }));
  ASSERT_TRUE(Eventually([&] { return controller.Caches().For(api::kMiniTwitType)->Get(ns_, "site").has_value(); }));

  // A child carrying our labels (no owner reference) maps to its MiniTwit. (Secrets: unlike
  // Services they need no cluster IP, which a just-started cluster may not hand out yet.)
  int before = reconciler.Count(key);
  Json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata",
                  {{"name", "site-extra"},
                   {"labels", {{"app.kubernetes.io/instance", "site"}, {"app.kubernetes.io/managed-by", "minitwit-operator"}}}}},
                 {"stringData", {{"k", "v"}}}};
  auto created_secret = client_->Create(api::kSecretType, ns_, secret);
  ASSERT_TRUE(created_secret.ok()) << created_secret.error().status << " " << created_secret.error().message;
  ASSERT_TRUE(Eventually([&] { return reconciler.Count(key) > before; }));
  EXPECT_TRUE(controller.Caches().For(api::kSecretType)->Get(ns_, "site-extra").has_value());

  // An unlabelled Secret is not cached at all.
  Json foreign = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "foreign"}}},
                  {"stringData", {{"k", "v"}}}};
  auto created_foreign = client_->Create(api::kSecretType, ns_, foreign);
  ASSERT_TRUE(created_foreign.ok()) << created_foreign.error().status << " " << created_foreign.error().message;

  // A change and a deletion of the child reach the owner too.
  before = reconciler.Count(key);
  auto patched = client_->Patch(api::kSecretType, ns_, "site-extra", {{"stringData", {{"k", "changed"}}}},
                                kube::PatchType::kMerge);
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  ASSERT_TRUE(Eventually([&] { return reconciler.Count(key) > before; }));
  before = reconciler.Count(key);
  ASSERT_TRUE(client_->Delete(api::kSecretType, ns_, "site-extra").ok());
  ASSERT_TRUE(Eventually([&] { return reconciler.Count(key) > before; }));
  EXPECT_FALSE(controller.Caches().For(api::kSecretType)->Get(ns_, "foreign").has_value());
  // The test's own writes: namespace, CRD apply, MiniTwit, two Secrets, a patch and a delete;
  // none from the controller.
  EXPECT_EQ(metrics_.WriteRequests(), 7.0);
  client_->Delete(api::kMiniTwitType, ns_, "site");
}

TEST_F(ControllerIntegrationTest, ResyncReDeliversWithoutAnyChange) {
  InstallCrd();
  Running running(*client_, metrics_, ns_, 2s);
  ASSERT_TRUE(Eventually([&] { return running.controller.HasSynced(); }));
  ASSERT_TRUE(client_->Create(api::kMiniTwitType, ns_, Site()).ok());
  const std::string key = ns_ + "/site";
  ASSERT_TRUE(Eventually([&] { return running.reconciler.Count(key) >= 1; }));
  const int before = running.reconciler.Count(key);
  ASSERT_TRUE(Eventually([&] { return running.reconciler.Count(key) > before; }));
  client_->Delete(api::kMiniTwitType, ns_, "site");
}

// The reconciler's status writes rely on this: a server-side apply to /status that carries a
// resourceVersion older than the stored one is refused with 409, not applied.
TEST_F(ControllerIntegrationTest, StatusApplyWithAnOldResourceVersionIsAConflict) {
  InstallCrd();
  auto created = client_->Create(api::kMiniTwitType, ns_, Site());
  ASSERT_TRUE(created.ok()) << created.error().message;
  const std::string old_version = created.value()["metadata"]["resourceVersion"];
  auto status = [&](const std::string& version, const std::string& failed) {
    return Json{{"apiVersion", "minitwit.dev/v1alpha1"},
                {"kind", "MiniTwit"},
                {"metadata", {{"name", "site"}, {"namespace", ns_}, {"resourceVersion", version}}},
                {"status", {{"failedImage", failed}}}};
  };
  auto first = client_->Apply(api::kMiniTwitType, ns_, "site", status(old_version, "minitwit:2"), "it", "status");
  ASSERT_TRUE(first.ok()) << first.error().status << " " << first.error().message;
  auto stale = client_->Apply(api::kMiniTwitType, ns_, "site", status(old_version, ""), "it", "status");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().status, 409);
  auto current = client_->Get(api::kMiniTwitType, ns_, "site");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current.value()["status"]["failedImage"], "minitwit:2");
  client_->Delete(api::kMiniTwitType, ns_, "site");
}

}  // namespace
}  // namespace minitwit::controller
