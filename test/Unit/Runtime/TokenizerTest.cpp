//===- TokenizerTest.cpp - qmrt::Tokenizer --------------------------------===//
//
// A tiny tokenizer.json is built in the test: id 0 "<|endoftext|>", ids
// 1..256 the byte-level alphabet, then the tokens of the listed merges. The
// real tokenizer is compared with the Python package in
// test/Runtime/tokenizer-reference.test.
//
//===----------------------------------------------------------------------===//

#include "qmrt/perplexity.h"
#include "qmrt/tokenizer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <utility>

namespace {

/// GPT-2 bytes_to_unicode, as UTF-8 strings.
std::string byteSymbol(unsigned b) {
  static std::vector<std::string> table = [] {
    std::vector<std::string> t(256);
    unsigned extra = 0;
    for (unsigned c = 0; c < 256; ++c) {
      bool printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) ||
                       (c >= 0xAE && c <= 0xFF);
      unsigned cp = printable ? c : 256 + extra++;
      std::string s;
      if (cp < 0x80) {
        s += static_cast<char>(cp);
      } else {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
      }
      t[c] = s;
    }
    return t;
  }();
  return table[b];
}

std::string byteLevel(const std::string &bytes) {
  std::string out;
  for (unsigned char b : bytes)
    out += byteSymbol(b);
  return out;
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

/// Merges are given on raw bytes; the token of merge i gets id 257 + i.
std::string makeTokenizerJson(
    const std::vector<std::pair<std::string, std::string>> &merges,
    const std::string &extra = "") {
  std::string vocab = "\"<|endoftext|>\": 0";
  for (unsigned b = 0; b < 256; ++b)
    vocab += ", " + jsonString(byteSymbol(b)) + ": " + std::to_string(b + 1);
  std::string mergeList;
  int id = 257;
  for (const auto &[l, r] : merges) {
    vocab += ", " + jsonString(byteLevel(l + r)) + ": " + std::to_string(id++);
    if (!mergeList.empty())
      mergeList += ", ";
    mergeList += "[" + jsonString(byteLevel(l)) + ", " +
                 jsonString(byteLevel(r)) + "]";
  }
  return R"({"version": "1.0", "added_tokens": [{"id": 0, "content":
    "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false,
    "normalized": false, "special": true}], "normalizer": null,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false,
    "trim_offsets": true, "use_regex": true}, "post_processor": null,
    "decoder": {"type": "ByteLevel"}, )" +
         extra + R"("model": {"type": "BPE", "dropout": null,
    "unk_token": null, "byte_fallback": false, "vocab": {)" +
         vocab + "}, \"merges\": [" + mergeList + "]}}";
}

std::unique_ptr<qmrt::Tokenizer>
load(const std::vector<std::pair<std::string, std::string>> &merges) {
  std::string error;
  auto tok = qmrt::Tokenizer::loadFromJson(makeTokenizerJson(merges), error);
  EXPECT_TRUE(tok) << error;
  return tok;
}

std::vector<int32_t> encode(const qmrt::Tokenizer &tok,
                            const std::string &text) {
  std::vector<int32_t> ids;
  std::string error;
  EXPECT_TRUE(tok.encode(text, ids, error)) << error;
  return ids;
}

/// Ids back to their raw byte strings, to read the tests.
std::vector<std::string> pieces(const qmrt::Tokenizer &tok,
                                const std::vector<int32_t> &ids) {
  std::vector<std::string> out;
  for (int32_t id : ids) {
    std::string text, error;
    EXPECT_TRUE(tok.decode({id}, text, error)) << error;
    out.push_back(text);
  }
  return out;
}

using Pieces = std::vector<std::string>;

Pieces preTokens(const qmrt::Tokenizer &tok, const std::string &text) {
  Pieces out;
  for (std::string_view w : tok.preTokenize(text))
    out.emplace_back(w);
  return out;
}

