"""Perplexity on the first windows of an evaluation text: quant-run
--eval-ids against the same protocol computed from onnxruntime's logits.

usage: ppl_subset.py QUANT_RUN MODEL.onnx TOKENIZER.json TEXT WINDOWS TOL
"""
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

quant_run, model, tok_path, text, windows, tol = sys.argv[1:7]
windows, tol = int(windows), float(tol)
tok = Tokenizer.from_file(tok_path)
with open(text, encoding="utf-8") as f:
    ids = tok.encode(f.read(), add_special_tokens=False).ids
ids = ids[: windows * 512]
with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as f:
    f.write(" ".join(map(str, ids)))
    ids_path = f.name
r = subprocess.run([quant_run, model, "--eval-ids", ids_path, "--max-windows",
                    str(windows), "--no-progress"], capture_output=True, text=True)
if r.returncode:
    print(r.stderr)
    sys.exit(1)
ours = float(re.search(r"ppl ([0-9.]+)", r.stdout).group(1))

so = ort.SessionOptions()
so.intra_op_num_threads = 2
sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
nll, n = 0.0, 0
for w in range(windows):
    x = np.array([ids[w * 512:(w + 1) * 512]], dtype=np.int64)
    lg = sess.run(None, {"input_ids": x})[0][0].astype(np.float64)
    lse = np.log(np.exp(lg - lg.max(-1, keepdims=True)).sum(-1)) + lg.max(-1)
    nll += float((lse[:-1] - lg[np.arange(511), x[0, 1:]]).sum())
    n += 511
ref = float(np.exp(nll / n))
rel = abs(ours - ref) / ref
print(f"quant-run ppl {ours:.3f}, onnxruntime ppl {ref:.3f}, rel diff {rel:.2e}")
sys.exit(0 if rel <= tol else 1)
