//===- tokenizer.cpp - Byte-level BPE tokenizer (tokenizer.json) ----------===//
//
// Design
// ------
// This reproduces, for the configurations it accepts, what the Hugging Face
// `tokenizers` library does for a GPT-2 style byte-level BPE tokenizer.json:
//
//  1. Added tokens. The text is split at literal occurrences of the added
//     tokens (leftmost match; the longest when several start at one byte), as
//     AddedVocabulary does; each occurrence becomes its id, the pieces in
//     between go through steps 2-4 independently. Options that change this
//     matching (lstrip, rstrip, single_word) are rejected at load time.
//  2. Pre-tokenizer (ByteLevel, use_regex). The GPT-2 regex
//       's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//     is evaluated by hand over UTF-8 code points (forEachPreToken below).
//     Every code point falls in one of four classes: letter (general
//     category L*), number (N*), white space (the Unicode White_Space
//     property, which is Oniguruma's \s) and other; the regex only looks at
//     classes, plus the ASCII space and apostrophe. Alternatives are tried
//     in order at each position, with the backtracking of `\s+(?!\S)` worked
//     out in closed form: a white-space run that reaches the end is taken
//     whole, otherwise all of it but its last code point (which then prefixes
//     the next word when it is U+0020), and a single white-space code point
//     before a non-space falls to the last alternative. The L/N tables are
//     generated from Python's unicodedata by runtime/utils/
//     gen_unicode_tables.py into unicode_tables.inc (binary search; ASCII
//     goes through a 128-entry table).
//  3. Byte-level alphabet. GPT-2's bytes_to_unicode maps each byte to one
//     printable code point; BPE then works on bytes, so each word starts as
//     one symbol per byte (the id of that byte's code point).
//  4. BPE. Merges are indexed by the pair of ids (64-bit key -> rank, new
//     id) and applied with a min-heap ordered by (rank, position), dropping
//     stale entries, exactly as tokenizers' Word::merge_all does (lowest rank
//     first, leftmost among equal ranks).
//
// Speed: words repeat a lot in natural text, so encode() memoizes each
// distinct pre-token's ids for the duration of one call (the cache is local,
// which keeps the Tokenizer immutable and thread-safe). That makes encoding
// cost about one hash lookup per word.
//
// Decode maps each id to its token string, each code point of that string
// back to its byte (a token with a code point outside the byte alphabet is
// emitted as its raw UTF-8, as the ByteLevel decoder does), and
// concatenates. Python's decode() additionally replaces invalid UTF-8 with
// U+FFFD; we return the bytes unchanged.
//
//===----------------------------------------------------------------------===//

#include "qmrt/tokenizer.h"
#include "qmrt/json.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <queue>
#include <sstream>
#include <unordered_map>

namespace qmrt {

namespace {

//===----------------------------------------------------------------------===//
// UTF-8 and character classes
//===----------------------------------------------------------------------===//

struct CodePointRange {
  uint32_t lo, hi;
};

#include "unicode_tables.inc"

enum CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

bool inRanges(const CodePointRange *begin, const CodePointRange *end,
              uint32_t cp) {
  const CodePointRange *it = std::upper_bound(
      begin, end, cp,
      [](uint32_t value, const CodePointRange &r) { return value < r.lo; });
  return it != begin && cp <= (it - 1)->hi;
}

/// Unicode White_Space, which is what Oniguruma's \s matches on UTF-8 text.
bool isWhiteSpace(uint32_t cp) {
  if (cp < 0x80)
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20;
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

CharClass classifySlow(uint32_t cp) {
  if (isWhiteSpace(cp))
    return kSpace;
  if (inRanges(std::begin(kLetterRanges), std::end(kLetterRanges), cp))
    return kLetter;
  if (inRanges(std::begin(kNumberRanges), std::end(kNumberRanges), cp))
    return kNumber;
  return kOther;
}

struct AsciiClasses {
  CharClass table[128];
  AsciiClasses() {
    for (uint32_t c = 0; c < 128; ++c)
      table[c] = classifySlow(c);
  }
};
const AsciiClasses kAscii;

/// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t utf8SequenceLength(const unsigned char *s, size_t n, size_t i) {
  unsigned b0 = s[i];
  if (b0 < 0x80)
    return 1;
  auto cont = [&](size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF)
    return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2))
      return 0;
    unsigned b1 = s[i + 1];
    if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 >= 0xA0))
      return 0; // overlong, or a UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3))
      return 0;
    unsigned b1 = s[i + 1];
    if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 >= 0x90))
      return 0; // overlong, or above U+10FFFF
    return 4;
  }
  return 0;
}