TEST(Utf8, FindInvalid) {
  constexpr size_t npos = std::string_view::npos;
  EXPECT_EQ(qmrt::findInvalidUtf8(""), npos);
  EXPECT_EQ(qmrt::findInvalidUtf8("plain ascii text, long enough"), npos);
  EXPECT_EQ(qmrt::findInvalidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
            npos);
  EXPECT_EQ(qmrt::findInvalidUtf8("\xf4\x8f\xbf\xbf"), npos); // U+10FFFF
  EXPECT_EQ(qmrt::findInvalidUtf8("0123456789\x80"), 10u);    // continuation
  EXPECT_EQ(qmrt::findInvalidUtf8("ab\xc0\x80"), 2u);         // overlong NUL
  EXPECT_EQ(qmrt::findInvalidUtf8("\xe0\x80\xaf"), 0u);       // overlong
  EXPECT_EQ(qmrt::findInvalidUtf8("a\xed\xa0\x80"), 1u);      // surrogate
  EXPECT_EQ(qmrt::findInvalidUtf8("\xf4\x90\x80\x80"), 0u);   // > U+10FFFF
  EXPECT_EQ(qmrt::findInvalidUtf8("abc\xe2\x82"), 3u);        // truncated
  EXPECT_EQ(qmrt::findInvalidUtf8("\xff"), 0u);
  EXPECT_EQ(qmrt::findInvalidUtf8("\xc3\xa9 caf\xc3\x28"), 6u);
}

TEST(Tokenizer, PreTokenizerRegex) {
  auto tok = load({});
  ASSERT_TRUE(tok);
  EXPECT_EQ(preTokens(*tok, "Hello world, it's 2024!"),
            (Pieces{"Hello", " world", ",", " it", "'s", " 2024", "!"}));
  EXPECT_EQ(preTokens(*tok, "we'll they're I've"),
            (Pieces{"we", "'ll", " they", "'re", " I", "'ve"}));
  // Contractions are case-sensitive and only start a match.
  EXPECT_EQ(preTokens(*tok, "'S'sa"), (Pieces{"'", "S", "'s", "a"}));
  EXPECT_EQ(preTokens(*tok, "x.'s"), (Pieces{"x", ".'", "s"}));
  EXPECT_EQ(preTokens(*tok, " 's"), (Pieces{" '", "s"}));
  // \s+(?!\S): a run before a word leaves its last space to the word.
  EXPECT_EQ(preTokens(*tok, "a  \n  b"), (Pieces{"a", "  \n ", " b"}));
  EXPECT_EQ(preTokens(*tok, "  trailing  "),
            (Pieces{" ", " trailing", "  "}));
  EXPECT_EQ(preTokens(*tok, "\t\tb"), (Pieces{"\t", "\t", "b"}));
  // Unicode white space (NBSP, ideographic space) vs. controls that are not.
  EXPECT_EQ(preTokens(*tok, "a\xc2\xa0\xc2\xa0" "b"),
            (Pieces{"a", "\xc2\xa0", "\xc2\xa0", "b"}));
  EXPECT_EQ(preTokens(*tok, " \xe3\x80\x80x"),
            (Pieces{" ", "\xe3\x80\x80", "x"}));
  EXPECT_EQ(preTokens(*tok, "a\x1c\x1c" "b"),
            (Pieces{"a", "\x1c\x1c", "b"}));
  // Letters and numbers beyond ASCII; combining marks are neither.
  EXPECT_EQ(preTokens(*tok, "x\xcc\x81\xcc\x81y"),
            (Pieces{"x", "\xcc\x81\xcc\x81", "y"}));
  EXPECT_EQ(preTokens(*tok, "\xc2\xb2\xc2\xb2" "a"),
            (Pieces{"\xc2\xb2\xc2\xb2", "a"}));
  EXPECT_EQ(preTokens(*tok, "a1b"), (Pieces{"a", "1", "b"}));
  EXPECT_EQ(preTokens(*tok, " caf\xc3\xa9 \xd0\x9c\xd0\xbe\xd1\x81"),
            (Pieces{" caf\xc3\xa9", " \xd0\x9c\xd0\xbe\xd1\x81"}));
  EXPECT_EQ(preTokens(*tok, "\xf0\x9f\x98\x80 ok"),
            (Pieces{"\xf0\x9f\x98\x80", " ok"}));
  EXPECT_TRUE(preTokens(*tok, "").empty());
}

