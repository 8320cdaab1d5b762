//===- json.h - Minimal JSON reader for the runtime --------------*- C++ -*-===//
//
// A small, dependency-free JSON (RFC 8259) reader: enough to load a Hugging
// Face tokenizer.json and similar configuration files in deployed binaries,
// which must not depend on LLVM. Parses into an ordered DOM; objects keep
// their members in file order (lookups are linear, which is fine for the
// config-sized objects this is meant for; callers that index large objects
// iterate `members()` once and build their own maps).
//
// Strict: rejects trailing commas, comments, unescaped control characters,
// lone UTF-16 surrogates in \u escapes, invalid UTF-8 in strings, and nesting
// deeper than 512. Errors name the line and column.
//
//===----------------------------------------------------------------------===//

#ifndef QMRT_JSON_H
#define QMRT_JSON_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qmrt {
namespace json {

class Value {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Value() = default;

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }

  /// Accessors; each asserts nothing and returns a neutral value (false, 0,
  /// empty) when the kind does not match, so check the kind first.
  bool asBool() const { return kind_ == Kind::Bool && bool_; }
  double asNumber() const { return kind_ == Kind::Number ? number_ : 0.0; }
  /// True when the value is a number with an exact int64 value.
  bool isInteger() const;
  int64_t asInt() const { return static_cast<int64_t>(asNumber()); }
  const std::string &asString() const { return string_; }
  const std::vector<Value> &elements() const { return array_; }
  const std::vector<std::pair<std::string, Value>> &members() const {
    return object_;
  }

  /// Member lookup in an object (first match); nullptr when absent or when
  /// this is not an object.
  const Value *get(std::string_view key) const;

  /// Human-readable kind name ("null", "string", ...), for error messages.
  static const char *kindName(Kind kind);

private:
  friend class Parser;
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  double number_ = 0.0;
  std::string string_;
  std::vector<Value> array_;
  std::vector<std::pair<std::string, Value>> object_;
};

/// Parses `text` as one JSON value (surrounding white space allowed). On
/// failure returns false and sets `error` to "line L, column C: what".
bool parse(std::string_view text, Value &out, std::string &error);

} // namespace json

/// Appends code point `cp` (<= U+10FFFF) to `out` as UTF-8. Shared by the
/// JSON reader (\u escapes) and the tokenizer (byte-level alphabet).
void appendUtf8(std::string &out, uint32_t cp);

} // namespace qmrt

#endif // QMRT_JSON_H
