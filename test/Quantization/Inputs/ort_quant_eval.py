#!/usr/bin/env python3
"""Perplexity of tinyllama quantized by the C++ solvers, run with onnxruntime.

A validation harness, independent of the compiler's executor: the 56 block
linears of the .onnx are quantized with quant-solver-driver (the C++ RTN and
GPTQ solvers), the dequantized weights are written back into the graph, and
onnxruntime evaluates perplexity with the protocol of
shared/models/README.md (non-overlapping 512-token windows from the start,
at most 400, every position but the first predicted).

GPTQ calibration follows the reference: windows of 512 tokens at random
offsets in brown.txt, sequential over decoder layers (layer l's inputs come
from the already-quantized layers before it; the linears of one layer share
one pass). H = 2 XᵀX / n is accumulated in float64 here with numpy.

  ort_quant_eval.py --driver build/test/Unit/quant-solver-driver \
      --mode gptq --bits 4 --group 128 [--act-order] [--calib-windows 128] \
      [--eval-windows 400] [--sets austen-heldout,manpages-test]
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from tokenizers import Tokenizer

SHARED = os.environ.get("QM_SHARED", "/work/shared")


def encode_file(tok, path):
    with open(path, encoding="utf-8") as f:
        return tok.encode(f.read()).ids


def dataset_ids(tok, name):
    data = os.path.join(SHARED, "data")
    if name == "austen-heldout":
        return (encode_file(tok, os.path.join(data, "austen/persuasion.txt")) + [0] +
                encode_file(tok, os.path.join(data, "austen/northangerabbey.txt")))
    if name == "manpages-test":
        return encode_file(tok, os.path.join(data, "manpages-test.txt"))
    if name == "wikitext2":
        return encode_file(tok, os.path.join(data, "wikitext2-test.txt"))
    raise SystemExit(f"unknown data set {name}")


def session(model, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), so)


def perplexity(sess, ids, window, max_windows, batch=4):
    n = min(len(ids) // window, max_windows)
    nll, count = 0.0, 0
    arr = np.array(ids[: n * window], dtype=np.int64).reshape(n, window)
    for b in range(0, n, batch):
        x = arr[b: b + batch]
        logits = sess.run(["logits"], {"input_ids": x})[0].astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        tgt = x[:, 1:]
        picked = np.take_along_axis(logp[:, :-1], tgt[..., None], axis=-1)[..., 0]
        nll -= picked.sum()
        count += tgt.size
    return float(np.exp(nll / count)), n


def block_linears(model):
    """The MatMul nodes with a constant [K, N] weight, in node order."""
    inits = {i.name: i for i in model.graph.initializer}
    out = []
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in inits and \
                len(inits[node.input[1]].dims) == 2:
            out.append((node, inits[node.input[1]]))
    return out


def run_driver(driver, mode, w_nk, h, bits, group, flags, workdir):
    n, k = w_nk.shape
    wp, hp, out = (os.path.join(workdir, x) for x in ("w.f32", "h.f64", "out"))
    w_nk.astype(np.float32).tofile(wp)
    (h if h is not None else np.zeros(1)).astype(np.float64).tofile(hp)
    import subprocess
    subprocess.run([driver, mode, str(n), str(k), str(bits), str(group),
                    flags or "-", wp, hp, out], check=True,
                   stdout=subprocess.DEVNULL)
    codes = np.fromfile(out + ".codes", np.uint8).reshape(n, k).astype(np.float32)
    scales = np.fromfile(out + ".scales", np.float32).reshape(n, -1)
    zeros = np.fromfile(out + ".zeros", np.uint8).reshape(n, -1).astype(np.float32)
    gidx = np.fromfile(out + ".gidx", np.int32)
    gs = k if group <= 0 or group >= k else group
    g = gidx if gidx.size else np.arange(k) // gs
    return scales[:, g] * (codes - zeros[:, g])  # f32, N x K


def set_weight(init, w_kn):
    init.CopyFrom(numpy_helper.from_array(w_kn.astype(np.float32), init.name))


def write_stats(path, entries):
    """entries: list of (tag, H (K x K), mean |x| (K), n)."""
    import struct
    with open(path, "wb") as f:
        f.write(b"QMCALIB1" + struct.pack("<II", 1, len(entries)))
        for tag, h, mean_abs, n in entries:
            k = h.shape[0]
            name = tag.encode()
            f.write(struct.pack("<I", len(name)) + name + struct.pack("<qq", k, n))
            f.write(np.concatenate([h[i, :i + 1] for i in range(k)]).astype("<f8").tobytes())
            f.write(mean_abs.astype("<f8").tobytes())


def calibration_windows(tok, count, seed):
    brown = encode_file(tok, os.path.join(SHARED, "data/brown.txt"))
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, len(brown) - 512, count)
    return np.stack([brown[s: s + 512] for s in starts]).astype(np.int64)


def collect(model, acts, calib, threads):
    """H = 2 XᵀX / n (f64), mean |x| and n for each activation name."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    # Only the observed activations are outputs, so onnxruntime drops the
    # layers after them and the head.
    del probe.graph.output[:]
    for a in acts:
        probe.graph.output.append(onnx.helper.make_tensor_value_info(a, onnx.TensorProto.FLOAT, None))
    sess = session(probe, threads)
    acc = {}
    for b in range(0, len(calib), 4):
        outs = sess.run(acts, {"input_ids": calib[b: b + 4]})
        for a, x in zip(acts, outs):
            x = x.reshape(-1, x.shape[-1]).astype(np.float64)
            h, s, n = acc.get(a, (0.0, 0.0, 0))
            acc[a] = (h + x.T @ x, s + np.abs(x).sum(axis=0), n + x.shape[0])
    return {a: (2.0 * h / n, s / n, n) for a, (h, s, n) in acc.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--model", default=os.path.join(SHARED, "models/tinyllama.onnx"))
    ap.add_argument("--mode", choices=["fp32", "rtn", "gptq", "stats"], default="rtn")
    ap.add_argument("--stats-out", help="--mode stats: write a QMCALIB1 file "
                    "(one-shot statistics of the float model, tags = node names)")
    ap.add_argument("--bits", type=int, default=4)
    ap.add_argument("--group", type=int, default=128)
    ap.add_argument("--act-order", action="store_true")
    ap.add_argument("--calib-windows", type=int, default=128)
    ap.add_argument("--calib-seed", type=int, default=0)
    ap.add_argument("--eval-windows", type=int, default=400)
    ap.add_argument("--sets", default="austen-heldout,manpages-test")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    tok = Tokenizer.from_file(os.path.join(os.path.dirname(args.model), "tokenizer.json"))
    model = onnx.load(args.model)
    linears = block_linears(model)
    work = tempfile.mkdtemp()
    t0 = time.time()
    flags = "a" if args.act_order else "-"
    if args.mode == "rtn":
        for node, init in linears:
            w = numpy_helper.to_array(init)
            set_weight(init, run_driver(args.driver, "rtn", w.T.copy(), None,
                                        args.bits, args.group, "-", work).T)
    elif args.mode == "stats":
        calib = calibration_windows(tok, args.calib_windows, args.calib_seed)
        stats = collect(model, sorted({n.input[0] for n, _ in linears}), calib, args.threads)
        write_stats(args.stats_out, [(n.name, *stats[n.input[0]]) for n, _ in linears])
        print(f"wrote {len(linears)} tags to {args.stats_out} ({time.time() - t0:.1f} s)")
        return 0
    elif args.mode == "gptq":
        calib = calibration_windows(tok, args.calib_windows, args.calib_seed)
        assert len(linears) % 7 == 0
        for layer in range(len(linears) // 7):
            group = linears[7 * layer: 7 * layer + 7]
            stats = collect(model, sorted({n.input[0] for n, _ in group}), calib, args.threads)
            for node, init in group:
                h = stats[node.input[0]][0]
                w = numpy_helper.to_array(init)
                set_weight(init, run_driver(args.driver, "gptq", w.T.copy(), h,
                                            args.bits, args.group, flags, work).T)
            print(f"layer {layer} quantized ({time.time() - t0:.1f} s)", flush=True)
    quant_s = time.time() - t0
    sess = session(model, args.threads)
    tag = args.mode if args.mode == "fp32" else \
        f"{args.mode}-w{args.bits}g{args.group}{'-actorder' if args.act_order else ''}"
    for name in args.sets.split(","):
        ppl, n = perplexity(sess, dataset_ids(tok, name), 512, args.eval_windows)
        print(f"{tag} {name} ppl={ppl:.3f} windows={n} quantize_s={quant_s:.1f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
