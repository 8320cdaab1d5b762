#!/usr/bin/env python3
"""Reference checks of qmrt-tokenize against the Python `tokenizers` package.

  tokenizer_reference.py ids TOOL TOKENIZER TMPDIR FILE|DIR...
      For every FILE (and every *.txt file under each DIR, recursively): the ids of `TOOL --encode FILE` must equal
      tokenizers' Tokenizer.encode(text).ids exactly (whole sequence), and
      `TOOL --decode` of them must give back the file's bytes.
  tokenizer_reference.py fuzz TOOL TOKENIZER TMPDIR SEED
      The same check on generated text that exercises every branch of the
      pre-tokenizer regex: white space of all kinds (Unicode White_Space
      and look-alikes that are not), letters, marks and numbers of several
      scripts, contractions, 4-byte characters, control characters and the
      <|endoftext|> added token, in random order.
  tokenizer_reference.py classes TOOL TOKENIZER TMPDIR LO HI
      The pre-tokenizer's pieces (byte lengths) of `TOOL --pretokens` must
      equal tokenizers' ByteLevel pre_tokenize_str on a text that puts every
      code point c in [LO, HI) (hex; surrogates skipped) after a letter, a
      digit and a punctuation mark and between spaces ("a{c}1{c}!{c} {c} "),
      so that any difference in the letter / number / white-space classes
      of c changes the split.
  tokenizer_reference.py protocol TOOL TOKENIZER NAME=FILE[,FILE...]...
      For every evaluation set: the windows `TOOL --eval-windows` reports
      must equal the protocol of ../shared/models/README.md computed here
      (files joined by id 0; min(n // 512, 400) windows of 512 tokens; 511
      predicted tokens each).
"""
import array
import os
import subprocess
import sys

from tokenizers import Tokenizer


def read_ids(path):
    ids = array.array("i")
    with open(path, "rb") as f:
        ids.frombytes(f.read())
    if sys.byteorder != "little":
        ids.byteswap()
    return ids


