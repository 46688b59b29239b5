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

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("S\xC3\xA9" "bastien"));        // U+00E9
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));               // U+20AC
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));               // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));           // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));           // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));  // NUL is UTF-8; IsStorableText refuses it
}

TEST(Utf8Test, RejectsMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xFF\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC3\x28"));          // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated three-byte form
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("ok\xE2\x82\xACok\xE2"));
}

TEST(DecodeTextTest, DecodesOnlyStorableText) {
  EXPECT_EQ(DecodeText("Roger%20Histand"), "Roger Histand");
  EXPECT_EQ(DecodeText("S%C3%A9bastien"), "S\xC3\xA9" "bastien");
  EXPECT_EQ(DecodeText("a+b", true), "a b");
  EXPECT_FALSE(DecodeText("%FF"));
  EXPECT_FALSE(DecodeText("%C3"));
  EXPECT_FALSE(DecodeText("%FF%FE"));
  EXPECT_FALSE(DecodeText("%C3%28"));
  EXPECT_FALSE(DecodeText("\xFF"));  // a raw byte, not an escape
  EXPECT_FALSE(DecodeText("a%00b"));
  EXPECT_FALSE(DecodeText("bad%zz"));
}

TEST(ParseFormEncodedTest, SkipsPairsThatAreNotText) {
  const auto fields = ParseFormEncoded("no=5&bad=%FF&%C3=x&nul=a%00b&latest=7");
  EXPECT_EQ(fields.at("no"), "5");
  EXPECT_EQ(fields.at("latest"), "7");
  EXPECT_EQ(fields.size(), 2u);
}

TEST(ParseFormBodyTest, RejectsTheWholeFormWhenAnyPairIsNotText) {
  const auto form = ParseFormBody("username=al+ice&email=a%40b&password=x&password2=x&&flag");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->at("username"), "al ice");
  EXPECT_EQ(form->at("email"), "a@b");
  EXPECT_EQ(form->at("flag"), "");
  EXPECT_FALSE(ParseFormBody("username=%FF&password=x"));
  EXPECT_FALSE(ParseFormBody("username=a%00b&password=x"));
  EXPECT_FALSE(ParseFormBody("username=x&%C3%28=y"));
  EXPECT_FALSE(ParseFormBody("username=x&text=bad%zz"));
  EXPECT_TRUE(ParseFormBody(""));
}

}  // namespace
}  // namespace minitwit
