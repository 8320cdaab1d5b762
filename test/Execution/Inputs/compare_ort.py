"""Runs quant-run on random token batches and compares its logits with
onnxruntime's.

Error measure per (batch, seq): max|ours - ort| / max|ort| over the whole
logits tensor (a relative error with the tensor's scale as the floor).
Prints one line per shape and exits non-zero if any exceeds --tol.

usage: compare_ort.py --quant-run BIN --model M.onnx [--ort-model M.onnx]
                      --shapes 1x1,1x37,... [--tol 1e-4] [--seed 0]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort

p = argparse.ArgumentParser()
p.add_argument("--quant-run", required=True)
p.add_argument("--model", required=True, help="what quant-run loads")
p.add_argument("--ort-model", help="the .onnx for onnxruntime (default --model)")
p.add_argument("--shapes", required=True)
p.add_argument("--tol", type=float, default=1e-4)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--vocab", type=int, default=8192)
args = p.parse_args()

so = ort.SessionOptions()
so.intra_op_num_threads = 2
sess = ort.InferenceSession(args.ort_model or args.model, so,
                            providers=["CPUExecutionProvider"])
rng = np.random.default_rng(args.seed)
worst = 0.0
ok = True
with tempfile.TemporaryDirectory() as tmp:
    for spec in args.shapes.split(","):
        b, s = (int(v) for v in spec.split("x"))
        ids = rng.integers(0, args.vocab, size=(b, s), dtype=np.int64)
        tokens = ";".join(",".join(str(v) for v in row) for row in ids)
        out = os.path.join(tmp, f"logits_{b}x{s}.bin")
        model = args.model.replace("{shape}", spec)
        r = subprocess.run([args.quant_run, model, "--tokens", tokens,
                            "--dump-logits", out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode != 0:
            print(f"{spec}: quant-run failed: {r.stderr.strip()}")
            ok = False
            continue
        ref = sess.run(None, {"input_ids": ids})[0]
        ours = np.fromfile(out, dtype=np.float32).reshape(ref.shape)
        err = float(np.abs(ours - ref).max() / np.abs(ref).max())
        worst = max(worst, err)
        status = "ok" if err <= args.tol else "FAIL"
        print(f"{spec}: max rel error {err:.3e} ({status})")
        ok &= err <= args.tol
print(f"worst max rel error {worst:.3e} (tolerance {args.tol:g})")
sys.exit(0 if ok else 1)
