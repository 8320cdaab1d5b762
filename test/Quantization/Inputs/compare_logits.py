#!/usr/bin/env python3
"""Runs two models on the same random tokens with quant-run and compares the
logits: max |a - b| / max |a| must be <= TOL.

  compare_logits.py QUANT_RUN A B SEQ TOL
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

quant_run, a, b, seq, tol = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
ids = np.random.default_rng(5).integers(0, 8192, size=seq)
tokens = ",".join(str(i) for i in ids)
outs = []
with tempfile.TemporaryDirectory() as tmp:
    for i, model in enumerate([a, b]):
        dump = os.path.join(tmp, "logits%d.bin" % i)
        subprocess.run([quant_run, model, "--tokens", tokens, "--dump-logits", dump],
                       check=True, stdout=subprocess.DEVNULL)
        outs.append(np.fromfile(dump, dtype=np.float32))
if outs[0].size != outs[1].size or outs[0].size == 0:
    sys.exit("FAIL: logits sizes %d and %d" % (outs[0].size, outs[1].size))
rel = float(np.abs(outs[0] - outs[1]).max() / np.abs(outs[0]).max())
print("max relative difference %.3g over %d logits" % (rel, outs[0].size))
if not rel <= tol:
    sys.exit("FAIL: %.3g > %g" % (rel, tol))
print("OK")