/// Decodes the (valid) UTF-8 sequence at s[i]; sets `len`.
inline uint32_t decodeAt(const unsigned char *s, size_t i, size_t &len) {
  unsigned b0 = s[i];
  if (b0 < 0x80) {
    len = 1;
    return b0;
  }
  if (b0 < 0xE0) {
    len = 2;
    return ((b0 & 0x1F) << 6) | (s[i + 1] & 0x3F);
  }
  if (b0 < 0xF0) {
    len = 3;
    return ((b0 & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
  }
  len = 4;
  return ((b0 & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) |
         ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
}

inline CharClass classAt(const unsigned char *s, size_t i, size_t &len) {
  if (s[i] < 0x80) {
    len = 1;
    return kAscii.table[s[i]];
  }
  return classifySlow(decodeAt(s, i, len));
}

/// Calls fn(string_view) for each match of the GPT-2 pre-tokenizer regex in
/// `text` (valid UTF-8). The matches tile the text.
template <typename Fn>
void forEachPreToken(std::string_view text, Fn &&fn) {
  const auto *s = reinterpret_cast<const unsigned char *>(text.data());
  const size_t n = text.size();
  auto runEnd = [&](size_t p, CharClass cls) {
    size_t len;
    while (p < n && classAt(s, p, len) == cls)
      p += len;
    return p;
  };
  size_t i = 0;
  while (i < n) {
    // 's|'t|'re|'ve|'m|'ll|'d
    if (s[i] == '\'' && i + 1 < n) {
      unsigned char a = s[i + 1];
      if (a == 's' || a == 't' || a == 'm' || a == 'd') {
        fn(text.substr(i, 2));
        i += 2;
        continue;
      }
      if (i + 2 < n) {
        unsigned char b = s[i + 2];
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') ||
            (a == 'l' && b == 'l')) {
          fn(text.substr(i, 3));
          i += 3;
          continue;
        }
      }
    }
    //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+   with the space
    if (s[i] == ' ' && i + 1 < n) {
      size_t len;
      CharClass next = classAt(s, i + 1, len);
      if (next != kSpace) {
        size_t end = runEnd(i + 1 + len, next);
        fn(text.substr(i, end - i));
        i = end;
        continue;
      }
    }
    size_t len0;
    CharClass c0 = classAt(s, i, len0);
    // ... and without it.
    if (c0 != kSpace) {
      size_t end = runEnd(i + len0, c0);
      fn(text.substr(i, end - i));
      i = end;
      continue;
    }
    // \s+(?!\S) | \s+
    size_t end = i, last = i;
    while (end < n) {
      size_t len;
      if (classAt(s, end, len) != kSpace)
        break;
      last = end;
      end += len;
    }
    if (end == n || last == i) {
      // The run reaches the end (first alternative), or is one code point
      // before a non-space (the first fails, the second takes it).
      fn(text.substr(i, end - i));
      i = end;
    } else {
      // Backtrack one code point so that a non-space does not follow.
      fn(text.substr(i, last - i));
      i = last;
    }
  }
}

//===----------------------------------------------------------------------===//
// Byte-level alphabet (GPT-2 bytes_to_unicode)
//===----------------------------------------------------------------------===//

struct ByteAlphabet {
  uint32_t byteToCodePoint[256];
  int16_t codePointToByte[324]; // the alphabet is below U+0144
  ByteAlphabet() {
    std::fill(std::begin(codePointToByte), std::end(codePointToByte), -1);
    uint32_t extra = 0;
    for (uint32_t b = 0; b < 256; ++b) {
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
                       (b >= 0xAE && b <= 0xFF);
      byteToCodePoint[b] = printable ? b : 256 + extra++;
      codePointToByte[byteToCodePoint[b]] = static_cast<int16_t>(b);
    }
  }
};
const ByteAlphabet kBytes;

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// The byte-level string of raw bytes (what the vocabulary is written in).
std::string toByteLevel(std::string_view bytes) {
  std::string out;
  for (unsigned char b : bytes)
    appendUtf8(out, kBytes.byteToCodePoint[b]);
  return out;
}

/// Inverse of toByteLevel; false when `token` has a code point outside the
/// byte alphabet (or is not UTF-8).
bool fromByteLevel(std::string_view token, std::string &bytes) {
  const auto *s = reinterpret_cast<const unsigned char *>(token.data());
  bytes.clear();
  for (size_t i = 0; i < token.size();) {
    size_t len = utf8SequenceLength(s, token.size(), i);
    if (len == 0)
      return false;
    uint32_t cp = decodeAt(s, i, len);
    if (cp >= 324 || kBytes.codePointToByte[cp] < 0)
      return false;
    bytes += static_cast<char>(kBytes.codePointToByte[cp]);
    i += len;
  }
  return true;
}

uint64_t pairKey(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) |
         static_cast<uint32_t>(b);
}

} // namespace

