# The Python bindings: import a small ONNX model built with the onnx package,
# quantize it with RTN through a pass pipeline, check errors surface as
# exceptions with the compiler's diagnostics.
# REQUIRES: onnx-python
# RUN: env PYTHONPATH=%qm_obj/python_packages %python %s %t | FileCheck %s

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quant_mlir as qm

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
w = numpy_helper.from_array(rng.standard_normal((256, 64)).astype(np.float32), "w")
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["y"], name="node_linear")],
    "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 256])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 64])], [w])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
path = os.path.join(out, "linear.onnx")
onnx.save(model, path)

ctx = qm.Context()
m = ctx.import_onnx(path, shapes={"x": (4, 256)})
m.verify()
# CHECK: qgraph.matmul 1
print("qgraph.matmul", m.count("qgraph.matmul"))
# CHECK: func.func @main(%{{.*}}: tensor<4x256xf32>
print(m.to_string())
# The weight feeds the function's result directly, which the analysis takes
# for an output head: quantize it on request.
m.run("builtin.module(qm-quant-rtn{bits=4 group-size=128 include-head=1})")
# CHECK: qweight.matmul 1
print("qweight.matmul", m.count("qweight.matmul"))
# CHECK: !qweight.weight<k = 256, n = 64, bits = 4, group_size = 128
print(m.to_string())
m.write_bytecode(os.path.join(out, "linear.w4.mlirbc"))
again = ctx.load(os.path.join(out, "linear.w4.mlirbc"))
# CHECK: reloaded qweight.matmul 1
print("reloaded qweight.matmul", again.count("qweight.matmul"))

try:
    ctx.import_onnx(os.path.join(out, "missing.onnx"))
except qm.QuantMLIRError as e:
    # CHECK: error: import of {{.*}}missing.onnx: {{.*}}missing.onnx
    print("error:", str(e).splitlines()[0])
try:
    m.run("builtin.module(qm-quant-rtn{bits=5})")
except qm.QuantMLIRError as e:
    # CHECK: error: pipeline {{.*}}: {{.*}}unsupported bits (5)
    print("error:", str(e).splitlines()[0])