def expand(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                files.extend(os.path.join(root, n) for n in names
                             if n.endswith(".txt"))
        else:
            files.append(path)
    return sorted(files)


def check_ids(tool, tokenizer_path, tmp, files):
    os.makedirs(tmp, exist_ok=True)
    files = expand(files)
    tok = Tokenizer.from_file(tokenizer_path)
    texts = [open(f, encoding="utf-8", newline="").read() for f in files]
    # One batch: the Rust library encodes the files in parallel.
    refs = tok.encode_batch(texts, add_special_tokens=False)
    failures = 0
    for path, text, ref in zip(files, texts, refs):
        name = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
        out = os.path.join(tmp, os.path.basename(path) + ".ids")
        subprocess.run([tool, "--tokenizer", tokenizer_path, "--encode", path,
                        "--output", out], check=True)
        ours = read_ids(out)
        expected = array.array("i", ref.ids)
        if ours != expected:
            first = next((i for i in range(min(len(ours), len(expected)))
                          if ours[i] != expected[i]),
                         min(len(ours), len(expected)))
            print(f"MISMATCH {name}: {len(ours)} ids vs {len(expected)} "
                  f"reference ids, first difference at {first}: "
                  f"ours {list(ours[first:first + 8])} reference "
                  f"{list(expected[first:first + 8])}")
            failures += 1
            continue
        back = os.path.join(tmp, os.path.basename(path) + ".txt")
        subprocess.run([tool, "--tokenizer", tokenizer_path, "--decode", out,
                        "--binary", "--output", back], check=True)
        with open(back, "rb") as f, open(path, "rb") as g:
            if f.read() != g.read():
                print(f"ROUNDTRIP-MISMATCH {name}")
                failures += 1
                continue
        print(f"IDENTICAL {name} ({len(ours)} ids), roundtrip ok")
    print(f"{len(files) - failures} of {len(files)} files identical")
    return 1 if failures else 0


FRAGMENTS = [
    # ASCII words, numbers, punctuation, contractions
    "the", "The", "a", "I", "x", "hello", "don't", "it's", "we've", "they're",
    "I'm", "you'll", "he'd", "'s", "'S", "'t", "'re", "'ll", "'d", "'m",
    "'ve", "'", "''", "'x", "12", "3.14", "2024", "0", "-", "--", "...", ",",
    ".", "!?", "(", ")", "[x]", "{}", "<", ">", "&&", "#", "@", "$5",
    "foo_bar", "a1b2", "C++", "\\", "/usr/bin", "=" * 40, "-" * 75,
    "a" * 300, "ab" * 150, " " * 50, "1" * 40,
    # white space: ASCII and Unicode White_Space (\s in Oniguruma)
    " ", "  ", "   ", "\t", "\n", "\n\n", " \n", "\n ", "\r\n", "\r", "\x0b",
    "\x0c", "\xa0", "\x85", "\u1680", "\u2000", "\u2003", "\u200a",
    "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
    # look-alikes that are not \s: controls, zero-width, BOM
    "\x00", "\x1c", "\x1f", "\x7f", "\u200b", "\u180e", "\ufeff",
    "\u200e",
    # letters of other scripts (L*), with combining marks (Mn, not L)
    "caf\xe9", "cafe\u0301", "stra\xdfe", "\u0391\u03b8\u03ae\u03bd\u03b1",
    "\u041c\u043e\u0441\u043a\u0432\u0430", "\u6771\u4eac", "\ud55c\uad6d\uc5b4",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\u05e9\u05dc\u05d5\u05dd",
    "\u0939\u093f\u0928\u094d\u0926\u0940", "\u0e20\u0e32\u0e29\u0e32",
    "\u02b0", "\xaa", "\u3005",
    # numbers (N*): other digits, No, Nl
    "\u0661\u0662", "\u0967", "\xb2", "\xbd", "\u2160\u216b", "\u2460",
    "\uff11",
    # symbols, 4-byte characters, private use
    "\u20ac", "\xa9", "\u2500\u2500", "\u2192", "\U0001f600", "\U0001f44d\U0001f3fd",
    "\U0001d400", "\U00010348", "\ue000", "\u0301",
    # the added token, whole and broken
    "<|endoftext|>", "<|endoftext|><|endoftext|>", "<|endof", "|>", "<|",
]


def fuzz_text(seed, pieces=60000):
    import random
    rng = random.Random(seed)
    out = []
    for _ in range(pieces):
        out.append(rng.choice(FRAGMENTS))
        if rng.random() < 0.5:
            out.append(" ")
    return "".join(out)


def check_classes(tool, tokenizer_path, tmp, lo, hi):
    from tokenizers import pre_tokenizers
    os.makedirs(tmp, exist_ok=True)
    pre = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    chunks = []
    for cp in range(lo, hi):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        chunks.append(f"a{c}1{c}!{c} {c} ")
    text = "".join(chunks)
    path = os.path.join(tmp, f"classes-{lo:x}-{hi:x}.txt")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    out = path + ".lengths"
    subprocess.run([tool, "--tokenizer", tokenizer_path, "--pretokens", path,
                    "--output", out], check=True)
    ours = read_ids(out)
    # Byte-level pieces have one character per byte.
    theirs = array.array("i", (len(p) for p, _ in pre.pre_tokenize_str(text)))
    if ours != theirs:
        first = next((i for i in range(min(len(ours), len(theirs)))
                      if ours[i] != theirs[i]), min(len(ours), len(theirs)))
        at = sum(ours[:first])
        context = text.encode("utf-8")[max(0, at - 12):at + 12]
        print(f"MISMATCH classes [{lo:X}, {hi:X}): piece {first}, byte {at}, "
              f"near {context!r}")
        return 1
    print(f"IDENTICAL classes [{lo:X}, {hi:X}): {len(ours)} pieces")
    return 0


def check_protocol(tool, tokenizer_path, sets):
    tok = Tokenizer.from_file(tokenizer_path)
    specs = [spec.split("=", 1) for spec in sets]
    paths = sorted({p for _, files in specs for p in files.split(",")})
    texts = [open(p, encoding="utf-8", newline="").read() for p in paths]
    ids = dict(zip(paths, (e.ids for e in
                           tok.encode_batch(texts, add_special_tokens=False))))
    failures = 0
    for name, files in specs:
        stream = []
        for i, path in enumerate(files.split(",")):
            if i:
                stream.append(0)
            stream.extend(ids[path])
        windows = min(len(stream) // 512, 400)
        expected = (f"stream-tokens {len(stream)} windows {windows} "
                    f"length 512 predicted {windows * 511}")
        ours = subprocess.run([tool, "--tokenizer", tokenizer_path,
                               "--eval-windows", files], check=True,
                              capture_output=True, text=True).stdout.strip()
        status = "SAME" if ours == expected else "DIFFERENT"
        failures += ours != expected
        print(f"{status} {name}: ours '{ours}' reference '{expected}'")
    return 1 if failures else 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "ids":
        return check_ids(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) == 6 and argv[1] == "fuzz":
        os.makedirs(argv[4], exist_ok=True)
        path = os.path.join(argv[4], f"fuzz-{argv[5]}.txt")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(fuzz_text(int(argv[5])))
        return check_ids(argv[2], argv[3], argv[4], [path])
    if len(argv) == 7 and argv[1] == "classes":
        return check_classes(argv[2], argv[3], argv[4], int(argv[5], 16),
                             int(argv[6], 16))
    if len(argv) >= 4 and argv[1] == "protocol":
        return check_protocol(argv[2], argv[3], argv[4:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
