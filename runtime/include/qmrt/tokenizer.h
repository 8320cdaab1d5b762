//===- tokenizer.h - Byte-level BPE tokenizer (tokenizer.json) ---*- C++ -*-===//
//
// Loads a Hugging Face `tokenizers` tokenizer.json with a byte-level BPE
// model (GPT-2 style: ByteLevel pre-tokenizer with the GPT-2 regex, ByteLevel
// decoder) and encodes/decodes text with ids identical to the Python
// `tokenizers` package. No dependency beyond the C++17 standard library.
//
// Errors are reported through a returned bool/nullptr plus a message string;
// nothing throws. A loaded Tokenizer is immutable: encode() and decode() are
// const and safe to call from several threads at once.
//
//===----------------------------------------------------------------------===//

#ifndef QMRT_TOKENIZER_H
#define QMRT_TOKENIZER_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qmrt {

/// Returns the byte offset of the first byte that does not start a valid
/// UTF-8 sequence (overlong forms, surrogates and code points above
/// U+10FFFF are invalid, as in Rust and Python), or std::string_view::npos
/// when all of `text` is valid.
size_t findInvalidUtf8(std::string_view text);

/// Reads a whole file as UTF-8 text. Fails (with a message naming the file)
/// when the file cannot be read, is empty, or is not valid UTF-8 (the message
/// gives the byte offset).
bool readTextFile(const std::string &path, std::string &text,
                  std::string &error);

class Tokenizer {
public:
  /// Loads a tokenizer.json file. Returns nullptr and sets `error` when the
  /// file is missing or malformed, or uses a feature this implementation does
  /// not have (the message names the field).
  static std::unique_ptr<Tokenizer> loadFromFile(const std::string &path,
                                                 std::string &error);
  /// Same, from the JSON text itself.
  static std::unique_ptr<Tokenizer> loadFromJson(std::string_view json,
                                                 std::string &error);

  /// Encodes UTF-8 text to token ids (no BOS/EOS or other tokens are added;
  /// literal added tokens such as "<|endoftext|>" in the text become their
  /// ids). Fails on invalid UTF-8. Empty text gives no ids.
  bool encode(std::string_view text, std::vector<int32_t> &ids,
              std::string &error) const;

  /// Decodes ids to bytes (the ByteLevel decoder). With `skipSpecial`,
  /// special added tokens are left out (Python's default). Fails on an id
  /// outside the vocabulary. The result is UTF-8 whenever the ids came from
  /// encode(); arbitrary id sequences may split a character.
  bool decode(const std::vector<int32_t> &ids, std::string &text,
              std::string &error, bool skipSpecial = false) const;

  /// The GPT-2 pre-tokenization of one piece of text without added tokens:
  /// the byte ranges the regex splits it into. Exposed for tests.
  std::vector<std::string_view> preTokenize(std::string_view text) const;

  /// Number of ids (model vocabulary and added tokens): max id + 1.
  int32_t vocabSize() const { return static_cast<int32_t>(idToToken_.size()); }
  /// Id of a token string (model vocabulary or added token), or -1.
  int32_t tokenToId(std::string_view token) const;
  /// Token string of an id (byte-level form), or "" when out of range.
  const std::string &idToToken(int32_t id) const;
  /// True for added tokens marked "special".
  bool isSpecial(int32_t id) const;

  ~Tokenizer();

private:
  Tokenizer();
  struct Impl;
  friend struct Impl;

  std::vector<std::string> idToToken_;
  std::unique_ptr<Impl> impl_;
};

/// Reads `path` (see readTextFile) and encodes it.
bool encodeFile(const Tokenizer &tokenizer, const std::string &path,
                std::vector<int32_t> &ids, std::string &error);

} // namespace qmrt

#endif // QMRT_TOKENIZER_H
