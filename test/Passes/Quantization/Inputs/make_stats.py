#!/usr/bin/env python3
"""Writes a calibration statistics file (CalibrationStats format, QMCALIB1).

  make_stats.py OUT TAG:K[:HESSIAN] ...

HESSIAN is either `random<seed>` (2 XᵀX / n of correlated random X) or a
comma-separated row-major K x K matrix. Other options:
  --bad-magic   write a file with a wrong header (for error tests)
"""

import struct
import sys

import numpy as np


def hessian(k, spec):
    if spec.startswith("random"):
        rng = np.random.default_rng(int(spec[6:] or 0))
        x = rng.standard_normal((4 * k, k)) @ (np.eye(k) + 0.3 * rng.standard_normal((k, k)))
        return 2.0 * x.T @ x / (4 * k), np.abs(x).mean(axis=0), 4 * k
    values = [float(v) for v in spec.split(",")]
    assert len(values) == k * k, f"expected {k * k} values"
    return np.array(values).reshape(k, k), np.ones(k), 1


def main():
    args = sys.argv[1:]
    out = args.pop(0)
    if "--bad-magic" in args:
        open(out, "wb").write(b"NOTSTATS" + b"\0" * 8)
        return
    entries = []
    for arg in args:
        parts = arg.split(":")
        tag, k = parts[0], int(parts[1])
        spec = parts[2] if len(parts) > 2 else "random0"
        h, mean_abs, n = hessian(k, spec)
        entries.append((tag, k, n, h, mean_abs))
    with open(out, "wb") as f:
        f.write(b"QMCALIB1" + struct.pack("<II", 1, len(entries)))
        for tag, k, n, h, mean_abs in entries:
            name = tag.encode()
            f.write(struct.pack("<I", len(name)) + name + struct.pack("<qq", k, n))
            f.write(np.concatenate([h[i, :i + 1] for i in range(k)]).astype("<f8").tobytes())
            f.write(mean_abs.astype("<f8").tobytes())


if __name__ == "__main__":
    main()
