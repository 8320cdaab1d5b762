"""Checks that every float initializer of MODEL appears in OUT.mlir as a
dense_resource blob holding exactly its bytes (external data loaded by the
onnx package). Usage: check_resources.py MODEL.onnx OUT.mlir"""
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
text = open(sys.argv[2]).read()
blobs = dict(re.findall(r'^\s*"?([\w.]+)"?: "0x([0-9A-F]*)"', text, re.M))
checked = 0
for init in model.graph.initializer:
    arr = numpy_helper.to_array(init)
    if arr.dtype != np.float32 or arr.size <= 1:
        continue
    hexdata = blobs.get(init.name)
    assert hexdata is not None, f"no resource blob for {init.name}"
    # The first 4 bytes are the blob's alignment.
    data = bytes.fromhex(hexdata)[4:]
    assert data == arr.astype("<f4").tobytes(), f"bytes of {init.name} differ"
    assert f"dense_resource<{init.name}> : tensor<{'x'.join(map(str, arr.shape))}xf32>" in text, init.name
    checked += 1
print(f"resources ok: {checked}")
