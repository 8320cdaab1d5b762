#!/usr/bin/env python3
"""Benchmark (not a test): tinyllama on the CPU, quant-mlir ahead-of-time
artifacts against onnxruntime, same thread count, same process.

Measures, at batch 1:
  prefill   one forward over 512 tokens
  decode@1  one forward of a single token (the per-token work of decoding;
            neither side has a KV cache)
  decode@128 one greedy step at a 128-token context (a full forward of 128
            tokens, how decoding without a KV cache runs)
Median of --repeat runs after one warm-up. Prints a Markdown table and
writes JSON.

usage: cpu_vs_ort.py [--quant-compile BIN] [--model M.onnx] [--threads N]
                     [--repeat R] [--json out.json] [--workdir DIR]
--model may contain {shape} (e.g. pre-imported tl_{shape}.mlirbc); onnxruntime
always runs --ort-model.
"""
import argparse
import ctypes
import json
import os
import statistics
import subprocess
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
p = argparse.ArgumentParser()
p.add_argument("--quant-compile", default=os.path.join(root, "build", "bin", "quant-compile"))
p.add_argument("--model", default=os.path.join(root, "..", "shared", "models", "tinyllama.onnx"))
p.add_argument("--ort-model", default=os.path.join(root, "..", "shared", "models", "tinyllama.onnx"))
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--repeat", type=int, default=5)
p.add_argument("--json", default="cpu_vs_ort.json")
p.add_argument("--workdir", default="/tmp/qm-bench-cpu")
args = p.parse_args()

# Thread count for our kernels (OpenBLAS / qmrt) must be set before loading.
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
os.environ["QMRT_NUM_THREADS"] = str(args.threads)
import onnxruntime as ort  # noqa: E402

so = ort.SessionOptions()
so.intra_op_num_threads = args.threads
so.inter_op_num_threads = 1
sess = ort.InferenceSession(args.ort_model, so, providers=["CPUExecutionProvider"])

cases = [("prefill 512", 1, 512), ("decode@1", 1, 1), ("decode@128", 1, 128)]
rng = np.random.default_rng(0)
rows = []
for name, b, s in cases:
    shape = f"{b}x{s}"
    out = os.path.join(args.workdir, shape)
    model = args.model.replace("{shape}", shape)
    t0 = time.time()
    subprocess.run([args.quant_compile, model, "--target=cpu", f"--shape=input_ids={shape}",
                    "-o", out], check=True, stdout=subprocess.DEVNULL)
    compile_s = time.time() - t0
    lib = ctypes.CDLL(os.path.join(out, "libmodel.so"))
    lib.qm_model_init.argtypes = [ctypes.c_char_p]
    lib.qm_model_forward.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
    assert lib.qm_model_init(os.path.join(out, "weights.bin").encode()) == 0
    ids = rng.integers(0, 8192, size=(b, s), dtype=np.int64)
    logits = np.empty((b, s, 8192), dtype=np.float32)

    def ours():
        rc = lib.qm_model_forward(ids.ctypes.data, b, s, logits.ctypes.data)
        assert rc == 0

    def theirs():
        return sess.run(None, {"input_ids": ids})[0]

    res = {}
    for who, fn in (("quant-mlir", ours), ("onnxruntime", theirs)):
        fn()
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        res[who] = statistics.median(times) * 1e3
    ref = theirs()
    ours()
    err = float(np.abs(logits - ref).max() / np.abs(ref).max())
    rows.append({"case": name, "batch": b, "seq": s, "threads": args.threads,
                 "quant_mlir_ms": res["quant-mlir"], "onnxruntime_ms": res["onnxruntime"],
                 "speedup": res["onnxruntime"] / res["quant-mlir"],
                 "max_rel_error": err, "compile_s": compile_s})

print(f"| case (batch 1, {args.threads} threads) | quant-mlir ms | onnxruntime ms | ort/ours | max rel err |")
print("|---|---|---|---|---|")
for r in rows:
    print(f"| {r['case']} | {r['quant_mlir_ms']:.2f} | {r['onnxruntime_ms']:.2f} | "
          f"{r['speedup']:.2f} | {r['max_rel_error']:.1e} |")
with open(args.json, "w") as f:
    json.dump(rows, f, indent=1)
