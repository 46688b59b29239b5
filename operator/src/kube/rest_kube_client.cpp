#include "kube/rest_kube_client.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <boost/asio/ssl.hpp>
#include <cpprest/http_client.h>
#include <cpprest/producerconsumerstream.h>
#include <pplx/threadpool.h>
#include <spdlog/spdlog.h>

namespace minitwit::kube {
namespace http = web::http;
namespace client = web::http::client;

namespace {

// cpprestsdk's shared I/O pool otherwise starts 40 threads. Its threads only run asio
// handlers (callers block on .get() in their own threads), so a few carry every request and
// watch stream; each idle thread would cost a stack and, with glibc, a malloc arena.
constexpr size_t kIoThreads = 4;

void InitializeIoThreads() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      crossplat::threadpool::initialize_with_threads(kIoThreads);
    } catch (const std::exception&) {
      // Already initialized (something used cpprestsdk first): keep that pool.
    }
  });
}

// cpprestsdk makes a fresh OpenSSL context for every TLS connection and loads the default
// CA file into it (Debian's bundle: ~140 certificates, about 1 MiB of heap and a few ms of
// parsing) before our callback replaces the store with the cluster CA. Eleven watch
// connections opened together left ~10 MiB of freed-but-kept heap behind. Pointing
// OpenSSL's default file at the cluster CA itself (SSL_CERT_FILE, from an in-memory file)
// makes that load cheap; what is trusted does not change. A user's own SSL_CERT_FILE wins.
void UseClusterCaAsDefaultFile(const std::string& ca_pem) {
  static std::once_flag once;
  std::call_once(once, [&ca_pem] {
    if (ca_pem.empty() || std::getenv("SSL_CERT_FILE") != nullptr) return;
    const int fd = memfd_create("minitwit-cluster-ca", MFD_CLOEXEC);
    if (fd < 0) return;
    if (write(fd, ca_pem.data(), ca_pem.size()) != static_cast<ssize_t>(ca_pem.size())) {
      close(fd);
      return;
    }
    // The descriptor stays open for the life of the process: OpenSSL reads the path on
    // every new connection.
    setenv("SSL_CERT_FILE", ("/proc/self/fd/" + std::to_string(fd)).c_str(), 0);
  });
}

// Without a server-side watch timeout the API server picks 30-60 minutes.
constexpr int kDefaultWatchSeconds = 3600;

bool IsUnreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string EscapePathSegment(const std::string& segment) { return EscapeQueryValue(segment); }

// Reads the bearer token, re-reading the file only when its modification time changes.
class TokenSource {
 public:
  TokenSource(std::string token, std::string file) : token_(std::move(token)), file_(std::move(file)) {}

  std::string Token() {
    if (file_.empty()) return token_;
    std::lock_guard lock(mutex_);
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(file_, ec);
    if (!ec && (!loaded_ || mtime != mtime_)) {
      std::ifstream in(file_);
      std::ostringstream text;
      text << in.rdbuf();
      std::string token = text.str();
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
      if (!token.empty()) {
        token_ = token;
        mtime_ = mtime;
        loaded_ = true;
      }
    }
    return token_;
  }

 private:
  std::mutex mutex_;
  std::string token_;
  std::string file_;
  std::filesystem::file_time_type mtime_{};
  bool loaded_ = false;
};

// Checks PEM material up front so that a broken kubeconfig fails at start-up, not per request.
void LoadTls(boost::asio::ssl::context& ctx, const ClusterConnection& connection) {
  if (!connection.ca_pem.empty()) {
    // cpprestsdk loads the system CA bundle into every connection's context (about 1 MiB each,
    // held as long as the connection); the cluster CA alone is all that is trusted here.
    SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
    ctx.add_certificate_authority(boost::asio::buffer(connection.ca_pem));
  }
  if (!connection.client_cert_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(connection.client_cert_pem));
    ctx.use_private_key(boost::asio::buffer(connection.client_key_pem), boost::asio::ssl::context::pem);
  }
}

const char* PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kStrategicMerge: return "application/strategic-merge-patch+json";
    case PatchType::kJson: return "application/json-patch+json";
  }
  return "application/merge-patch+json";
}

}  // namespace

