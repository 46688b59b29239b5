#include "controller/controller.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include <spdlog/spdlog.h>

#include "api/minitwit.hpp"
#include "api/resource_types.hpp"
#include "controller/desired_state.hpp"

namespace minitwit::controller {
namespace {

std::string ManagedSelector() { return std::string(kLabelManagedBy) + "=" + kManagedBy; }

const char* ResultLabel(ReconcileResult::Kind kind) {
  switch (kind) {
    case ReconcileResult::Kind::kDone: return "success";
    case ReconcileResult::Kind::kRequeueAfter: return "requeue_after";
    case ReconcileResult::Kind::kError: return "error";
  }
  return "error";
}

bool StatusDrivesReconcile(const kube::ResourceType& type) {
  for (const api::KindUse& kind : api::Kinds()) {
    if (kind.type.group == type.group && kind.type.plural == type.plural) return kind.status_enqueues;
  }
  return false;
}

// Whether a and b hold the same members, leaving out those named in `skip`; compared in
// place, since this runs for every update event.
bool SameMembersExcept(const kube::Json& a, const kube::Json& b, std::initializer_list<std::string_view> skip) {
  if (!a.is_object() || !b.is_object()) return a == b;
  const auto skipped = [&skip](std::string_view key) { return std::find(skip.begin(), skip.end(), key) != skip.end(); };
  std::size_t compared = 0;
  for (const auto& [key, value] : a.items()) {
    if (skipped(key)) continue;
    const auto other = b.find(key);
    if (other == b.end() || *other != value) return false;
    ++compared;
  }
  std::size_t others = 0;
  for (const auto& [key, value] : b.items()) others += skipped(key) ? 0 : 1;
  return compared == others;
}

// The HPA's status moves with every metrics sample; the MiniTwit's status reports only its
// replicas and last scale time (see ComputeStatus), so only those are worth a reconcile.
bool SameAutoscalerStatus(const kube::Json& a, const kube::Json& b) {
  static const kube::Json kNone = kube::Json::object();
  const auto status = [](const kube::Json& object) -> const kube::Json& {
    const auto it = object.find("status");
    return it == object.end() || !it->is_object() ? kNone : *it;
  };
  for (const char* key : {"currentReplicas", "desiredReplicas", "lastScaleTime"}) {
    if (status(a).value(key, kube::Json()) != status(b).value(key, kube::Json())) return false;
  }
  return true;
}

// The objects are alike but for status and metadata.resourceVersion (the informer's cache
// holds no managedFields).
bool SameOutsideStatus(const kube::Json& a, const kube::Json& b) {
  static const kube::Json kNone = kube::Json::object();
  const auto metadata = [](const kube::Json& object) -> const kube::Json& {
    const auto it = object.find("metadata");
    return it == object.end() ? kNone : *it;
  };
  return SameMembersExcept(metadata(a), metadata(b), {"resourceVersion"}) &&
         SameMembersExcept(a, b, {"status", "metadata"});
}

}  // namespace

bool UpdateNeedsReconcile(const kube::ResourceType& type, const kube::Json& old_object, const kube::Json& new_object) {
  const std::string old_version = MetadataString(old_object, "resourceVersion");
  if (old_version.empty() || old_version == MetadataString(new_object, "resourceVersion")) return true;
  if (type.plural != api::kMiniTwitType.plural && StatusDrivesReconcile(type)) return true;
  if (type.plural == api::kHorizontalPodAutoscalerType.plural && !SameAutoscalerStatus(old_object, new_object)) {
    return true;
  }
  return !SameOutsideStatus(old_object, new_object);
}

std::optional<std::string> OwnerKey(const kube::Json& child) {
  std::string ns = MetadataString(child, "namespace");
  const auto metadata = child.find("metadata");
  if (metadata == child.end() || !metadata->is_object()) return std::nullopt;
  if (auto owners = metadata->find("ownerReferences"); owners != metadata->end() && owners->is_array()) {
    for (const auto& owner : *owners) {
      if (owner.value("kind", "") != api::kMiniTwitType.kind) continue;
      std::string api_version = owner.value("apiVersion", "");
      if (api_version.rfind(api::kMiniTwitType.group + "/", 0) != 0) continue;
      std::string name = owner.value("name", "");
      if (!name.empty()) return ns + "/" + name;
    }
  }
  if (auto labels = metadata->find("labels"); labels != metadata->end() && labels->is_object()) {
    if (labels->value(kLabelManagedBy, "") == kManagedBy) {
      std::string instance = labels->value(kLabelInstance, "");
      if (!instance.empty()) return ns + "/" + instance;
    }
  }
  return std::nullopt;
}

std::optional<kube::Json> MultiNamespaceCache::Get(const std::string& ns, const std::string& name) const {
  for (const auto* informer : informers_) {
    if (!informer->Options().ns.empty() && !ns.empty() && informer->Options().ns != ns) continue;
    if (auto object = informer->Get(ns, name)) return object;
  }
  return std::nullopt;
}

std::vector<kube::Json> MultiNamespaceCache::List(const std::string& ns,
                                                  const std::map<std::string, std::string>& labels) const {
  std::vector<kube::Json> result;
  for (const auto* informer : informers_) {
    if (!informer->Options().ns.empty() && !ns.empty() && informer->Options().ns != ns) continue;
    auto part = informer->List(ns, labels);
    result.insert(result.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  return result;
}

bool MultiNamespaceCache::HasSynced() const {
  for (const auto* informer : informers_) {
    if (!informer->HasSynced()) return false;
  }
  return true;
}

Controller::Controller(kube::KubeClient& client, observability::OperatorMetrics& metrics, const Clock& clock,
                       ControllerOptions options)
    : metrics_(metrics), clock_(clock), options_(std::move(options)), queue_(clock_, metrics_, options_.backoff) {
  metrics_.max_workers.Set({observability::kControllerName}, options_.workers);
  std::vector<std::string> namespaces = options_.namespaces.empty() ? std::vector<std::string>{""} : options_.namespaces;
  // Children are cached only when labelled as ours: the operator never holds every Secret or
  // Pod of the cluster in memory.
  auto add_type = [&](const kube::ResourceType& type, bool is_minitwit) {
    auto entry = std::make_unique<TypeInformers>();
    entry->type = type;
    for (const auto& ns : namespaces) {
      InformerOptions informer_options;
      informer_options.type = type;
      informer_options.ns = ns;
      informer_options.label_selector = is_minitwit ? "" : ManagedSelector();
      informer_options.watch_timeout_seconds = options_.watch_timeout_seconds;
      // Resync re-reconciles MiniTwits; children need none (their owner is resynced).
      informer_options.resync_period = is_minitwit ? options_.resync_period : std::chrono::seconds(0);
      auto informer = std::make_unique<Informer>(client, metrics_, informer_options);
      informer->AddHandlers(InformerHandlers{
          [this, is_minitwit](const kube::Json& object) { Enqueue(object, is_minitwit); },
          [this, is_minitwit, type](const kube::Json& old_object, const kube::Json& object) {
            if (UpdateNeedsReconcile(type, old_object, object)) Enqueue(object, is_minitwit);
          },
          [this, is_minitwit](const kube::Json& object) { Enqueue(object, is_minitwit); }});
      entry->cache.Add(informer.get());
      entry->informers.push_back(std::move(informer));
    }
    types_.push_back(std::move(entry));
  };
  for (const api::KindUse& kind : api::Kinds()) {
    if (kind.watched) add_type(kind.type, kind.owner);
  }
  // The Secrets a MiniTwit names (external database, session secret, extraEnv) are the user's and
  // carry none of our labels. A second Secret watch, unfiltered but holding metadata only (the
  // RBAC is the Secret kind's list/watch above), requeues the MiniTwits that read a Secret when
  // it is created, changed or deleted: a rotated value rolls their pods (secrets hash).
  auto secrets = std::make_unique<TypeInformers>();
  secrets->type = api::kSecretType;
  secrets->referenced_secrets = true;
  for (const auto& ns : namespaces) {
    InformerOptions informer_options;
    informer_options.type = api::kSecretType;
    informer_options.ns = ns;
    informer_options.metadata_only = true;
    informer_options.watch_timeout_seconds = options_.watch_timeout_seconds;
    auto informer = std::make_unique<Informer>(client, metrics_, informer_options);
    informer->AddHandlers(InformerHandlers{
        [this](const kube::Json& secret) { EnqueueReaders(secret); },
        [this](const kube::Json& old_secret, const kube::Json& secret) {
          if (MetadataString(old_secret, "resourceVersion") != MetadataString(secret, "resourceVersion")) {
            EnqueueReaders(secret);
          }
        },
        [this](const kube::Json& secret) { EnqueueReaders(secret); }});
    secrets->cache.Add(informer.get());
    secrets->informers.push_back(std::move(informer));
  }
  types_.push_back(std::move(secrets));
}

void Controller::EnqueueReaders(const kube::Json& secret) {
  // Our own Secrets are children: their informer already queues the owner.
  const auto metadata = secret.find("metadata");
  if (metadata != secret.end() && metadata->is_object()) {
    if (auto labels = metadata->find("labels"); labels != metadata->end() && labels->is_object() &&
                                                labels->value(kLabelManagedBy, "") == kManagedBy) {
      return;
    }
  }
  const kube::ObjectCache* minitwits = CacheOf(api::kMiniTwitType);
  if (!minitwits) return;
  for (const std::string& key : MiniTwitsReadingSecret(minitwits->List(MetadataString(secret, "namespace")),
                                                       MetadataString(secret, "name"))) {
    queue_.Add(key);
  }
}

std::vector<std::string> MiniTwitsReadingSecret(const std::vector<kube::Json>& minitwits,
                                                const std::string& secret_name) {
  std::vector<std::string> keys;
  for (const kube::Json& object : minitwits) {
    api::Parsed<api::MiniTwit> parsed = api::MiniTwitFromJson(object);
    if (!parsed.ok()) continue;
    for (const api::SecretKeyRef& ref : api::ReferencedSecretKeys(parsed.value->spec)) {
      if (ref.name == secret_name) {
        keys.push_back(ObjectKey(object));
        break;
      }
    }
  }
  return keys;
}

Controller::~Controller() {
  queue_.ShutDown();
  StopInformers();
}

void Controller::Enqueue(const kube::Json& object, bool is_minitwit) {
  if (is_minitwit) {
    queue_.Add(ObjectKey(object));
    return;
  }
  if (auto key = OwnerKey(object)) queue_.Add(*key);
}

void Controller::StartInformers() {
  for (auto& type : types_) {
    for (auto& informer : type->informers) {
      informer_threads_.emplace_back([informer = informer.get(), token = informers_stop_.get_token()] {
        informer->Run(token);
      });
    }
  }
}

void Controller::StopInformers() {
  informers_stop_.request_stop();
  informer_threads_.clear();  // joins
}

bool Controller::HasSynced() const {
  for (const auto& type : types_) {
    if (!type->cache.HasSynced()) return false;
  }
  return true;
}

bool Controller::WaitForSync(std::stop_token stop) const {
  while (!HasSynced()) {
    if (!SleepFor(std::chrono::milliseconds(100), stop)) return false;
  }
  return true;
}

const kube::ObjectCache* Controller::CacheOf(const kube::ResourceType& type) const {
  for (const auto& entry : types_) {
    if (entry->referenced_secrets) continue;
    if (entry->type.group == type.group && entry->type.plural == type.plural) return &entry->cache;
  }
  return nullptr;
}

ReconcilerCaches Controller::Caches() const {
  ReconcilerCaches caches;
  for (const api::KindUse& kind : api::Kinds()) {
    if (kind.watched) caches.Set(kind.type, CacheOf(kind.type));
  }
  return caches;
}

void Controller::Process(Reconciler& reconciler, const std::string& key) {
  auto slash = key.find('/');
  std::string ns = slash == std::string::npos ? "" : key.substr(0, slash);
  std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  auto start = clock_.Now();
  metrics_.active_workers.Add({observability::kControllerName}, 1);
  ReconcileResult result{ReconcileResult::Kind::kError, {}, ""};
  try {
    result = reconciler.Reconcile(ns, name);
  } catch (const std::exception& e) {
    result = ReconcileResult{ReconcileResult::Kind::kError, {}, std::string("unexpected exception: ") + e.what()};
  }
  double seconds = std::chrono::duration<double>(clock_.Now() - start).count();
  metrics_.active_workers.Add({observability::kControllerName}, -1);
  metrics_.reconcile_duration.Observe({observability::kControllerName}, seconds);
  metrics_.reconciles.Add({observability::kControllerName, ResultLabel(result.kind)});
  if (result.kind == ReconcileResult::Kind::kError) metrics_.reconcile_errors.Add({observability::kControllerName});
  switch (result.kind) {
    case ReconcileResult::Kind::kDone:
      queue_.Forget(key);
      spdlog::debug("reconcile {}/{}: done in {:.3f} s", ns, name, seconds);
      break;
    case ReconcileResult::Kind::kRequeueAfter:
      queue_.Forget(key);
      queue_.AddAfter(key, result.after);
      spdlog::debug("reconcile {}/{}: requeue after {} ms", ns, name, result.after.count());
      break;
    case ReconcileResult::Kind::kError:
      spdlog::warn("reconcile {}/{}: {} (retry {} in {} ms)", ns, name, result.error, queue_.NumRequeues(key) + 1,
                   queue_.NextBackoff(key).count());
      queue_.AddRateLimited(key);
      break;
  }
  queue_.Done(key);
}

bool Controller::ProcessNext(Reconciler& reconciler) {
  auto key = queue_.TryGet();
  if (!key) return false;
  Process(reconciler, *key);
  return true;
}

void Controller::RunWorkers(Reconciler& reconciler, std::stop_token stop) {
  spdlog::info("controller: waiting for informer caches to sync");
  if (!WaitForSync(stop)) return;
  spdlog::info("controller: caches synced, starting {} workers", options_.workers);
  {
    std::stop_callback shut_down(stop, [this] { queue_.ShutDown(); });
    std::vector<std::jthread> workers;
    for (int i = 0; i < options_.workers; ++i) {
      workers.emplace_back([this, &reconciler] {
        while (auto key = queue_.Get()) Process(reconciler, *key);
      });
    }
    // The workers are joined here, before shut_down goes: each finishes the reconcile it is
    // in once `stop` has shut the queue down.
  }
  spdlog::info("controller: workers stopped");
}

}  // namespace minitwit::controller
