"""Tokenizes the three evaluation texts of ../shared/models/README.md with
tokenizer.json (Hugging Face `tokenizers`) into id files for
`quant-run --eval-ids`: wikitext2.ids, austen-heldout.ids
(persuasion + [0] + northangerabbey), manpages-test.ids.

usage: cpu_tokenize_eval.py SHARED_DIR OUT_DIR
"""
import os
import sys

from tokenizers import Tokenizer

shared, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
tok = Tokenizer.from_file(os.path.join(shared, "models", "tokenizer.json"))


def ids(path):
    with open(path, encoding="utf-8") as f:
        return tok.encode(f.read(), add_special_tokens=False).ids


data = os.path.join(shared, "data")
texts = {
    "wikitext2": ids(os.path.join(data, "wikitext2-test.txt")),
    "austen-heldout": ids(os.path.join(data, "austen", "persuasion.txt")) + [0]
    + ids(os.path.join(data, "austen", "northangerabbey.txt")),
    "manpages-test": ids(os.path.join(data, "manpages-test.txt")),
}
for name, v in texts.items():
    with open(os.path.join(out, name + ".ids"), "w") as f:
        f.write(" ".join(map(str, v)) + "\n")
    print(f"{name}: {len(v)} tokens, {min(len(v) // 512, 400)} windows")
