#!/usr/bin/env python3
"""NumPy reference GPTQ and RTN, compared with the C++ solvers.

A direct, non-lazy transcription of GPTQ (Frantar et al. 2022, Algorithm 1)
in float64 with the project's quantizer (asymmetric min-max including 0,
round half to even, f32 scales): every column update is applied at once to
all later columns, so group parameters see fully error-updated weights
without any of the C++ block bookkeeping. Usage:

  gptq_ref.py DRIVER WORKDIR

runs a set of cases (bits, group size, act-order, static groups, symmetric,
a K that is not a multiple of the group, a dead input channel) through
DRIVER (quant-solver-driver) and prints one line per case. Integer codes
must be identical except for rounding ties: at most 0.1% of the codes may
differ, and in every row the first differing code (in processing order)
must sit on a tie (|w/scale - round(w/scale)| within 1e-6 of 0.5);
later ones in that row follow from it. Scales, zeros and g_idx must agree
wherever the row has no earlier difference.
"""

import os
import subprocess
import sys

import numpy as np


def group_params(w, bits, sym):
    """Per-row (scale f32, zero) of the values w[:, j] (rows x cols)."""
    maxq = 2**bits - 1
    lo = np.minimum(w.min(axis=1), 0.0)
    hi = np.maximum(w.max(axis=1), 0.0)
    if sym:
        hi = np.maximum(-lo, hi)
        lo = -hi
    zero_range = (lo == 0) & (hi == 0)
    lo = np.where(zero_range, -1.0, lo)
    hi = np.where(zero_range, 1.0, hi)
    scale = ((hi - lo) / maxq).astype(np.float32)
    if sym:
        zero = np.full_like(lo, 2 ** (bits - 1))
    else:
        zero = np.round(-lo / scale.astype(np.float64))
    zero = np.clip(zero, 0, maxq)
    return scale, zero


def quantize(x, scale, zero, bits):
    q = np.round(x / scale.astype(np.float64)) + zero
    return np.clip(q, 0, 2**bits - 1)


def rtn_f32(w, bits, gs, sym):
    """RTN exactly as the reference: all arithmetic in float32."""
    n, k = w.shape
    gs = k if gs <= 0 or gs >= k else gs
    ng = (k + gs - 1) // gs
    codes = np.zeros((n, k), np.uint8)
    scales = np.zeros((n, ng), np.float32)
    zeros = np.zeros((n, ng), np.uint8)
    maxq = np.float32(2**bits - 1)
    for g in range(ng):
        blk = w[:, g * gs:(g + 1) * gs].astype(np.float32)
        lo = np.minimum(blk.min(axis=1), np.float32(0))
        hi = np.maximum(blk.max(axis=1), np.float32(0))
        if sym:
            hi = np.maximum(-lo, hi)
            lo = -hi
        z = (lo == 0) & (hi == 0)
        lo = np.where(z, np.float32(-1), lo)
        hi = np.where(z, np.float32(1), hi)
        s = ((hi - lo) / maxq).astype(np.float32)
        zp = np.full_like(s, 2 ** (bits - 1)) if sym else np.round(-lo / s)
        q = np.clip(np.round(blk / s[:, None]) + zp[:, None], 0, maxq)
        codes[:, g * gs:(g + 1) * gs] = q
        scales[:, g] = s
        zeros[:, g] = zp
    return codes, scales, zeros


