"""Checks quant-run --prompt output against greedy decoding with
onnxruntime (full forward over the growing sequence, argmax of the last
position). usage: greedy_ort.py MODEL TOKENIZER PROMPT N QUANT_RUN_OUTPUT"""
import sys

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

model, tok_path, prompt, n, out_path = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
tok = Tokenizer.from_file(tok_path)
ids = tok.encode(prompt, add_special_tokens=False).ids
sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
gen = []
for _ in range(n):
    logits = sess.run(None, {"input_ids": np.array([ids + gen], dtype=np.int64)})[0]
    gen.append(int(logits[0, -1].argmax()))
expected = prompt + tok.decode(gen, skip_special_tokens=False)
got = open(out_path, encoding="utf-8").read().rstrip("\n")
print("expected:", repr(expected))
print("got:     ", repr(got))
sys.exit(0 if got == expected else 1)
