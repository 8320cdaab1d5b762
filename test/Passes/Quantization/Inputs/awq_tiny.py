#!/usr/bin/env python3
"""A tiny pre-norm decoder block for the qm-quant-awq tests, and a NumPy
evaluator of the few ops it uses.

  awq_tiny.py gen OUT.mlir STATS      model + calibration statistics of its
                                      real inputs (salient channels in x)
  awq_tiny.py compare A.mlir B.mlir TOL
                                      max relative difference of all results
                                      on fresh random inputs must be <= TOL
  awq_tiny.py error REF.mlir Q1.mlir Q2.mlir
                                      prints 'better' if Q2's output error
                                      vs REF is lower than Q1's, else 'worse'
  awq_tiny.py gen-attention OUT.mlir STATS
                                      attention output projections fed by
                                      value heads: @gqa (4 query heads share
                                      2 value heads), @mha, @extra_use (the
                                      value heads also returned)
  awq_tiny.py compare-func A.mlir B.mlir FUNC TOL
                                      `compare` for one function of a file

Model (the data flow of a pre-norm decoder layer): h1 = x * n1 -> q, k, v;
o = (q * sigmoid(q)) W_o; h = x + o; h2 = h * n2 -> gate, up;
m = sigmoid(gate) * up -> down; results h + down and k + v.
"""

import re
import struct
import sys

import numpy as np

K, KV, FF, ROWS = 64, 32, 128, 256


def salient_inputs(rng, rows):
    x = rng.standard_normal((rows, K)).astype(np.float32)
    x[:, :4] *= 25.0  # a few outlier channels, as in LLM activations
    return x


def dense(a):
    def fmt(v):
        if v.ndim == 1:
            return "[" + ", ".join("%.8e" % f for f in v) + "]"
        return "[" + ", ".join(fmt(r) for r in v) + "]"
    return "dense<%s>" % fmt(a)


def ttype(shape):
    return "tensor<%sxf32>" % "x".join(str(d) for d in shape)


def gen(out_mlir, out_stats):
    rng = np.random.default_rng(11)
    n1 = (1.0 + 0.2 * rng.standard_normal(K)).astype(np.float32)
    n2 = (1.0 + 0.2 * rng.standard_normal(K)).astype(np.float32)
    w = {name: (0.1 * rng.standard_normal(shape)).astype(np.float32)
         for name, shape in [("q", (K, K)), ("k", (K, KV)), ("v", (K, KV)), ("o", (K, K)),
                             ("g", (K, FF)), ("u", (K, FF)), ("d", (FF, K))]}
    x = ttype((ROWS, K))
    kv, f = ttype((ROWS, KV)), ttype((ROWS, FF))
    lines = ["func.func @main(%x: {x}) -> ({x}, {kv}) {{".format(x=x, kv=kv)]
    lines.append("  %n1 = arith.constant {} : {}".format(dense(n1), ttype((K,))))
    lines.append("  %n2 = arith.constant {} : {}".format(dense(n2), ttype((K,))))
    for name, a in w.items():
        lines.append("  %w{} = arith.constant {} : {}".format(name, dense(a), ttype(a.shape)))
    mm = '  %{0} = qgraph.matmul %{1}, %w{0} : ({2}, {3}) -> {4} loc("{0}_proj")'
    lines.append("  %h1 = qgraph.mul %x, %n1 : ({x}, {n}) -> {x}".format(x=x, n=ttype((K,))))
    for name, n in [("q", x), ("k", kv), ("v", kv)]:
        lines.append(mm.format(name, "h1", x, ttype(w[name].shape), n))
    lines.append("  %qs = qgraph.sigmoid %q : {}".format(x))
    lines.append("  %a = qgraph.mul %q, %qs : ({0}, {0}) -> {0}".format(x))
    lines.append(mm.format("o", "a", x, ttype(w["o"].shape), x))
    lines.append("  %h = qgraph.add %x, %o : ({0}, {0}) -> {0}".format(x))
    lines.append("  %h2 = qgraph.mul %h, %n2 : ({x}, {n}) -> {x}".format(x=x, n=ttype((K,))))
    for name in ["g", "u"]:
        lines.append(mm.format(name, "h2", x, ttype(w[name].shape), f))
    lines.append("  %s = qgraph.sigmoid %g : {}".format(f))
    lines.append("  %m = qgraph.mul %s, %u : ({0}, {0}) -> {0}".format(f))
    lines.append(mm.format("d", "m", f, ttype(w["d"].shape), x))
    lines.append("  %out = qgraph.add %h, %d : ({0}, {0}) -> {0}".format(x))
    lines.append("  %kv = qgraph.add %k, %v : ({0}, {0}) -> {0}".format(kv))
    lines.append("  return %out, %kv : {}, {}".format(x, kv))
    lines.append("}")
    open(out_mlir, "w").write("\n".join(lines) + "\n")

    # Statistics of the inputs each matmul really sees.
    sig = lambda t: 1.0 / (1.0 + np.exp(-t))
    xs = salient_inputs(np.random.default_rng(12), 2048).astype(np.float64)
    h1 = xs * n1
    q = h1 @ w["q"]
    a = q * sig(q)
    h = xs + a @ w["o"]
    h2 = h * n2
    m = sig(h2 @ w["g"]) * (h2 @ w["u"])
    entries = [("q_proj", h1), ("k_proj", h1), ("v_proj", h1), ("o_proj", a),
               ("g_proj", h2), ("u_proj", h2), ("d_proj", m)]
    write_stats(out_stats, entries)