def gptq(w, h, bits, gs, sym, act_order, static_groups, damp_percent=0.01):
    """Returns codes (N x K), scales, zeros (N x G), g_idx or None, and for
    each code the distance of w/scale from a rounding tie (N x K)."""
    w = w.astype(np.float64).copy()
    h = h.astype(np.float64).copy()
    n, k = w.shape
    gs = k if gs <= 0 or gs >= k else gs
    ng = (k + gs - 1) // gs
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    static = None
    if static_groups:
        static = [group_params(w[:, g * gs:(g + 1) * gs], bits, sym)
                  for g in range(ng)]
    perm = np.arange(k)
    if act_order:
        # Decreasing diag(H), ties in channel order.
        perm = np.lexsort((np.arange(k), -np.diag(h)))
        w = w[:, perm]
        h = h[perm][:, perm]
    damp = damp_percent * np.mean(np.diag(h))
    h[np.arange(k), np.arange(k)] += damp
    u = np.linalg.cholesky(np.linalg.inv(h)).T  # upper: inv(H) = U^T U
    codes = np.zeros((n, k), np.uint8)
    tie = np.ones((n, k))
    scales = np.zeros((n, ng), np.float32)
    zeros = np.zeros((n, ng), np.uint8)
    cur = None
    for c in range(k):
        if static_groups:
            cur = static[perm[c] // gs]
        elif c % gs == 0:
            cur = group_params(w[:, c:c + gs], bits, sym)
            scales[:, c // gs] = cur[0]
            zeros[:, c // gs] = cur[1]
        x = w[:, c]
        ratio = x / cur[0].astype(np.float64)
        tie[:, perm[c]] = np.abs(np.abs(ratio - np.floor(ratio)) - 0.5)
        q = quantize(x, cur[0], cur[1], bits)
        codes[:, perm[c]] = q
        deq = cur[0].astype(np.float64) * (q - cur[1])
        err = (x - deq) / u[c, c]
        w[:, c:] -= np.outer(err, u[c, c:])
    if static_groups:
        for g in range(ng):
            scales[:, g] = static[g][0]
            zeros[:, g] = static[g][1]
    g_idx = None
    if act_order and not static_groups and ng > 1:
        g_idx = np.zeros(k, np.int32)
        g_idx[perm] = np.arange(k) // gs
    return codes, scales, zeros, g_idx, tie, perm


def random_problem(rng, n, k, rows, dead=()):
    w = (rng.standard_normal((n, k)) * 0.05).astype(np.float32)
    # Correlated inputs with uneven channel magnitudes, like activations.
    mix = rng.standard_normal((k, k)) * 0.3 + np.eye(k)
    x = rng.standard_normal((rows, k)) @ mix
    x *= np.exp(rng.standard_normal(k))[None, :]
    x[:, list(dead)] = 0
    h = 2.0 * x.T @ x / rows
    return w, h


def run_driver(driver, workdir, mode, w, h, bits, gs, flags, block=None):
    n, k = w.shape
    wp = os.path.join(workdir, "w.f32")
    hp = os.path.join(workdir, "h.f64")
    out = os.path.join(workdir, "out")
    w.astype(np.float32).tofile(wp)
    h.astype(np.float64).tofile(hp)
    env = dict(os.environ)
    if block:
        env["QM_BLOCK_SIZE"] = str(block)
    subprocess.run([driver, mode, str(n), str(k), str(bits), str(gs),
                    flags or "-", wp, hp, out], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    codes = np.fromfile(out + ".codes", np.uint8).reshape(n, k)
    scales = np.fromfile(out + ".scales", np.float32).reshape(n, -1)
    zeros = np.fromfile(out + ".zeros", np.uint8).reshape(n, -1)
    gidx = np.fromfile(out + ".gidx", np.int32)
    return codes, scales, zeros, (gidx if gidx.size else None)


def check_gptq(name, got, ref):
    codes, scales, zeros, gidx = got
    rcodes, rscales, rzeros, rgidx, tie, perm = ref
    n, k = codes.shape
    if (gidx is None) != (rgidx is None) or (
            gidx is not None and not np.array_equal(gidx, rgidx)):
        return f"FAIL {name}: g_idx differs"
    diff = codes[:, perm] != rcodes[:, perm]  # processing order
    bad_rows = np.nonzero(diff.any(axis=1))[0]
    for r in bad_rows:
        first = int(np.argmax(diff[r]))
        if tie[r, perm[first]] > 1e-6:
            return (f"FAIL {name}: row {r} column {perm[first]}: code "
                    f"{codes[r, perm[first]]} vs {rcodes[r, perm[first]]}, "
                    f"not a rounding tie ({tie[r, perm[first]]:.3g} from .5)")
    good = np.setdiff1d(np.arange(n), bad_rows)
    if not np.allclose(scales[good], rscales[good], rtol=1e-6, atol=0) or \
            not np.array_equal(zeros[good], rzeros[good]):
        return f"FAIL {name}: scales/zeros differ on rows without code ties"
    count = int(diff.sum())
    if count > 0.001 * n * k:
        return f"FAIL {name}: {count} of {n * k} codes differ (> 0.1%)"
    return f"PASS {name}: {count} of {n * k} codes differ (ties)"


def main():
    driver, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    rng = np.random.default_rng(2026)
    failures = 0
    lines = []
    cases = [
        # name, n, k, bits, gs, sym, act, static, block, dead
        ("w4-perchannel", 96, 256, 4, -1, False, False, False, None, ()),
        ("w4g128", 96, 384, 4, 128, False, False, False, None, ()),
        ("w3g128", 96, 384, 3, 128, False, False, False, None, ()),
        ("w4g128-actorder", 96, 384, 4, 128, False, True, False, None, ()),
        ("w4-perchannel-actorder", 96, 256, 4, -1, False, True, False, None, ()),
        ("w2g32-sym", 64, 160, 2, 32, True, False, False, None, ()),
        ("w8g64-actorder-static", 64, 200, 8, 64, False, True, True, None, ()),
        ("w4g48-short-last-block40", 64, 200, 4, 48, False, False, False, 40, (7,)),
        ("w3g32-actorder-block50-dead", 64, 150, 3, 32, False, True, False, 50, (0, 99)),
    ]
    for name, n, k, bits, gs, sym, act, static, block, dead in cases:
        w, h = random_problem(rng, n, k, 3 * k, dead)
        flags = ("s" if sym else "") + ("a" if act else "") + ("t" if static else "")
        got = run_driver(driver, workdir, "gptq", w, h, bits, gs, flags, block)
        ref = gptq(w, h, bits, gs, sym, act, static)
        line = check_gptq(name, got, ref)
        failures += line.startswith("FAIL")
        lines.append(line)
    for bits, gs, sym in [(4, 128, False), (3, 128, False), (2, 32, True),
                          (8, -1, False), (4, 100, False)]:
        w = (rng.standard_normal((33, 300)) * 0.05).astype(np.float32)
        got = run_driver(driver, workdir, "rtn", w, np.zeros((300, 300)),
                         bits, gs, "s" if sym else "")
        ref = rtn_f32(w, bits, gs, sym)
        name = f"rtn-w{bits}g{gs}{'-sym' if sym else ''}"
        ok = all(np.array_equal(a, b) for a, b in zip(got[:3], ref))
        failures += not ok
        lines.append(("PASS " if ok else "FAIL ") + name +
                     (": identical" if ok else ": codes/scales/zeros differ"))
    print("\n".join(lines))
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
