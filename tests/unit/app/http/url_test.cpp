#include "http/url.hpp"

#include <gtest/gtest.h>

namespace minitwit {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndUtf8) {
  EXPECT_EQ(PercentDecode("Roger%20Histand"), "Roger Histand");
  EXPECT_EQ(PercentDecode("S%C3%A9bastien"), "S\xC3\xA9" "bastien");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%2f%2F"), "//");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  EXPECT_FALSE(PercentDecode("%"));
  EXPECT_FALSE(PercentDecode("abc%2"));
  EXPECT_FALSE(PercentDecode("%zz"));
  EXPECT_FALSE(PercentDecode("%G0"));
}

TEST(PercentEncodeTest, RoundTrips) {
  const std::string name = "Roger Histand/\xC3\xA6 %&?";
  EXPECT_EQ(PercentEncode("Roger Histand"), "Roger%20Histand");
  EXPECT_EQ(PercentDecode(PercentEncode(name)), name);
}

TEST(ParseFormEncodedTest, ParsesPairsAndSkipsBrokenOnes) {
  const auto fields = ParseFormEncoded("latest=12&no=5&text=hello+world%21&bad=%zz&flag&latest=99");
  EXPECT_EQ(fields.at("latest"), "12");
  EXPECT_EQ(fields.at("no"), "5");
  EXPECT_EQ(fields.at("text"), "hello world!");
  EXPECT_EQ(fields.at("flag"), "");
  EXPECT_FALSE(fields.contains("bad"));
}

}  // namespace
}  // namespace minitwit
