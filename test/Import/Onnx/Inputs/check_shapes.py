"""Runs MODEL in onnxruntime and checks that the result types of @main in
OUT.mlir agree with the shapes and element types onnxruntime computes: every
static dimension equal. Dynamic input dimensions are fed as 3.
Usage: check_shapes.py MODEL.onnx OUT.mlir"""
import re
import sys

import numpy as np
import onnxruntime as ort

model, out = sys.argv[1:3]
text = open(out).read()
sig = re.search(r"func\.func @main\((.*?)\) -> \(?(.*?)\)? attributes", text)
assert sig, "no @main signature"
args = re.findall(r"tensor<([^>]*)>", sig.group(1))
results = re.findall(r"tensor<([^>]*)>", sig.group(2))
dtypes = {"f32": np.float32, "f16": np.float16, "i64": np.int64,
          "i32": np.int32, "i1": np.bool_, "i8": np.int8, "ui8": np.uint8}

sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
feeds = {}
rng = np.random.default_rng(0)
for inp, ty in zip(sess.get_inputs(), args):
    *dims, elem = ty.split("x")
    shape = [3 if d == "?" else int(d) for d in dims]
    feeds[inp.name] = (rng.random(shape) + 0.5).astype(dtypes[elem])
outs = sess.run(None, feeds)
assert len(outs) == len(results), f"{len(outs)} outputs vs {len(results)} results"
static = 0
for o, ty, info in zip(outs, results, sess.get_outputs()):
    *dims, elem = ty.split("x") if "x" in ty else [ty]
    assert np.dtype(dtypes[elem]) == o.dtype, f"{info.name}: {elem} vs {o.dtype}"
    assert len(dims) == o.ndim, f"{info.name}: rank {len(dims)} vs {o.shape}"
    for d, s in zip(dims, o.shape):
        if d != "?":
            assert int(d) == s, f"{info.name}: {ty} vs {o.shape}"
            static += 1
print(f"shapes ok: {len(outs)} outputs, {static} static dims checked")