std::string EscapeQueryValue(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    if (IsUnreserved(c)) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string ResourcePath(const ResourceType& type, const std::string& ns, const std::string& name,
                         const std::string& subresource) {
  std::string path = type.group.empty() ? "/api/" + type.version : "/apis/" + type.group + "/" + type.version;
  if (type.namespaced && !ns.empty()) path += "/namespaces/" + EscapePathSegment(ns);
  path += "/" + type.plural;
  if (!name.empty()) path += "/" + EscapePathSegment(name);
  if (!subresource.empty()) path += "/" + subresource;
  return path;
}

// Accept headers of a metadata-only list and watch (kube-apiserver serves them since 1.15).
constexpr const char* kMetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
constexpr const char* kMetadataAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

std::string ListQuery(const ListOptions& options, bool watch) {
  std::vector<std::pair<std::string, std::string>> params;
  if (watch) params.emplace_back("watch", "1");
  if (!options.label_selector.empty()) params.emplace_back("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) params.emplace_back("fieldSelector", options.field_selector);
  if (!options.resource_version.empty()) params.emplace_back("resourceVersion", options.resource_version);
  if (!watch && options.limit > 0) params.emplace_back("limit", std::to_string(options.limit));
  if (!watch && !options.continue_token.empty()) params.emplace_back("continue", options.continue_token);
  if (watch && options.allow_bookmarks) params.emplace_back("allowWatchBookmarks", "true");
  if (watch && options.timeout_seconds > 0) params.emplace_back("timeoutSeconds", std::to_string(options.timeout_seconds));
  std::string query;
  for (const auto& [key, value] : params) {
    query += query.empty() ? '?' : '&';
    query += key + "=" + EscapeQueryValue(value);
  }
  return query;
}

ApiError DecodeStatus(int http_status, const std::string& body) {
  ApiError error{http_status, "", ""};
  Json status = Json::parse(body, nullptr, false);
  if (!status.is_discarded() && status.is_object() && status.value("kind", "") == "Status") {
    error.reason = status.value("reason", "");
    error.message = status.value("message", "");
    if (status.contains("code") && status["code"].is_number_integer()) error.status = status["code"].get<int>();
  } else {
    error.message = body.substr(0, 512);
  }
  if (error.reason.empty()) {
    switch (error.status) {
      case 400: error.reason = "BadRequest"; break;
      case 401: error.reason = "Unauthorized"; break;
      case 403: error.reason = "Forbidden"; break;
      case 404: error.reason = "NotFound"; break;
      case 409: error.reason = "Conflict"; break;
      case 410: error.reason = "Expired"; break;
      case 422: error.reason = "Invalid"; break;
      case 429: error.reason = "TooManyRequests"; break;
      default: error.reason = error.status >= 500 ? "InternalError" : "Unknown";
    }
  }
  return error;
}

Result<WatchEvent> ParseWatchLine(const std::string& line) {
  Json event = Json::parse(line, nullptr, false);
  if (event.is_discarded() || !event.is_object() || !event.contains("type")) {
    return ApiError{0, "InvalidWatchEvent", "malformed watch event: " + line.substr(0, 200)};
  }
  WatchEvent result;
  std::string type = event["type"].is_string() ? event["type"].get<std::string>() : "";
  if (type == "ADDED") result.type = WatchEvent::Type::kAdded;
  else if (type == "MODIFIED") result.type = WatchEvent::Type::kModified;
  else if (type == "DELETED") result.type = WatchEvent::Type::kDeleted;
  else if (type == "BOOKMARK") result.type = WatchEvent::Type::kBookmark;
  else if (type == "ERROR") result.type = WatchEvent::Type::kError;
  else return ApiError{0, "InvalidWatchEvent", "unknown watch event type " + type};
  result.object = event.contains("object") ? std::move(event["object"]) : Json::object();
  return result;
}

struct RestKubeClient::Impl {
  ClusterConnection connection;
  observability::OperatorMetrics& metrics;
  std::string client_name;
  std::string host;  // host[:port] of the server, client-go's `host` label
  TokenSource token;
  std::unique_ptr<client::http_client> client;

  Impl(ClusterConnection c, observability::OperatorMetrics& m, std::string name)
      : connection(std::move(c)),
        metrics(m),
        client_name(std::move(name)),
        host(HostOf(connection.server)),
        token(connection.token, connection.token_file) {
    client = std::make_unique<client::http_client>(connection.server, MakeConfig(connection.request_timeout));
  }

  client::http_client_config MakeConfig(std::chrono::milliseconds timeout) const {
    client::http_client_config config;
    config.set_timeout(timeout);
    config.set_validate_certificates(!connection.insecure_skip_tls_verify);
    // Runs for every new TLS connection; the PEM text is loaded from memory each time.
    config.set_ssl_context_callback([tls = connection](boost::asio::ssl::context& ctx) { LoadTls(ctx, tls); });
    return config;
  }

  http::http_request MakeRequest(const http::method& method, const std::string& path_and_query,
                                 const std::string& accept = "application/json") {
    http::http_request request(method);
    request.set_request_uri(web::uri(path_and_query));
    request.headers().add("Accept", accept);
    request.headers().add("User-Agent", "minitwit-operator/0.1");
    if (std::string bearer = token.Token(); !bearer.empty()) {
      request.headers().add("Authorization", "Bearer " + bearer);
    }
    return request;
  }

  static std::string HostOf(const std::string& server) {
    std::string rest = server.substr(server.find("://") == std::string::npos ? 0 : server.find("://") + 3);
    return rest.substr(0, rest.find('/'));
  }

  // client-go's rest_client_requests_total: one per response, or "<error>" when none came.
  void Count(const http::method& method, int status) {
    metrics.rest_requests.Add({status > 0 ? std::to_string(status) : "<error>", method, host});
  }

  Result<Json> Send(const std::string& verb, const http::method& method, const std::string& path_and_query,
                    const std::optional<std::string>& body = std::nullopt,
                    const std::string& content_type = "application/json",
                    const std::string& accept = "application/json") {
    metrics.api_requests.Add({client_name, verb});
    try {
      auto request = MakeRequest(method, path_and_query, accept);
      if (body) request.set_body(*body, content_type);
      http::http_response response = client->request(request).get();
      int status = response.status_code();
      Count(method, status);
      std::string text = response.extract_utf8string(true).get();
      if (status >= 400) return DecodeStatus(status, text);
      if (text.empty()) return Json::object();
      Json parsed = Json::parse(text, nullptr, false);
      if (parsed.is_discarded()) {
        return ApiError{status, "InvalidResponse", "response is not JSON: " + text.substr(0, 200)};
      }
      return parsed;
    } catch (const std::exception& e) {
      Count(method, 0);
      return ApiError{0, "Transport", e.what()};
    }
  }

  Status Watch(const ResourceType& type, const std::string& ns, const ListOptions& options,
               const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) {
    metrics.api_requests.Add({client_name, "watch"});
    pplx::cancellation_token_source cancel;
    std::stop_callback on_stop(stop, [&cancel] { cancel.cancel(); });
    int watch_seconds = options.timeout_seconds > 0 ? options.timeout_seconds : kDefaultWatchSeconds;
    bool counted = false;
    try {
      // A client per watch: its inactivity timeout must outlast the server-side timeout.
      client::http_client watch_client(connection.server, MakeConfig(std::chrono::seconds(watch_seconds + 30)));
      auto request = MakeRequest(http::methods::GET, ResourcePath(type, ns) + ListQuery(options, true),
                                 options.metadata_only ? kMetadataAccept : "application/json");
      http::http_response response = watch_client.request(request, cancel.get_token()).get();
      counted = true;
      Count(http::methods::GET, response.status_code());
      if (response.status_code() >= 400) {
        return DecodeStatus(response.status_code(), response.extract_utf8string(true).get());
      }
      auto buffer = response.body().streambuf();
      std::string pending;
      // Not zero-filled: of eleven idle watches, only the bytes that arrive are touched.
      constexpr std::size_t kChunkBytes = 16 * 1024;
      auto chunk = std::make_unique_for_overwrite<char[]>(kChunkBytes);
      while (!stop.stop_requested()) {
        // One blocking byte, then whatever else has arrived: events are handled as they come.
        auto first = buffer.bumpc().get();
        if (first == std::char_traits<char>::eof()) break;
        pending.push_back(static_cast<char>(first));
        std::size_t available = buffer.in_avail();
        if (available > 0) {
          std::size_t n = buffer.getn(reinterpret_cast<unsigned char*>(chunk.get()), std::min(available, kChunkBytes)).get();
          pending.append(chunk.get(), n);
        }
        std::size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
          std::string line = pending.substr(0, newline);
          pending.erase(0, newline + 1);
          if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
          auto event = ParseWatchLine(line);
          if (!event.ok()) {
            cancel.cancel();
            return event.error();
          }
          if (event.value().type == WatchEvent::Type::kError) {
            cancel.cancel();
            ApiError error = DecodeStatus(500, event.value().object.dump());
            if (error.status == 410) error.reason = error.reason.empty() ? "Expired" : error.reason;
            return error;
          }
          if (!on_event(event.value())) {
            cancel.cancel();
            return Ok();
          }
        }
      }
      cancel.cancel();
      return Ok();
    } catch (const std::exception& e) {
      if (stop.stop_requested()) return Ok();
      if (!counted) Count(http::methods::GET, 0);
      return ApiError{0, "Transport", e.what()};
    }
  }
};

RestKubeClient::RestKubeClient(ClusterConnection connection, observability::OperatorMetrics& metrics,
                               std::string client_name) {
  // Both before the first http_client (and before cpprestsdk's threads read the environment).
  UseClusterCaAsDefaultFile(connection.ca_pem);
  InitializeIoThreads();
  try {
    boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
    LoadTls(probe, connection);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("unusable TLS material for ") + connection.server + ": " + e.what());
  }
  try {
    impl_ = std::make_unique<Impl>(std::move(connection), metrics, std::move(client_name));
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("unusable API server address: ") + e.what());
  }
}