def write_stats(out_stats, entries):
    """Calibration statistics (QMCALIB1) of the rows each tag's matmul sees."""
    with open(out_stats, "wb") as fh:
        fh.write(b"QMCALIB1" + struct.pack("<II", 1, len(entries)))
        for tag, act in entries:
            k = act.shape[1]
            hm = 2.0 * act.T @ act / act.shape[0]
            fh.write(struct.pack("<I", len(tag)) + tag.encode() + struct.pack("<qq", k, act.shape[0]))
            fh.write(np.concatenate([hm[i, :i + 1] for i in range(k)]).astype("<f8").tobytes())
            fh.write(np.abs(act).mean(axis=0).astype("<f8").tobytes())


# --- attention ----------------------------------------------------------------

HEADS, HEAD_DIM, SEQ = 4, 8, 8


def attention_func(name, w, n1, kv_heads, extra_use):
    """o_proj(reshape(transpose(P @ V))) with V the value heads of v_proj,
    repeated for grouped-query attention as torch.onnx exports it."""
    hid, kvw, g = HEADS * HEAD_DIM, kv_heads * HEAD_DIM, HEADS // kv_heads
    x, p = ttype((1, SEQ, hid)), ttype((1, HEADS, SEQ, HEAD_DIM))
    vh = ttype((1, kv_heads, SEQ, HEAD_DIM))
    rets = x + (", " + vh if extra_use else "")
    L = ["func.func @%s(%%x: %s, %%p: %s) -> (%s) {" % (name, x, p, rets)]
    L.append("  %%n = arith.constant %s : %s" % (dense(n1), ttype((hid,))))
    L.append("  %%wv = arith.constant %s : %s" % (dense(w["v"]), ttype(w["v"].shape)))
    L.append("  %%wo = arith.constant %s : %s" % (dense(w["o"]), ttype(w["o"].shape)))
    L.append("  %%h = qgraph.mul %%x, %%n : (%s, %s) -> %s" % (x, ttype((hid,)), x))
    L.append('  %%v = qgraph.matmul %%h, %%wv : (%s, %s) -> %s loc("%s_v_proj")'
             % (x, ttype(w["v"].shape), ttype((1, SEQ, kvw)), name))
    v4 = ttype((1, SEQ, kv_heads, HEAD_DIM))
    L.append("  %%s1 = arith.constant dense<[1, %d, %d, %d]> : tensor<4xi64>" % (SEQ, kv_heads, HEAD_DIM))
    L.append("  %%v4 = qgraph.reshape %%v, %%s1 : (%s, tensor<4xi64>) -> %s" % (ttype((1, SEQ, kvw)), v4))
    L.append("  %%vt = qgraph.transpose %%v4 {perm = array<i64: 0, 2, 1, 3>} : (%s) -> %s" % (v4, vh))
    vr = "%vt"
    if g > 1:
        u = ttype((1, kv_heads, 1, SEQ, HEAD_DIM))
        e = ttype((1, kv_heads, g, SEQ, HEAD_DIM))
        L.append("  %ax = arith.constant dense<2> : tensor<1xi64>")
        L.append("  %%vu = qgraph.unsqueeze %%vt, %%ax : (%s, tensor<1xi64>) -> %s" % (vh, u))
        L.append("  %%s5 = arith.constant dense<[1, %d, %d, %d, %d]> : tensor<5xi64>" % (kv_heads, g, SEQ, HEAD_DIM))
        L.append("  %%ve = qgraph.expand %%vu, %%s5 : (%s, tensor<5xi64>) -> %s" % (u, e))
        L.append("  %%s4 = arith.constant dense<[1, %d, %d, %d]> : tensor<4xi64>" % (HEADS, SEQ, HEAD_DIM))
        L.append("  %%vr = qgraph.reshape %%ve, %%s4 : (%s, tensor<4xi64>) -> %s" % (e, p))
        vr = "%vr"
    c = ttype((1, SEQ, HEADS, HEAD_DIM))
    L.append("  %%c = qgraph.matmul %%p, %s : (%s, %s) -> %s" % (vr, p, p, p))
    L.append("  %%ct = qgraph.transpose %%c {perm = array<i64: 0, 2, 1, 3>} : (%s) -> %s" % (p, c))
    L.append("  %%s3 = arith.constant dense<[1, %d, %d]> : tensor<3xi64>" % (SEQ, hid))
    L.append("  %%cr = qgraph.reshape %%ct, %%s3 : (%s, tensor<3xi64>) -> %s" % (c, x))
    L.append('  %%o = qgraph.matmul %%cr, %%wo : (%s, %s) -> %s loc("%s_o_proj")'
             % (x, ttype(w["o"].shape), x, name))
    L.append("  %%r = qgraph.add %%x, %%o : (%s, %s) -> %s" % (x, x, x))
    L.append("  return %%r%s : %s" % (", %vt" if extra_use else "", rets))
    L.append("}")
    return "\n".join(L)