//===----------------------------------------------------------------------===//
// Tokenizer::Impl
//===----------------------------------------------------------------------===//

struct Tokenizer::Impl {
  struct Merge {
    int32_t rank;
    int32_t newId;
  };
  struct AddedToken {
    std::string content;
    int32_t id;
  };

  std::unordered_map<std::string, int32_t> tokenToId;
  std::unordered_map<uint64_t, Merge> merges;
  int32_t byteToId[256];
  std::vector<AddedToken> added;
  std::vector<bool> special;
  std::vector<std::string> idToBytes; // decoded bytes per id
  int32_t unkId = -1;
  bool addPrefixSpace = false;
  bool useRegex = true;
  bool ignoreMerges = false;

  /// Appends the BPE ids of one pre-token (raw bytes).
  void bpe(std::string_view word, std::vector<int32_t> &out) const;

  /// Calls onText(piece) / onAdded(id) in order for the pieces of `text`
  /// between literal added tokens and the added tokens themselves.
  template <typename TextFn, typename AddedFn>
  void splitAdded(std::string_view text, TextFn &&onText,
                  AddedFn &&onAdded) const;
};

void Tokenizer::Impl::bpe(std::string_view word,
                          std::vector<int32_t> &out) const {
  if (ignoreMerges) {
    auto it = tokenToId.find(toByteLevel(word));
    if (it != tokenToId.end()) {
      out.push_back(it->second);
      return;
    }
  }
  struct Symbol {
    int32_t id;
    int32_t prev, next;
    bool alive;
  };
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  for (unsigned char b : word) {
    int32_t id = byteToId[b];
    if (id < 0) {
      // No vocabulary entry for this byte: tokenizers drops it, or uses the
      // unknown token when there is one.
      if (unkId < 0)
        continue;
      id = unkId;
    }
    int32_t index = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, index - 1, index + 1, true});
  }
  if (symbols.empty())
    return;
  symbols.back().next = -1;
  if (symbols.size() > 1) {
    struct Entry {
      int32_t rank, pos, newId;
      bool operator>(const Entry &o) const {
        return rank != o.rank ? rank > o.rank : pos > o.pos;
      }
    };
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
    auto push = [&](int32_t pos) {
      int32_t next = symbols[pos].next;
      if (next < 0)
        return;
      auto it = merges.find(pairKey(symbols[pos].id, symbols[next].id));
      if (it != merges.end())
        queue.push({it->second.rank, pos, it->second.newId});
    };
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(symbols.size()); ++i)
      push(i);
    while (!queue.empty()) {
      Entry top = queue.top();
      queue.pop();
      Symbol &left = symbols[top.pos];
      if (!left.alive || left.next < 0)
        continue;
      Symbol &right = symbols[left.next];
      auto it = merges.find(pairKey(left.id, right.id));
      if (it == merges.end() || it->second.newId != top.newId)
        continue; // stale: a neighbour changed since this was queued
      left.id = top.newId;
      right.alive = false;
      left.next = right.next;
      if (left.next >= 0)
        symbols[left.next].prev = top.pos;
      if (left.prev >= 0)
        push(left.prev);
      push(top.pos);
    }
  }
  for (int32_t i = 0; i >= 0; i = symbols[i].next)
    out.push_back(symbols[i].id);
}

