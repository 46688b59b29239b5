#include "controller/write_fence.hpp"

#include <gtest/gtest.h>

#include "api/resource_types.hpp"
#include "fake_clock.hpp"
#include "fake_kube_client.hpp"

namespace minitwit::controller {
namespace {

using kube::Json;
using minitwit::testing::FakeClock;
using minitwit::testing::FakeKubeClient;
using namespace std::chrono_literals;

const Json kSecret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}, {"namespace", "mt"}}}};

TEST(WriteFence, ClosedUntilGrantedAndAfterTheDeadline) {
  FakeClock clock;
  WriteFence fence(clock);
  EXPECT_FALSE(fence.MayWrite());
  fence.GrantUntil(clock.Now() + 2s);
  EXPECT_TRUE(fence.MayWrite());
  clock.Advance(1999ms);
  EXPECT_TRUE(fence.MayWrite());
  clock.Advance(1ms);
  EXPECT_FALSE(fence.MayWrite());
  fence.GrantUntil(clock.Now() + 2s);
  fence.Revoke();
  EXPECT_FALSE(fence.MayWrite());
}

TEST(FencedKubeClient, WritesPastTheFenceNeverReachTheServer) {
  FakeClock clock;
  WriteFence fence(clock);
  FakeKubeClient reads;
  FakeKubeClient writes;
  FencedKubeClient client(reads, writes, fence);
  fence.GrantUntil(clock.Now() + 1s);
  ASSERT_TRUE(client.Apply(api::kSecretType, "mt", "s", kSecret, "m").ok());
  clock.Advance(1s);
  for (const auto& result :
       {client.Apply(api::kSecretType, "mt", "s", kSecret, "m"), client.Create(api::kSecretType, "mt", kSecret),
        client.Replace(api::kSecretType, "mt", "s", kSecret),
        client.Patch(api::kSecretType, "mt", "s", Json::object(), kube::PatchType::kMerge)}) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().status, 503);
    EXPECT_EQ(result.error().reason, "NotLeader");
  }
  EXPECT_FALSE(client.Delete(api::kSecretType, "mt", "s").ok());
  EXPECT_EQ(writes.MutatingCalls().size(), 1u);
  // Reads are not fenced: a standby keeps its view.
  EXPECT_FALSE(client.Get(api::kSecretType, "mt", "s").ok());  // `reads` holds nothing
  EXPECT_EQ(reads.CallsOf("get").size(), 1u);
}

}  // namespace
}  // namespace minitwit::controller
