#!/usr/bin/env python3
"""Perplexity of an ONNX language model, with qmrt-tokenize doing the
protocol: it builds the windows and accumulates the NLL of the logits that
onnxruntime computes here and streams to its stdin. numpy recomputes the
same perplexity from the same logits (float64 log-softmax) as a check.

  ort_perplexity.py TOOL TOKENIZER MODEL MAX_WINDOWS NAME=FILE[,FILE...]...

Prints, per set, both perplexities and MATCH when they agree to 1e-9
(relative), plus the reference value of reference_ppl.json next to MODEL
when all windows were evaluated.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort


def nll_numpy(logits, tokens):
    x = logits[:-1].astype(np.float64)
    m = x.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(x - m).sum(axis=1))
    return (lse - x[np.arange(len(x)), tokens[1:]]).sum()


def main(argv):
    tool, tokenizer, model, max_windows = argv[1:5]
    threads = int(os.environ.get("QM_ORT_THREADS", "2"))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(model, opts,
                                   providers=["CPUExecutionProvider"])
    ref_path = os.path.join(os.path.dirname(model), "reference_ppl.json")
    reference = {}
    if os.path.exists(ref_path):
        reference = json.load(open(ref_path))["tinyllama"]["fp32"]
    status = 0
    for spec in argv[5:]:
        name, files = spec.split("=", 1)
        with tempfile.TemporaryDirectory() as tmp:
            dump = os.path.join(tmp, "windows.bin")
            cmd = [tool, "--tokenizer", tokenizer, "--eval-windows", files,
                   "--max-windows", max_windows]
            subprocess.run(cmd + ["--dump-windows", dump], check=True,
                           capture_output=True)
            windows = np.fromfile(dump, dtype="<i4").reshape(-1, 512)
            proc = subprocess.Popen(cmd + ["--logits-stdin"],
                                    stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE)
            total, count = 0.0, 0
            batch = 4
            for b in range(0, len(windows), batch):
                ids = windows[b:b + batch].astype(np.int64)
                logits = session.run(None, {"input_ids": ids})[0]
                for w in range(len(ids)):
                    total += nll_numpy(logits[w], windows[b + w])
                    count += 511
                proc.stdin.write(np.ascontiguousarray(
                    logits, dtype="<f4").tobytes())
            proc.stdin.close()
            out = proc.stdout.read().decode().splitlines()
            if proc.wait() != 0:
                print(f"FAILED {name}: qmrt-tokenize exited {proc.returncode}")
                status = 1
                continue
        ours = float(out[-1].split()[1])
        numpy_ppl = float(np.exp(total / count))
        agree = abs(ours - numpy_ppl) <= 1e-9 * numpy_ppl
        status |= not agree
        line = (f"{'MATCH' if agree else 'DIFFERENT'} {name}: windows "
                f"{len(windows)} qmrt {ours:.6f} numpy {numpy_ppl:.6f}")
        if int(max_windows) >= 400 and name in reference:
            line += f" reference {reference[name]}"
        print(line, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
