"""Writes a small decoder-like qgraph model (.mlir) with random weights and
the numpy reference of its logits for given token ids.

usage: small_model.py OUT.mlir OUT_EXPECTED.npy B S ids...
"""
import sys
import numpy as np

out_mlir, out_npy, B, S = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ids = np.array([int(v) for v in sys.argv[5:]], dtype=np.int64).reshape(B, S)
V, D, F = 32, 16, 24
rng = np.random.default_rng(1234)
emb = rng.standard_normal((V, D)).astype(np.float32)
wq = (rng.standard_normal((D, D)) / 4).astype(np.float32)
wk = (rng.standard_normal((D, D)) / 4).astype(np.float32)
wv = (rng.standard_normal((D, D)) / 4).astype(np.float32)
w1 = (rng.standard_normal((D, F)) / 4).astype(np.float32)
w2 = (rng.standard_normal((F, D)) / 4).astype(np.float32)
g = (1 + rng.standard_normal(D) / 10).astype(np.float32)


def dense(a):
    return "dense<" + np.array2string(a, separator=",", threshold=10**9,
                                      floatmode="unique").replace("\n", "") + ">"


def t(shape, e="f32"):
    return "tensor<" + "x".join(str(s) for s in shape) + ("x" if shape else "") + e + ">"


x3 = t([B, S, D])
src = f"""func.func @main(%ids: {t([B, S], 'i64')}) -> {t([B, S, V])} {{
  %emb = arith.constant {dense(emb)} : {t([V, D])}
  %wq = arith.constant {dense(wq)} : {t([D, D])}
  %wk = arith.constant {dense(wk)} : {t([D, D])}
  %wv = arith.constant {dense(wv)} : {t([D, D])}
  %w1 = arith.constant {dense(w1)} : {t([D, F])}
  %w2 = arith.constant {dense(w2)} : {t([F, D])}
  %g = arith.constant {dense(g)} : {t([D])}
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %scale = arith.constant dense<0.25> : tensor<f32>
  %ninf = arith.constant dense<-1.0e9> : tensor<f32>
  %last = arith.constant dense<[-1]> : tensor<1xi64>
  %x = qgraph.gather %emb, %ids {{axis = 0 : si64}} : ({t([V, D])}, {t([B, S], 'i64')}) -> {x3}
  %p = qgraph.pow %x, %two : ({x3}, tensor<f32>) -> {x3}
  %m = qgraph.reduce_mean %p, %last : ({x3}, tensor<1xi64>) -> {t([B, S, 1])}
  %me = qgraph.add %m, %eps : ({t([B, S, 1])}, tensor<f32>) -> {t([B, S, 1])}
  %sq = qgraph.sqrt %me : {t([B, S, 1])}
  %rs = qgraph.reciprocal %sq : {t([B, S, 1])}
  %n0 = qgraph.mul %x, %rs : ({x3}, {t([B, S, 1])}) -> {x3}
  %n = qgraph.mul %g, %n0 : ({t([D])}, {x3}) -> {x3}
  %q = qgraph.matmul %n, %wq : ({x3}, {t([D, D])}) -> {x3}
  %k = qgraph.matmul %n, %wk : ({x3}, {t([D, D])}) -> {x3}
  %v = qgraph.matmul %n, %wv : ({x3}, {t([D, D])}) -> {x3}
  %kt = qgraph.transpose %k {{perm = array<i64: 0, 2, 1>}} : ({x3}) -> {t([B, D, S])}
  %s0 = qgraph.matmul %q, %kt : ({x3}, {t([B, D, S])}) -> {t([B, S, S])}
  %s1 = qgraph.mul %s0, %scale : ({t([B, S, S])}, tensor<f32>) -> {t([B, S, S])}
  %ones = qgraph.constant_of_shape %sshape, dense<1.0> : tensor<1xf32> : (tensor<2xi64>) -> {t([S, S])}
  %tri = qgraph.trilu %ones {{upper = false}} : ({t([S, S])}) -> {t([S, S])}
  %zero = arith.constant dense<0.0> : tensor<f32>
  %keep = qgraph.greater %tri, %zero : ({t([S, S])}, tensor<f32>) -> {t([S, S], 'i1')}
  %s2 = qgraph.where %keep, %s1, %ninf : ({t([S, S], 'i1')}, {t([B, S, S])}, tensor<f32>) -> {t([B, S, S])}
  %pr = qgraph.softmax %s2 {{axis = -1 : si64}} : {t([B, S, S])}
  %a = qgraph.matmul %pr, %v : ({t([B, S, S])}, {x3}) -> {x3}
  %h = qgraph.add %x, %a : ({x3}, {x3}) -> {x3}
  %u = qgraph.matmul %h, %w1 : ({x3}, {t([D, F])}) -> {t([B, S, F])}
  %sg = qgraph.sigmoid %u : {t([B, S, F])}
  %si = qgraph.mul %u, %sg : ({t([B, S, F])}, {t([B, S, F])}) -> {t([B, S, F])}
  %dn = qgraph.matmul %si, %w2 : ({t([B, S, F])}, {t([F, D])}) -> {x3}
  %h2 = qgraph.add %h, %dn : ({x3}, {x3}) -> {x3}
  %et = qgraph.transpose %emb {{perm = array<i64: 1, 0>}} : ({t([V, D])}) -> {t([D, V])}
  %logits = qgraph.matmul %h2, %et : ({x3}, {t([D, V])}) -> {t([B, S, V])}
  return %logits : {t([B, S, V])}
}}
""".replace("%sshape", "%sshape").replace(
    "  %ones", f"  %sshape = arith.constant dense<[{S}, {S}]> : tensor<2xi64>\n  %ones")
open(out_mlir, "w").write(src)

x = emb[ids]
n = g * (x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-5))
q, k, v = n @ wq, n @ wk, n @ wv
s = (q @ k.transpose(0, 2, 1)) * 0.25
mask = np.tril(np.ones((S, S), np.float32)) > 0
s = np.where(mask, s, -1e9)
pr = np.exp(s - s.max(-1, keepdims=True))
pr /= pr.sum(-1, keepdims=True)
h = x + pr @ v
u = h @ w1
h2 = h + (u / (1 + np.exp(-u))) @ w2
np.save(out_npy, (h2 @ emb.T).astype(np.float32))