TEST(Tokenizer, MergesByRankThenPosition) {
  // Lower rank wins regardless of position; equal ranks go left to right.
  auto tok = load({{"b", "c"}, {"a", "b"}, {"a", "a"}, {"aa", "aa"}});
  ASSERT_TRUE(tok);
  EXPECT_EQ(pieces(*tok, encode(*tok, "abc")), (Pieces{"a", "bc"}));
  EXPECT_EQ(pieces(*tok, encode(*tok, "abd")), (Pieces{"ab", "d"}));
  EXPECT_EQ(pieces(*tok, encode(*tok, "aaa")), (Pieces{"aa", "a"}));
  EXPECT_EQ(pieces(*tok, encode(*tok, "aaaa")), (Pieces{"aaaa"}));
  EXPECT_EQ(pieces(*tok, encode(*tok, "aaaaa")), (Pieces{"aaaa", "a"}));
  // Merges never cross pre-token boundaries.
  EXPECT_EQ(pieces(*tok, encode(*tok, "a a")), (Pieces{"a", " ", "a"}));
}

TEST(Tokenizer, ChainedMergesAndIds) {
  auto tok = load({{" ", "t"}, {"h", "e"}, {" t", "he"}});
  ASSERT_TRUE(tok);
  EXPECT_EQ(tok->vocabSize(), 260);
  EXPECT_EQ(tok->tokenToId(byteLevel(" the")), 259);
  EXPECT_EQ(tok->idToToken(259), "\xc4\xa0the"); // "Ġthe"
  EXPECT_EQ(encode(*tok, " the the"), (std::vector<int32_t>{259, 259}));
  EXPECT_EQ(encode(*tok, "the"), (std::vector<int32_t>{'t' + 1, 258}));
  EXPECT_TRUE(encode(*tok, "").empty());
  // Every byte (here the non-printable ones) has an id; decode inverts.
  std::string all;
  for (int b = 1; b < 256; ++b)
    if (b < 0x80)
      all += static_cast<char>(b);
  std::vector<int32_t> ids = encode(*tok, all);
  std::string back, error;
  ASSERT_TRUE(tok->decode(ids, back, error)) << error;
  EXPECT_EQ(back, all);
}

TEST(Tokenizer, AddedTokens) {
  auto tok = load({{"a", "b"}});
  ASSERT_TRUE(tok);
  EXPECT_TRUE(tok->isSpecial(0));
  EXPECT_FALSE(tok->isSpecial(1));
  std::vector<int32_t> ids = encode(*tok, "ab<|endoftext|><|endoftext|> ab<|end");
  EXPECT_EQ(pieces(*tok, ids),
            (Pieces{"ab", "<|endoftext|>", "<|endoftext|>", " ", "ab", "<",
                    "|", "e", "n", "d"}));
  EXPECT_EQ(ids[1], 0);
  std::string text, error;
  ASSERT_TRUE(tok->decode(ids, text, error));
  EXPECT_EQ(text, "ab<|endoftext|><|endoftext|> ab<|end");
  ASSERT_TRUE(tok->decode(ids, text, error, /*skipSpecial=*/true));
  EXPECT_EQ(text, "ab ab<|end");
}

TEST(Tokenizer, EncodeDecodeErrors) {
  auto tok = load({});
  ASSERT_TRUE(tok);
  std::vector<int32_t> ids;
  std::string error;
  EXPECT_FALSE(tok->encode("ok \xc3\x28", ids, error));
  EXPECT_EQ(error, "text is not valid UTF-8 (byte offset 3)");
  std::string text;
  EXPECT_FALSE(tok->decode({5, 257}, text, error));
  EXPECT_EQ(error, "token id (257) at position 1 is not in the vocabulary "
                   "(size 257)");
  EXPECT_FALSE(tok->decode({-1}, text, error));
}

