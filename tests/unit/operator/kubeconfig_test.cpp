#include "kube/kubeconfig.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace minitwit::kube {
namespace {

// base64 of "CA PEM", "CERT PEM", "KEY PEM".
constexpr char kKubeconfig[] = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: Q0EgUEVN
- name: file-cluster
  cluster:
    server: https://files.example:443
    certificate-authority: certs/ca.crt
    insecure-skip-tls-verify: true
users:
- name: cert-user
  user:
    client-certificate-data: Q0VSVCBQRU0=
    client-key-data: S0VZIFBFTQ==
- name: file-user
  user:
    client-certificate: certs/client.crt
    client-key: /ABS/client.key
- name: token-user
  user:
    token: abc.def.ghi
- name: exec-user
  user:
    exec:
      command: aws
contexts:
- name: dev
  context: {cluster: dev-cluster, user: cert-user, namespace: minitwit}
- name: files
  context: {cluster: file-cluster, user: file-user}
- name: token
  context: {cluster: dev-cluster, user: token-user}
- name: exec
  context: {cluster: dev-cluster, user: exec-user}
)";

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kubeconfig-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "certs");
    Write(dir_ / "certs/ca.crt", "FILE CA");
    Write(dir_ / "certs/client.crt", "FILE CERT");
    Write(dir_ / "client.key", "FILE KEY");
    text_ = kKubeconfig;
    text_.replace(text_.find("/ABS/client.key"), 15, (dir_ / "client.key").string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void Write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

  std::filesystem::path dir_;
  std::string text_;
};

TEST_F(KubeconfigTest, CurrentContextWithInlineData) {
  auto result = ParseKubeconfig(text_, dir_.string());
  ASSERT_TRUE(result.connection) << result.error;
  const auto& c = *result.connection;
  EXPECT_EQ(c.server, "https://10.0.0.1:6443");
  EXPECT_EQ(c.ca_pem, "CA PEM");
  EXPECT_EQ(c.client_cert_pem, "CERT PEM");
  EXPECT_EQ(c.client_key_pem, "KEY PEM");
  EXPECT_EQ(c.token, "");
  EXPECT_EQ(c.default_namespace, "minitwit");
  EXPECT_FALSE(c.insecure_skip_tls_verify);
}

TEST_F(KubeconfigTest, FilesResolveRelativeToTheKubeconfig) {
  auto result = ParseKubeconfig(text_, dir_.string(), "files");
  ASSERT_TRUE(result.connection) << result.error;
  EXPECT_EQ(result.connection->ca_pem, "FILE CA");
  EXPECT_EQ(result.connection->client_cert_pem, "FILE CERT");
  EXPECT_EQ(result.connection->client_key_pem, "FILE KEY");
  EXPECT_TRUE(result.connection->insecure_skip_tls_verify);
  EXPECT_EQ(result.connection->default_namespace, "default");
}

TEST_F(KubeconfigTest, TokenUser) {
  auto result = ParseKubeconfig(text_, dir_.string(), "token");
  ASSERT_TRUE(result.connection) << result.error;
  EXPECT_EQ(result.connection->token, "abc.def.ghi");
  EXPECT_TRUE(result.connection->client_cert_pem.empty());
}

TEST_F(KubeconfigTest, LoadsFromAFile) {
  Write(dir_ / "config", text_);
  auto result = LoadKubeconfig((dir_ / "config").string(), "files");
  ASSERT_TRUE(result.connection) << result.error;
  EXPECT_EQ(result.connection->ca_pem, "FILE CA");
}

TEST_F(KubeconfigTest, ErrorsAreResultsNotExceptions) {
  EXPECT_NE(ParseKubeconfig(text_, dir_.string(), "missing").error.find("no context named missing"), std::string::npos);
  EXPECT_NE(ParseKubeconfig(text_, dir_.string(), "exec").error.find("not supported"), std::string::npos);
  EXPECT_FALSE(ParseKubeconfig("a: [unclosed", "").connection);
  EXPECT_FALSE(ParseKubeconfig("just a string", "").connection);
  EXPECT_FALSE(LoadKubeconfig((dir_ / "nope").string()).connection);
  std::string missing_file = text_;
  missing_file.replace(missing_file.find("certs/ca.crt"), 12, "certs/none.crt");
  EXPECT_NE(ParseKubeconfig(missing_file, dir_.string(), "files").error.find("cannot read"), std::string::npos);
}

TEST_F(KubeconfigTest, InClusterReadsTheServiceAccount) {
  auto sa = dir_ / "sa";
  std::filesystem::create_directories(sa);
  Write(sa / "token", "tok");
  Write(sa / "ca.crt", "SA CA");
  Write(sa / "namespace", "operators\n");
  auto result = InClusterConnection("10.96.0.1", "443", sa.string());
  ASSERT_TRUE(result.connection) << result.error;
  EXPECT_EQ(result.connection->server, "https://10.96.0.1:443");
  EXPECT_EQ(result.connection->token_file, (sa / "token").string());
  EXPECT_EQ(result.connection->ca_pem, "SA CA");
  EXPECT_EQ(result.connection->default_namespace, "operators");
  EXPECT_EQ(InClusterConnection("fd00::1", "443", sa.string()).connection->server, "https://[fd00::1]:443");
  EXPECT_FALSE(InClusterConnection("", "", sa.string()).connection);
}

TEST(Base64Test, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(Base64Decode("aGVsbG8"), "hello");
  EXPECT_EQ(Base64Decode("aGVs\nbG8h"), "hello!");
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_EQ(Base64Decode("a*b"), std::nullopt);
}

}  // namespace
}  // namespace minitwit::kube
