//===- JsonTest.cpp - qmrt::json reader -----------------------------------===//

#include "qmrt/json.h"

#include <gtest/gtest.h>

using qmrt::json::Value;

namespace {

Value parseOk(const std::string &text) {
  Value v;
  std::string error;
  EXPECT_TRUE(qmrt::json::parse(text, v, error)) << text << ": " << error;
  return v;
}

std::string parseError(const std::string &text) {
  Value v;
  std::string error;
  EXPECT_FALSE(qmrt::json::parse(text, v, error)) << text;
  return error;
}

TEST(Json, ScalarsAndNesting) {
  Value v = parseOk(R"( {"a": [1, -2.5e-1, true, false, null], "b": {"c": "d"},
                        "e": [], "f": {}} )");
  ASSERT_TRUE(v.isObject());
  ASSERT_EQ(v.members().size(), 4u);
  EXPECT_EQ(v.members()[0].first, "a");
  const Value *a = v.get("a");
  ASSERT_TRUE(a && a->isArray());
  ASSERT_EQ(a->elements().size(), 5u);
  EXPECT_TRUE(a->elements()[0].isInteger());
  EXPECT_EQ(a->elements()[0].asInt(), 1);
  EXPECT_DOUBLE_EQ(a->elements()[1].asNumber(), -0.25);
  EXPECT_FALSE(a->elements()[1].isInteger());
  EXPECT_TRUE(a->elements()[2].asBool());
  EXPECT_TRUE(a->elements()[3].isBool());
  EXPECT_FALSE(a->elements()[3].asBool());
  EXPECT_TRUE(a->elements()[4].isNull());
  ASSERT_TRUE(v.get("b") && v.get("b")->get("c"));
  EXPECT_EQ(v.get("b")->get("c")->asString(), "d");
  EXPECT_TRUE(v.get("e")->elements().empty());
  EXPECT_TRUE(v.get("f")->members().empty());
  EXPECT_EQ(v.get("missing"), nullptr);
  EXPECT_EQ(a->get("x"), nullptr); // not an object
}

TEST(Json, StringEscapes) {
  Value v = parseOk(R"(["a\"b\\c\/d\b\f\n\r\t", "\u0041\u00e9\u20ac",
                       "\ud83d\ude00", "\u0120t", "caf\u00e9 café"])");
  ASSERT_EQ(v.elements().size(), 5u);
  EXPECT_EQ(v.elements()[0].asString(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(v.elements()[1].asString(), "A\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(v.elements()[2].asString(), "\xf0\x9f\x98\x80"); // U+1F600
  EXPECT_EQ(v.elements()[3].asString(), "\xc4\xa0t");         // "Ġt"
  EXPECT_EQ(v.elements()[4].asString(), "caf\xc3\xa9 caf\xc3\xa9");
}

TEST(Json, Errors) {
  EXPECT_EQ(parseError("[1, 2,]"),
            "line 1, column 7: unexpected character ']'");
  EXPECT_EQ(parseError("{\"a\": 1,\n \"b\" 2}"),
            "line 2, column 6: expected ':' after an object key");
  EXPECT_EQ(parseError("[1] x"), "line 1, column 5: unexpected text after "
                                 "the value");
  EXPECT_EQ(parseError("01"),
            "line 1, column 2: unexpected text after the value");
  EXPECT_EQ(parseError("\"\\ud800x\""),
            "line 1, column 8: high surrogate without a low surrogate");
  EXPECT_EQ(parseError("\"\\udc00\""),
            "line 1, column 8: lone low surrogate in a \\u escape");
  EXPECT_EQ(parseError("\"a\tb\""),
            "line 1, column 3: unescaped control character in a string");
  EXPECT_EQ(parseError("\"\\q\""), "line 1, column 3: invalid escape '\\q'");
  EXPECT_EQ(parseError("\"\xff\""),
            "line 1, column 2: invalid UTF-8 in a string");
  EXPECT_EQ(parseError("tru"), "line 1, column 1: invalid literal");
  EXPECT_EQ(parseError("-"), "line 1, column 2: invalid number");
  EXPECT_EQ(parseError("1.e5"),
            "line 1, column 3: invalid number: digits expected after '.'");
  EXPECT_EQ(parseError(""), "line 1, column 1: unexpected end of input");
  EXPECT_EQ(parseError("{\"a\": [1, 2"),
            "line 1, column 12: unterminated array");
  EXPECT_EQ(parseError(std::string(600, '[') + std::string(600, ']')),
            "line 1, column 514: nesting deeper than 512");
}

} // namespace