TEST(Tokenizer, LoadErrors) {
  std::string error;
  EXPECT_FALSE(qmrt::Tokenizer::loadFromJson("{", error));
  EXPECT_EQ(error, "tokenizer.json: invalid JSON: line 1, column 2: "
                   "unexpected end of input in an object");
  EXPECT_FALSE(qmrt::Tokenizer::loadFromFile("/nonexistent/tokenizer.json",
                                             error));
  EXPECT_EQ(error, "cannot open tokenizer file '/nonexistent/tokenizer.json'");

  std::string json = makeTokenizerJson({{"a", "b"}});
  auto replaced = [&](const std::string &from, const std::string &to) {
    std::string s = json;
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  EXPECT_FALSE(qmrt::Tokenizer::loadFromJson(
      replaced("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}"),
      error));
  EXPECT_EQ(error, "tokenizer.json: unsupported normalizer (NFC); only null "
                   "is supported");
  EXPECT_FALSE(qmrt::Tokenizer::loadFromJson(
      replaced("\"type\": \"BPE\"", "\"type\": \"WordPiece\""), error));
  EXPECT_EQ(error, "tokenizer.json: unsupported model type (WordPiece); only "
                   "BPE is supported");
  EXPECT_FALSE(qmrt::Tokenizer::loadFromJson(
      replaced("\"lstrip\": false", "\"lstrip\": true"), error));
  EXPECT_EQ(error, "tokenizer.json: added token '<|endoftext|>' uses "
                   "'lstrip', which is not supported");
  EXPECT_FALSE(qmrt::Tokenizer::loadFromJson(
      replaced("[\"a\", \"b\"]", "[\"a\", \"zz\"]"), error));
  EXPECT_EQ(error, "tokenizer.json: merge 0 ('a' + 'zz') uses a token not in "
                   "the vocabulary");
  EXPECT_FALSE(qmrt::Tokenizer::loadFromJson(
      replaced("\"decoder\": {\"type\": \"ByteLevel\"}", "\"decoder\": null"),
      error));
  EXPECT_EQ(error, "tokenizer.json: unsupported decoder (null); only "
                   "ByteLevel is supported");
  // The older "left right" merge strings load as well.
  auto tok = qmrt::Tokenizer::loadFromJson(
      replaced("[\"a\", \"b\"]", "\"a b\""), error);
  ASSERT_TRUE(tok) << error;
  EXPECT_EQ(encode(*tok, "ab"), (std::vector<int32_t>{257}));
}

TEST(Tokenizer, AddPrefixSpaceAndNoRegex) {
  std::string json = makeTokenizerJson({{" ", "a"}});
  std::string error;
  std::string prefixed = json;
  prefixed.replace(prefixed.find("\"add_prefix_space\": false"),
                   strlen("\"add_prefix_space\": false"),
                   "\"add_prefix_space\": true");
  auto tok = qmrt::Tokenizer::loadFromJson(prefixed, error);
  ASSERT_TRUE(tok) << error;
  EXPECT_EQ(pieces(*tok, encode(*tok, "a<|endoftext|>a")),
            (Pieces{" a", "<|endoftext|>", " a"}));
  std::string noRegex = json;
  noRegex.replace(noRegex.find("\"use_regex\": true"),
                  strlen("\"use_regex\": true"), "\"use_regex\": false");
  tok = qmrt::Tokenizer::loadFromJson(noRegex, error);
  ASSERT_TRUE(tok) << error;
  EXPECT_EQ(pieces(*tok, encode(*tok, "x a, a")),
            (Pieces{"x", " a", ",", " a"}));
  EXPECT_EQ(preTokens(*tok, "x a, a"), (Pieces{"x a, a"}));
}

TEST(Tokenizer, TextFiles) {
  auto tok = load({{"a", "b"}});
  ASSERT_TRUE(tok);
  std::string dir = ::testing::TempDir();
  auto write = [&](const std::string &name, const std::string &content) {
    std::string path = dir + "/qmrt_tokenizer_test_" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  };
  std::string good = write("good.txt", "ab ab"),
              other = write("other.txt", "b"),
              empty = write("empty.txt", ""),
              latin1 = write("latin1.txt", "caf\xe9 au lait");
  std::vector<int32_t> ids;
  std::string error;
  ASSERT_TRUE(qmrt::encodeFile(*tok, good, ids, error)) << error;
  EXPECT_EQ(pieces(*tok, ids), (Pieces{"ab", " ", "ab"}));
  // Files are joined with id 0 between them.
  ASSERT_TRUE(qmrt::encodeFilesJoined(*tok, {good, other}, ids, error));
  EXPECT_EQ(ids, (std::vector<int32_t>{257, ' ' + 1, 257, 0, 'b' + 1}));

  EXPECT_FALSE(qmrt::encodeFile(*tok, empty, ids, error));
  EXPECT_EQ(error, "text file '" + empty + "' is empty");
  EXPECT_FALSE(qmrt::encodeFile(*tok, latin1, ids, error));
  EXPECT_EQ(error, "text file '" + latin1 +
                       "' is not valid UTF-8 (byte offset 3)");
  EXPECT_FALSE(qmrt::encodeFilesJoined(*tok, {good, dir + "/nope.txt"}, ids,
                                       error));
  EXPECT_EQ(error, "cannot open text file '" + dir + "/nope.txt'");
  EXPECT_FALSE(qmrt::encodeFilesJoined(*tok, {}, ids, error));
  EXPECT_EQ(error, "no text file given");
}

} // namespace