RestKubeClient::~RestKubeClient() = default;

Result<Json> RestKubeClient::Get(const ResourceType& type, const std::string& ns, const std::string& name) {
  return impl_->Send("get", http::methods::GET, ResourcePath(type, ns, name));
}

Result<Json> RestKubeClient::List(const ResourceType& type, const std::string& ns, const ListOptions& options) {
  return impl_->Send("list", http::methods::GET, ResourcePath(type, ns) + ListQuery(options, false), std::nullopt,
                     "application/json", options.metadata_only ? kMetadataListAccept : "application/json");
}

Result<Json> RestKubeClient::Create(const ResourceType& type, const std::string& ns, const Json& object) {
  return impl_->Send("create", http::methods::POST, ResourcePath(type, ns), object.dump());
}

Result<Json> RestKubeClient::Replace(const ResourceType& type, const std::string& ns, const std::string& name,
                                     const Json& object, const std::string& subresource) {
  return impl_->Send("update", http::methods::PUT, ResourcePath(type, ns, name, subresource), object.dump());
}

Result<Json> RestKubeClient::Patch(const ResourceType& type, const std::string& ns, const std::string& name,
                                   const Json& patch, PatchType patch_type, const std::string& subresource) {
  return impl_->Send("patch", http::methods::PATCH, ResourcePath(type, ns, name, subresource), patch.dump(),
                     PatchContentType(patch_type));
}

