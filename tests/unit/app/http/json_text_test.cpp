#include "http/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace minitwit {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string Nlohmann(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(AppendJsonStringTest, WritesWhatNlohmannWrites) {
  for (const std::string text : {std::string(""), std::string("plain"), std::string("quote \" and \\ backslash"),
                                 std::string("tab\tnew\nline\r\b\f"), std::string("ctl \x01\x1f end"),
                                 std::string("nul \0 inside", 12), std::string("S\xC3\xA9" "bastien \xF0\x9F\x98\x80"),
                                 std::string("</script>")}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Quoted(text), Nlohmann(text));
    EXPECT_EQ(nlohmann::json::parse(Quoted(text)).get<std::string>(), text);
  }
}

TEST(AppendJsonStringTest, InvalidUtf8BecomesReplacementCharacter) {
  const auto out = Quoted("a\xFF" "b");
  EXPECT_EQ(out, Nlohmann("a\xFF" "b"));
  EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(AppendJsonStringTest, Appends) {
  std::string out = "[";
  AppendJsonString(out, "x");
  out += ",";
  AppendJsonString(out, "y");
  EXPECT_EQ(out, "[\"x\",\"y\"");
}

}  // namespace
}  // namespace minitwit