template <typename TextFn, typename AddedFn>
void Tokenizer::Impl::splitAdded(std::string_view text, TextFn &&onText,
                                 AddedFn &&onAdded) const {
  if (added.empty()) {
    onText(text);
    return;
  }
  // Next occurrence of each added token at or after `from`.
  std::vector<size_t> next(added.size());
  for (size_t t = 0; t < added.size(); ++t)
    next[t] = text.find(added[t].content);
  size_t from = 0;
  while (true) {
    size_t best = std::string_view::npos, bestToken = 0;
    for (size_t t = 0; t < added.size(); ++t) {
      if (next[t] != std::string_view::npos && next[t] < from)
        next[t] = text.find(added[t].content, from);
      if (next[t] == std::string_view::npos)
        continue;
      if (next[t] < best ||
          (next[t] == best &&
           added[t].content.size() > added[bestToken].content.size())) {
        best = next[t];
        bestToken = t;
      }
    }
    if (best == std::string_view::npos) {
      if (from < text.size())
        onText(text.substr(from));
      return;
    }
    if (best > from)
      onText(text.substr(from, best - from));
    onAdded(added[bestToken].id);
    from = best + added[bestToken].content.size();
  }
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

namespace {

/// Reads an optional bool member; false + error when it has another kind.
bool optionalBool(const json::Value &object, const char *key, bool fallback,
                  bool &out, const std::string &where, std::string &error) {
  const json::Value *v = object.get(key);
  if (!v || v->isNull()) {
    out = fallback;
    return true;
  }
  if (!v->isBool()) {
    error = "tokenizer.json: '" + where + "." + key + "' must be a bool";
    return false;
  }
  out = v->asBool();
  return true;
}

bool isNullOrAbsent(const json::Value *v) { return !v || v->isNull(); }

std::string typeOf(const json::Value *v) {
  if (!v || !v->isObject())
    return "";
  const json::Value *t = v->get("type");
  return t && t->isString() ? t->asString() : "";
}

} // namespace

Tokenizer::Tokenizer() : impl_(new Impl) {}
Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::loadFromFile(const std::string &path,
                                                   std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open tokenizer file '" + path + "'";
    return nullptr;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string message;
  auto tokenizer = loadFromJson(buffer.str(), message);
  if (!tokenizer)
    error = message + " (in '" + path + "')";
  return tokenizer;
}

std::unique_ptr<Tokenizer> Tokenizer::loadFromJson(std::string_view text,
                                                   std::string &error) {
  json::Value root;
  std::string parseError;
  if (!json::parse(text, root, parseError)) {
    error = "tokenizer.json: invalid JSON: " + parseError;
    return nullptr;
  }
  if (!root.isObject()) {
    error = "tokenizer.json: the top level must be an object";
    return nullptr;
  }
  std::unique_ptr<Tokenizer> tok(new Tokenizer);
  Impl &impl = *tok->impl_;

  // Components we do not implement must be absent, so that ids never differ
  // silently from the reference.
  if (!isNullOrAbsent(root.get("normalizer"))) {
    error = "tokenizer.json: unsupported normalizer (" +
            typeOf(root.get("normalizer")) + "); only null is supported";
    return nullptr;
  }
  const json::Value *post = root.get("post_processor");
  if (!isNullOrAbsent(post) && typeOf(post) != "ByteLevel") {
    error = "tokenizer.json: unsupported post_processor (" + typeOf(post) +
            "); only null or ByteLevel is supported";
    return nullptr;
  }

  // Pre-tokenizer: ByteLevel, possibly as the only member of a Sequence.
  const json::Value *pre = root.get("pre_tokenizer");
  if (typeOf(pre) == "Sequence") {
    const json::Value *list = pre->get("pretokenizers");
    if (list && list->isArray() && list->elements().size() == 1)
      pre = &list->elements()[0];
  }
  if (typeOf(pre) != "ByteLevel") {
    error = "tokenizer.json: unsupported pre_tokenizer (" +
            (isNullOrAbsent(pre) ? std::string("null") : typeOf(pre)) +
            "); only ByteLevel is supported";
    return nullptr;
  }
  if (!optionalBool(*pre, "add_prefix_space", true, impl.addPrefixSpace,
                    "pre_tokenizer", error) ||
      !optionalBool(*pre, "use_regex", true, impl.useRegex, "pre_tokenizer",
                    error))
    return nullptr;
  const json::Value *decoder = root.get("decoder");
  if (typeOf(decoder) != "ByteLevel") {
    error = "tokenizer.json: unsupported decoder (" +
            (isNullOrAbsent(decoder) ? std::string("null") : typeOf(decoder)) +
            "); only ByteLevel is supported";
    return nullptr;
  }

  // Model.
  const json::Value *model = root.get("model");
  if (!model || !model->isObject()) {
    error = "tokenizer.json: missing 'model' object";
    return nullptr;
  }
  std::string modelType = typeOf(model);
  if (!modelType.empty() && modelType != "BPE") {
    error = "tokenizer.json: unsupported model type (" + modelType +
            "); only BPE is supported";
    return nullptr;
  }
  const json::Value *dropout = model->get("dropout");
  if (!isNullOrAbsent(dropout) &&
      !(dropout->isNumber() && dropout->asNumber() == 0.0)) {
    error = "tokenizer.json: BPE dropout is not supported";
    return nullptr;
  }
  for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    const json::Value *v = model->get(key);
    if (!isNullOrAbsent(v) && !(v->isString() && v->asString().empty())) {
      error = std::string("tokenizer.json: model.") + key +
              " is not supported";
      return nullptr;
    }
  }
  bool byteFallback = false;
  if (!optionalBool(*model, "byte_fallback", false, byteFallback, "model",
                    error) ||
      !optionalBool(*model, "ignore_merges", false, impl.ignoreMerges, "model",
                    error))
    return nullptr;
  if (byteFallback) {
    error = "tokenizer.json: model.byte_fallback is not supported";
    return nullptr;
  }

  const json::Value *vocab = model->get("vocab");
  if (!vocab || !vocab->isObject() || vocab->members().empty()) {
    error = "tokenizer.json: 'model.vocab' must be a non-empty object";
    return nullptr;
  }
  std::vector<std::string> &idToToken = tok->idToToken_;
  auto setToken = [&](int64_t id, const std::string &token) {
    if (static_cast<size_t>(id) >= idToToken.size())
      idToToken.resize(id + 1);
    idToToken[id] = token;
  };
  for (const auto &[token, idValue] : vocab->members()) {
    if (!idValue.isInteger() || idValue.asInt() < 0 ||
        idValue.asInt() > INT32_MAX / 2) {
      error = "tokenizer.json: vocabulary entry '" + token +
              "' has an invalid id";
      return nullptr;
    }
    impl.tokenToId[token] = static_cast<int32_t>(idValue.asInt());
    setToken(idValue.asInt(), token);
  }

  const json::Value *unk = model->get("unk_token");
  if (!isNullOrAbsent(unk)) {
    auto it = unk->isString() ? impl.tokenToId.find(unk->asString())
                              : impl.tokenToId.end();
    if (it == impl.tokenToId.end()) {
      error = "tokenizer.json: model.unk_token is not in the vocabulary";
      return nullptr;
    }
    impl.unkId = it->second;
  }

  for (uint32_t b = 0; b < 256; ++b) {
    std::string symbol;
    appendUtf8(symbol, kBytes.byteToCodePoint[b]);
    auto it = impl.tokenToId.find(symbol);
    impl.byteToId[b] = it == impl.tokenToId.end() ? -1 : it->second;
  }

  const json::Value *merges = model->get("merges");
  if (!merges || !merges->isArray()) {
    error = "tokenizer.json: 'model.merges' must be an array";
    return nullptr;
  }
  int32_t rank = 0;
  for (const json::Value &merge : merges->elements()) {
    std::string left, right;
    if (merge.isString()) {
      // Old format: "left right".
      const std::string &s = merge.asString();
      size_t space = s.find(' ');
      if (space == std::string::npos || s.find(' ', space + 1) != s.npos) {
        error = "tokenizer.json: merge " + std::to_string(rank) + " ('" + s +
                "') is not two tokens separated by one space";
        return nullptr;
      }
      left = s.substr(0, space);
      right = s.substr(space + 1);
    } else if (merge.isArray() && merge.elements().size() == 2 &&
               merge.elements()[0].isString() &&
               merge.elements()[1].isString()) {
      left = merge.elements()[0].asString();
      right = merge.elements()[1].asString();
    } else {
      error = "tokenizer.json: merge " + std::to_string(rank) +
              " must be a string or a pair of strings";
      return nullptr;
    }
    auto l = impl.tokenToId.find(left), r = impl.tokenToId.find(right),
         m = impl.tokenToId.find(left + right);
    if (l == impl.tokenToId.end() || r == impl.tokenToId.end() ||
        m == impl.tokenToId.end()) {
      error = "tokenizer.json: merge " + std::to_string(rank) + " ('" + left +
              "' + '" + right + "') uses a token not in the vocabulary";
      return nullptr;
    }
    // The first occurrence of a pair wins, as in tokenizers.
    impl.merges.emplace(pairKey(l->second, r->second),
                        Impl::Merge{rank, m->second});
    ++rank;
  }

  // Added tokens.
  const json::Value *added = root.get("added_tokens");
  if (!isNullOrAbsent(added)) {
    if (!added->isArray()) {
      error = "tokenizer.json: 'added_tokens' must be an array";
      return nullptr;
    }
    for (const json::Value &entry : added->elements()) {
      const json::Value *id = entry.get("id");
      const json::Value *content = entry.get("content");
      if (!id || !id->isInteger() || id->asInt() < 0 ||
          id->asInt() > INT32_MAX / 2 || !content || !content->isString() ||
          content->asString().empty()) {
        error = "tokenizer.json: an added token lacks a valid 'id' or "
                "'content'";
        return nullptr;
      }
      const std::string &text = content->asString();
      for (const char *key : {"single_word", "lstrip", "rstrip"}) {
        bool flag = false;
        if (!optionalBool(entry, key, false, flag, "added_tokens", error))
          return nullptr;
        if (flag) {
          error = "tokenizer.json: added token '" + text + "' uses '" + key +
                  "', which is not supported";
          return nullptr;
        }
      }
      bool isSpecial = false;
      if (!optionalBool(entry, "special", false, isSpecial, "added_tokens",
                        error))
        return nullptr;
      int32_t tokenId = static_cast<int32_t>(id->asInt());
      impl.added.push_back({text, tokenId});
      impl.tokenToId[text] = tokenId;
      setToken(tokenId, text);
      if (impl.special.size() <= static_cast<size_t>(tokenId))
        impl.special.resize(tokenId + 1, false);
      impl.special[tokenId] = isSpecial;
    }
  }
  impl.special.resize(idToToken.size(), false);

  impl.idToBytes.resize(idToToken.size());
  for (size_t id = 0; id < idToToken.size(); ++id)
    if (!fromByteLevel(idToToken[id], impl.idToBytes[id]))
      impl.idToBytes[id] = idToToken[id];
  return tok;
}