def attention_inputs(rng, rows):
    """Rows of salient x and of softmax attention weights."""
    hid = HEADS * HEAD_DIM
    x = rng.standard_normal((rows, SEQ, hid)).astype(np.float32)
    x[..., :2] *= 25.0
    s = rng.standard_normal((rows, HEADS, SEQ, SEQ))
    p = np.exp(s) / np.exp(s).sum(-1, keepdims=True)
    return x, p.astype(np.float32)


def gen_attention(out_mlir, out_stats):
    rng = np.random.default_rng(21)
    hid = HEADS * HEAD_DIM
    n1 = (1.0 + 0.2 * rng.standard_normal(hid)).astype(np.float32)
    funcs, entries = [], []
    xs, ps = attention_inputs(np.random.default_rng(22), 64)
    for name, kv_heads, extra in [("gqa", 2, False), ("mha", HEADS, False), ("extra_use", 2, True)]:
        kvw = kv_heads * HEAD_DIM
        w = {"v": (0.1 * rng.standard_normal((hid, kvw))).astype(np.float32),
             "o": (0.1 * rng.standard_normal((hid, hid))).astype(np.float32)}
        w["v"][:, 3] *= 12.0  # a salient value channel: every query head of its group reads it
        funcs.append(attention_func(name, w, n1, kv_heads, extra))
        h = xs.astype(np.float64) * n1
        v = (h @ w["v"]).reshape(-1, SEQ, kv_heads, HEAD_DIM).transpose(0, 2, 1, 3)
        v = np.repeat(v, HEADS // kv_heads, axis=1)
        a = (ps @ v).transpose(0, 2, 1, 3).reshape(-1, hid)
        entries += [(name + "_v_proj", h.reshape(-1, hid)), (name + "_o_proj", a)]
    open(out_mlir, "w").write("\n\n".join(funcs) + "\n")
    write_stats(out_stats, entries)


# --- evaluator ---------------------------------------------------------------

def shape_of(t):
    m = re.match(r"tensor<([0-9x]*)x(f32|ui8|i32|i64)>", t)
    return [int(d) for d in m.group(1).split("x")], m.group(2)


def parse(path, func=None):
    """Ops of the first function of `path` (or of @func) and the resources."""
    text = open(path).read()
    resources = dict(re.findall(r'^\s*(\w+): "0x([0-9A-Fa-f]+)"', text, re.M))
    start = text.find("func.func @%s(" % func) if func else text.find("func.func")
    end = text.find("func.func", start + 1)
    body = text[start:end if end >= 0 else len(text)]
    args = re.findall(r"(%\w+): (tensor<[^>]*>)", body.splitlines()[0])
    ops = [("%arg" + str(i), "arg", t) for i, (_, t) in enumerate(args)]
    ops += [(name, "arg", "%arg" + str(i)) for i, (name, _) in enumerate(args)]
    for line in body.splitlines()[1:]:
        line = line.strip()
        m = re.match(r"(%[\w:#,% ]+) = ([\w.]+) (.*)$", line)
        if m:
            ops.append((m.group(1), m.group(2), m.group(3)))
        elif line.startswith("return"):
            ops.append(("", "return", line[len("return"):]))
    return ops, resources


def constant(rest, resources):
    m = re.match(r"dense_resource<(\w+)> : (tensor<[^>]*>)", rest)
    if m:
        shape, elt = shape_of(m.group(2))
        raw = bytes.fromhex(resources[m.group(1)])[4:]  # drop the alignment word
        dt = {"f32": "<f4", "ui8": "u1", "i32": "<i4"}[elt]
        return np.frombuffer(raw, dtype=dt).reshape(shape).copy()
    m = re.match(r"dense<(.*)> : (tensor<[^>]*>)", rest)
    shape, elt = shape_of(m.group(2))
    body = m.group(1)
    dt = np.float32 if elt == "f32" else np.int64
    if body.startswith('"0x'):  # large constants print as raw hex
        raw_dt = {"f32": "<f4", "ui8": "u1", "i32": "<i4"}[elt]
        return np.frombuffer(bytes.fromhex(body[3:-1]), dtype=raw_dt).reshape(shape).copy()
    if body.startswith("["):
        return np.array(eval(body), dtype=dt).reshape(shape)
    return np.full(shape, float(body), dtype=dt)


def weight_type(rest):
    m = re.search(r"!qweight\.weight<([^>]*)>", rest)
    params = dict(kv.split(" = ") for kv in m.group(1).split(", "))
    return {k: v for k, v in params.items()}


def run(path, inputs, func=None):
    """Results of the function on `inputs` (one array per argument)."""
    ops, resources = parse(path, func)
    env = {}
    for res, op, rest in ops:
        args = re.findall(r"%[\w]+", rest.split(":")[0])
        if op == "arg":
            env[res] = inputs[int(res[4:])] if rest.startswith("tensor") else env[rest]
        elif op == "arith.constant":
            env[res] = constant(rest, resources)
        elif op == "qgraph.add":
            env[res] = env[args[0]] + env[args[1]]
        elif op == "qgraph.mul":
            env[res] = env[args[0]] * env[args[1]]
        elif op == "qgraph.matmul":
            env[res] = env[args[0]] @ env[args[1]]
        elif op == "qgraph.reshape":
            env[res] = env[args[0]].reshape([int(d) for d in env[args[1]]])
        elif op == "qgraph.transpose":
            perm = re.search(r"perm = array<i64: ([0-9, ]+)>", rest).group(1)
            env[res] = env[args[0]].transpose([int(d) for d in perm.split(",")])
        elif op == "qgraph.unsqueeze":
            env[res] = np.expand_dims(env[args[0]], tuple(int(d) for d in env[args[1]]))
        elif op == "qgraph.expand":
            env[res] = np.broadcast_to(env[args[0]], [int(d) for d in env[args[1]]])
        elif op == "qgraph.sigmoid":
            env[res] = 1.0 / (1.0 + np.exp(-env[args[0]]))
        elif op == "qweight.assemble":
            p = weight_type(rest)
            codes, scales = env[args[0]].astype(np.float64), env[args[1]]
            k, n = int(p["k"]), int(p["n"])
            gs = int(p["group_size"])
            gs = k if gs == -1 else gs
            g = np.arange(k) // gs
            if p["symmetric"] == "true":
                zeros = np.full(scales.shape, 2 ** (int(p["bits"]) - 1))
            else:
                zeros = env[args[2]].astype(np.float64)
            env[res] = (scales[:, g] * (codes - zeros[:, g])).T.astype(np.float32)
        elif op == "qweight.matmul":
            env[res] = env[args[0]] @ env[args[1]]
        elif op == "return":
            return [env[a] for a in args]
        else:
            raise SystemExit("awq_tiny.py: unsupported op " + op)


def main():
    mode = sys.argv[1]
    if mode == "gen":
        gen(sys.argv[2], sys.argv[3])
        return
    if mode == "gen-attention":
        gen_attention(sys.argv[2], sys.argv[3])
        return
    x = [salient_inputs(np.random.default_rng(99), 512)]
    if mode == "compare-func":
        func, tol = sys.argv[4], float(sys.argv[5])
        worst = 0.0
        for xs, ps in zip(*attention_inputs(np.random.default_rng(98), 4)):
            a, b = (run(f, [xs[None], ps[None]], func) for f in sys.argv[2:4])
            worst = max([worst] + [float(np.abs(p - q).max() / np.abs(p).max())
                                   for p, q in zip(a, b)])
        print("max relative difference %.3g" % worst)
        if not worst <= tol:
            raise SystemExit("FAIL: %.3g > %g" % (worst, tol))
        print("OK")
    elif mode == "compare":
        a, b, tol = run(sys.argv[2], x), run(sys.argv[3], x), float(sys.argv[4])
        worst = max(float(np.abs(p - q).max() / np.abs(p).max()) for p, q in zip(a, b))
        print("max relative difference %.3g" % worst)
        if not worst <= tol:
            raise SystemExit("FAIL: %.3g > %g" % (worst, tol))
        print("OK")
    elif mode == "error":
        ref, q1, q2 = (run(p, x) for p in sys.argv[2:5])
        e1 = sum(float(((r - a) ** 2).mean()) for r, a in zip(ref, q1))
        e2 = sum(float(((r - a) ** 2).mean()) for r, a in zip(ref, q2))
        print("error %.6g vs %.6g: %s" % (e1, e2, "better" if e2 < e1 else "worse"))


if __name__ == "__main__":
    main()
