#!/usr/bin/env python3
"""Reference checks of qmrt-tokenize against the Python `tokenizers` package.

  tokenizer_reference.py ids TOOL TOKENIZER TMPDIR FILE...
      For every FILE: the ids of `TOOL --encode FILE` must equal
      tokenizers' Tokenizer.encode(text).ids exactly (whole sequence), and
      `TOOL --decode` of them must give back the file's bytes.
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


def check_ids(tool, tokenizer_path, tmp, files):
    os.makedirs(tmp, exist_ok=True)
    tok = Tokenizer.from_file(tokenizer_path)
    texts = [open(f, encoding="utf-8").read() for f in files]
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


def check_protocol(tool, tokenizer_path, sets):
    tok = Tokenizer.from_file(tokenizer_path)
    failures = 0
    for spec in sets:
        name, files = spec.split("=", 1)
        stream = []
        for i, path in enumerate(files.split(",")):
            if i:
                stream.append(0)
            stream.extend(tok.encode(open(path, encoding="utf-8").read()).ids)
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
    if len(argv) >= 4 and argv[1] == "protocol":
        return check_protocol(argv[2], argv[3], argv[4:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