//===----------------------------------------------------------------------===//
// Encoding and decoding
//===----------------------------------------------------------------------===//

size_t findInvalidUtf8(std::string_view text) {
  const auto *s = reinterpret_cast<const unsigned char *>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::copy(s + i, s + i + 8, reinterpret_cast<unsigned char *>(&word));
      if (word & 0x8080808080808080ULL)
        break;
      i += 8;
    }
    if (i >= n)
      break;
    size_t len = utf8SequenceLength(s, n, i);
    if (len == 0)
      return i;
    i += len;
  }
  return std::string_view::npos;
}

std::vector<std::string_view>
Tokenizer::preTokenize(std::string_view text) const {
  std::vector<std::string_view> words;
  if (findInvalidUtf8(text) != std::string_view::npos)
    return words;
  if (!impl_->useRegex) {
    if (!text.empty())
      words.push_back(text);
    return words;
  }
  forEachPreToken(text, [&](std::string_view w) { words.push_back(w); });
  return words;
}

bool Tokenizer::encode(std::string_view text, std::vector<int32_t> &ids,
                       std::string &error) const {
  ids.clear();
  size_t bad = findInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    error = "text is not valid UTF-8 (byte offset " + std::to_string(bad) +
            ")";
    return false;
  }
  const Impl &impl = *impl_;
  // Distinct pre-token -> [offset, length) in `cached`.
  std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> cache;
  std::vector<int32_t> cached;
  std::deque<std::string> prefixed; // storage for add_prefix_space pieces
  ids.reserve(text.size() / 3);
  auto encodeWord = [&](std::string_view word) {
    auto it = cache.find(word);
    if (it == cache.end()) {
      size_t start = cached.size();
      impl.bpe(word, cached);
      it = cache
               .emplace(word, std::make_pair(static_cast<uint32_t>(start),
                                             static_cast<uint32_t>(
                                                 cached.size() - start)))
               .first;
    }
    ids.insert(ids.end(), cached.begin() + it->second.first,
               cached.begin() + it->second.first + it->second.second);
  };
  impl.splitAdded(
      text,
      [&](std::string_view piece) {
        if (impl.addPrefixSpace && piece.front() != ' ') {
          prefixed.push_back(" " + std::string(piece));
          piece = prefixed.back();
        }
        if (impl.useRegex)
          forEachPreToken(piece, encodeWord);
        else
          encodeWord(piece);
      },
      [&](int32_t id) { ids.push_back(id); });
  return true;
}