Result<Json> RestKubeClient::Apply(const ResourceType& type, const std::string& ns, const std::string& name,
                                   const Json& object, const std::string& field_manager,
                                   const std::string& subresource) {
  Json body = object;
  if (!body.contains("apiVersion")) body["apiVersion"] = type.ApiVersion();
  if (!body.contains("kind")) body["kind"] = type.kind;
  if (!body["metadata"].contains("name")) body["metadata"]["name"] = name;
  std::string query = "?fieldManager=" + EscapeQueryValue(field_manager) + "&force=true";
  // JSON is YAML, so the apply body needs no conversion.
  return impl_->Send("apply", http::methods::PATCH, ResourcePath(type, ns, name, subresource) + query, body.dump(),
                     "application/apply-patch+yaml");
}

Status RestKubeClient::Delete(const ResourceType& type, const std::string& ns, const std::string& name) {
  auto result = impl_->Send("delete", http::methods::DEL, ResourcePath(type, ns, name) + "?propagationPolicy=Background");
  if (!result.ok()) return result.error();
  return Ok();
}

Status RestKubeClient::Watch(const ResourceType& type, const std::string& ns, const ListOptions& options,
                             const std::function<bool(const WatchEvent&)>& on_event, std::stop_token stop) {
  return impl_->Watch(type, ns, options, on_event, stop);
}

}  // namespace minitwit::kube