bool Tokenizer::decode(const std::vector<int32_t> &ids, std::string &text,
                       std::string &error, bool skipSpecial) const {
  text.clear();
  for (size_t i = 0; i < ids.size(); ++i) {
    int32_t id = ids[i];
    if (id < 0 || id >= vocabSize() || idToToken_[id].empty()) {
      error = "token id (" + std::to_string(id) + ") at position " +
              std::to_string(i) + " is not in the vocabulary (size " +
              std::to_string(vocabSize()) + ")";
      return false;
    }
    if (skipSpecial && impl_->special[id])
      continue;
    text += impl_->idToBytes[id];
  }
  return true;
}

int32_t Tokenizer::tokenToId(std::string_view token) const {
  auto it = impl_->tokenToId.find(std::string(token));
  return it == impl_->tokenToId.end() ? -1 : it->second;
}

const std::string &Tokenizer::idToToken(int32_t id) const {
  static const std::string empty;
  if (id < 0 || id >= vocabSize())
    return empty;
  return idToToken_[id];
}

bool Tokenizer::isSpecial(int32_t id) const {
  return id >= 0 && id < vocabSize() && impl_->special[id];
}

bool readTextFile(const std::string &path, std::string &text,
                  std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open text file '" + path + "'";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  if (in.bad()) {
    error = "cannot read text file '" + path + "'";
    return false;
  }
  if (text.empty()) {
    error = "text file '" + path + "' is empty";
    return false;
  }
  size_t bad = findInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    error = "text file '" + path + "' is not valid UTF-8 (byte offset " +
            std::to_string(bad) + ")";
    return false;
  }
  return true;
}

bool encodeFile(const Tokenizer &tokenizer, const std::string &path,
                std::vector<int32_t> &ids, std::string &error) {
  std::string text;
  if (!readTextFile(path, text, error))
    return false;
  std::string message;
  if (!tokenizer.encode(text, ids, message)) {
    error = "text file '" + path + "': " + message;
    return false;
  }
  return true;
}

} // namespace qmrt
