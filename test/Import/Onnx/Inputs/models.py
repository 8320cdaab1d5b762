"""Builds the small ONNX test models of test/Import/Onnx.

Usage: models.py NAME OUT.onnx

Each model imitates one exporter style (legacy torch.onnx, Optimum /
onnxruntime-genai, opset-21 int4 DequantizeLinear) or is one bad input.
Models are written with onnx.save / SerializeToString only: no checker, so
bad models stay bad.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=18, extra_opsets=(),
          value_info=(), ir=None):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits),
                          value_info=list(value_info))
    ops = [helper.make_opsetid("", opset)] + [
        helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(g, opset_imports=ops, producer_name="qm-test")
    m.ir_version = ir if ir is not None else (10 if opset >= 21 else 8)
    return m


def weight(name, shape, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return numpy_helper.from_array(
        rng.standard_normal(shape).astype(dtype), name)


def i64(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


# --- exporter styles --------------------------------------------------------

def elementwise():
    """Every unary and binary elementwise op, plus Where/Cast/variadic Max."""
    n = []
    for op in ["Neg", "Sqrt", "Reciprocal", "Cos", "Sin", "Sigmoid", "Tanh",
               "Erf", "Exp", "Log", "Relu", "Identity"]:
        n.append(helper.make_node(op, ["x"], [op.lower()], name="n_" + op))
    for op in ["Add", "Sub", "Mul", "Div", "Pow"]:
        n.append(helper.make_node(op, ["x", "y"], [op.lower()], name="n_" + op))
    for op in ["Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"]:
        n.append(helper.make_node(op, ["x", "y"], [op.lower()], name="n_" + op))
    n.append(helper.make_node("And", ["less", "greater"], ["and"], name="n_And"))
    n.append(helper.make_node("Or", ["less", "greater"], ["or"], name="n_Or"))
    n.append(helper.make_node("Not", ["or"], ["not"], name="n_Not"))
    n.append(helper.make_node("Where", ["not", "x", "y"], ["where"], name="n_Where"))
    n.append(helper.make_node("Max", ["x", "y", "add"], ["max3"], name="n_Max3"))
    n.append(helper.make_node("Min", ["x", "y"], ["min2"], name="n_Min2"))
    n.append(helper.make_node("Cast", ["x"], ["cast"], to=TensorProto.FLOAT16,
                              name="n_Cast"))
    n.append(helper.make_node("Softmax", ["x"], ["softmax"], axis=-1,
                              name="n_Softmax"))
    n.append(helper.make_node("Dropout", ["x"], ["dropout"], name="n_Dropout"))
    outs = [o for node in n for o in node.output]
    return model(n, [vi("x", F, ["batch", 8]), vi("y", F, [1, 8])],
                 [onnx.ValueInfoProto(name=o) for o in outs])


def legacy():
    """Legacy torch.onnx (opset 14) attention-style block: Constant nodes and
    a Shape/Gather/Unsqueeze/Concat chain feeding Reshape, ReduceMean with
    an axes attribute, Gemm, Split, Squeeze, Transpose, Softmax."""
    n = [
        helper.make_node("Shape", ["x"], ["shape"], name="Shape_0"),
        helper.make_node("Constant", [], ["c0"], name="Constant_1",
                         value=helper.make_tensor("v", I64, [], [0])),
        helper.make_node("Gather", ["shape", "c0"], ["batch"], axis=0,
                         name="Gather_2"),
        helper.make_node("Constant", [], ["c1"], name="Constant_3",
                         value=helper.make_tensor("v", I64, [], [1])),
        helper.make_node("Gather", ["shape", "c1"], ["seq"], axis=0,
                         name="Gather_4"),
        helper.make_node("Constant", [], ["ax0"], name="Constant_5",
                         value=helper.make_tensor("v", I64, [1], [0])),
        helper.make_node("Unsqueeze", ["batch", "ax0"], ["b1"], name="Unsqueeze_6"),
        helper.make_node("Unsqueeze", ["seq", "ax0"], ["s1"], name="Unsqueeze_7"),
        helper.make_node("Constant", [], ["heads"], name="Constant_8",
                         value=helper.make_tensor("v", I64, [2], [2, 4])),
        helper.make_node("Concat", ["b1", "s1", "heads"], ["newshape"], axis=0,
                         name="Concat_9"),
        helper.make_node("Reshape", ["x", "newshape"], ["x4"], name="Reshape_10"),
        helper.make_node("Transpose", ["x4"], ["xt"], perm=[0, 2, 1, 3],
                         name="Transpose_11"),
        helper.make_node("MatMul", ["xt", "xt_T"], ["scores"], name="MatMul_12"),
        helper.make_node("Transpose", ["xt"], ["xt_T"], perm=[0, 1, 3, 2],
                         name="Transpose_13"),
        helper.make_node("Softmax", ["scores"], ["probs"], axis=-1,
                         name="Softmax_14"),
        helper.make_node("ReduceMean", ["probs"], ["mean"], axes=[-1],
                         keepdims=0, name="ReduceMean_15"),
        helper.make_node("Constant", [], ["flat"], name="Constant_16",
                         value=helper.make_tensor("v", I64, [2], [-1, 8])),
        helper.make_node("Reshape", ["x", "flat"], ["x2"], name="Reshape_17"),
        helper.make_node("Gemm", ["x2", "w", "b"], ["g"], transB=1, alpha=0.5,
                         name="Gemm_18"),
        helper.make_node("Constant", [], ["splits"], name="Constant_19",
                         value=helper.make_tensor("v", I64, [2], [4, 4])),
        helper.make_node("Split", ["g", "splits"], ["g0", "g1"], axis=1,
                         name="Split_20"),
        helper.make_node("Constant", [], ["sqax"], name="Constant_21",
                         value=helper.make_tensor("v", I64, [1], [1])),
        helper.make_node("Unsqueeze", ["g0", "sqax"], ["g0u"], name="Unsqueeze_22"),
        helper.make_node("Squeeze", ["g0u", "sqax"], ["g0s"], name="Squeeze_23"),
        helper.make_node("Dropout", ["g1"], ["g1d"], name="Dropout_24"),
    ]
    inits = [weight("w", [8, 8], 1), weight("b", [8], 2)]
    outs = [vi("mean", F, None), vi("g0s", F, None), vi("g1d", F, None)]
    return model(n, [vi("x", F, ["batch", "seq", 8])], outs, inits, opset=14,
                 ir=7)


def optimum():
    """Optimum / onnxruntime-genai style: Gemm with transB, LayerNormalization,
    SimplifiedLayerNormalization (ONNX domain, as onnxruntime registers it),
    com.microsoft SkipSimplifiedLayerNormalization and MatMulNBits."""
    K, N, block = 32, 16, 16
    rng = np.random.default_rng(3)
    q = rng.integers(0, 256, size=(N, K // block, block // 2), dtype=np.uint8)
    scales = rng.random(N * (K // block), dtype=np.float32)
    n = [
        helper.make_node("LayerNormalization", ["x", "ln_w", "ln_b"], ["ln"],
                         axis=-1, epsilon=1e-6, name="/model/ln"),
        helper.make_node("SimplifiedLayerNormalization", ["ln", "rms_w"],
                         ["rms"], axis=-1, epsilon=1e-5, name="/model/rms"),
        helper.make_node("SkipSimplifiedLayerNormalization",
                         ["rms", "x", "rms_w"], ["skip_out", "", "", "skip_sum"],
                         epsilon=1e-5, domain="com.microsoft",
                         name="/model/skip_rms"),
        helper.make_node("MatMulNBits", ["skip_out", "qw", "qscales"], ["mm"],
                         K=K, N=N, bits=4, block_size=block,
                         domain="com.microsoft", name="/model/q_proj/MatMul"),
        helper.make_node("Reshape", ["mm", "shape2d"], ["mm2"], name="/model/flat"),
        helper.make_node("Gemm", ["mm2", "gemm_w", "gemm_b"], ["out"], transB=1,
                         name="/model/lm_head/Gemm"),
    ]
    inits = [
        weight("ln_w", [K], 4), weight("ln_b", [K], 5), weight("rms_w", [K], 6),
        numpy_helper.from_array(q, "qw"),
        numpy_helper.from_array(scales, "qscales"),
        i64("shape2d", [-1, N]),
        weight("gemm_w", [8, N], 7), weight("gemm_b", [8], 8),
    ]
    return model(n, [vi("x", F, ["batch", "seq", K])],
                 [vi("out", F, ["rows", 8]), vi("skip_sum", F, None)], inits,
                 opset=17, extra_opsets=[("com.microsoft", 1)])


def dq_int4():
    """Opset 21 blocked DequantizeLinear of an int4 weight + MatMul."""
    K, N, block = 64, 8, 32
    rng = np.random.default_rng(9)
    w = rng.integers(-8, 8, size=(K, N)).astype(np.int8)
    scales = (rng.random((K // block, N)) + 0.5).astype(np.float32)
    small = np.array([[-8, 7, -1, 0], [1, 2, 3, -2]], dtype=np.int8)
    n = [
        helper.make_node("DequantizeLinear", ["w", "s"], ["wf"], axis=0,
                         block_size=block, name="dq_w"),
        helper.make_node("MatMul", ["x", "wf"], ["y"], name="matmul"),
        helper.make_node("DequantizeLinear", ["small", "ss"], ["smallf"],
                         axis=0, block_size=2, name="dq_small"),
    ]
    inits = [
        helper.make_tensor("w", TensorProto.INT4, [K, N], w.flatten().tolist()),
        numpy_helper.from_array(scales, "s"),
        helper.make_tensor("small", TensorProto.INT4, [2, 4],
                           small.flatten().tolist()),
        numpy_helper.from_array(np.ones((1, 4), np.float32), "ss"),
    ]
    return model(n, [vi("x", F, ["m", K])],
                 [vi("y", F, ["m", N]), vi("smallf", F, [2, 4])], inits,
                 opset=21)


def misc():
    """Reductions (axes input, empty axes, keepdims), CumSum, Range, Trilu,
    ConstantOfShape, Expand, Slice with negative steps, GatherND, Clip, Sum,
    CastLike (opset 18)."""
    n = [
        helper.make_node("ReduceSum", ["x", "ax1"], ["rs"], keepdims=0, name="rs"),
        helper.make_node("ReduceMax", ["x", "noax"], ["rmax"], name="rmax"),
        helper.make_node("ReduceMean", ["x"], ["rmean"], keepdims=0, name="rmean"),
        helper.make_node("CumSum", ["x", "ax1s"], ["cs"], exclusive=1, name="cs"),
        helper.make_node("Range", ["r0", "r5", "r1"], ["rg"], name="rg"),
        helper.make_node("Trilu", ["x"], ["tri"], upper=0, name="tri"),
        helper.make_node("ConstantOfShape", ["cshape"], ["cos"], name="cos",
                         value=helper.make_tensor("v", I64, [1], [7])),
        helper.make_node("Expand", ["x", "eshape"], ["ex"], name="ex"),
        helper.make_node("Slice", ["x", "sst", "sen", "sax", "sstep"], ["sl"],
                         name="sl"),
        helper.make_node("GatherND", ["x", "gidx"], ["gnd"], name="gnd"),
        helper.make_node("Clip", ["x", "lo", "hi"], ["clip"], name="clip"),
        helper.make_node("Sum", ["x", "x", "x"], ["sum3"], name="sum3"),
        helper.make_node("CastLike", ["rg", "x"], ["cl"], name="cl"),
    ]
    inits = [
        i64("ax1", [1]), i64("noax", np.zeros([0], np.int64)), i64("ax1s", 1),
        i64("r0", 0), i64("r5", 5), i64("r1", 1), i64("cshape", [2, 3]),
        i64("eshape", [2, 1, 1]), i64("sst", [-1]), i64("sen", [-100]),
        i64("sax", [1]), i64("sstep", [-2]), i64("gidx", [[1], [0]]),
        numpy_helper.from_array(np.array(-1, np.float32), "lo"),
        numpy_helper.from_array(np.array(1, np.float32), "hi"),
    ]
    outs = ["rs", "rmax", "rmean", "cs", "rg", "tri", "cos", "ex", "sl", "gnd",
            "clip", "sum3", "cl"]
    return model(n, [vi("x", F, [4, 6])], [onnx.ValueInfoProto(name=o) for o in outs], inits)


def rmsnorm23():
    """Opset 23 RMSNormalization and an opset-18-style Split by num_outputs."""
    n = [
        helper.make_node("RMSNormalization", ["x", "g"], ["y"], axis=-1,
                         epsilon=1e-6, name="norm"),
        helper.make_node("Split", ["y"], ["y0", "y1"], axis=1, num_outputs=2,
                         name="halves"),
    ]
    return model(n, [vi("x", F, ["b", 6])],
                 [vi("y0", F, None), vi("y1", F, None)],
                 [weight("g", [6], 12)], opset=23)


def mlp(seed=0):
    """A small MLP whose weights are large enough to become resources."""
    n = [
        helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
        helper.make_node("Add", ["h", "b1"], ["hb"], name="fc1_bias"),
        helper.make_node("Sigmoid", ["hb"], ["a"], name="act"),
        helper.make_node("MatMul", ["a", "w2"], ["y"], name="fc2"),
    ]
    inits = [weight("w1", [16, 32], seed), weight("b1", [32], seed + 1),
             weight("w2", [32, 4], seed + 2)]
    return model(n, [vi("x", F, ["batch", 16])], [vi("y", F, ["batch", 4])],
                 inits)


# --- bad inputs ---------------------------------------------------------------

def no_opset():
    m = mlp()
    del m.opset_import[:]
    m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return m


def old_opset():
    m = mlp()
    m.opset_import[0].version = 9
    return m


def unknown_ops():
    then_g = helper.make_graph([helper.make_node("Identity", ["x"], ["t"])],
                               "then", [], [vi("t", F, [2])])
    n = [
        helper.make_node("FancyOp", ["x"], ["a"], name="fancy_1"),
        helper.make_node("FancyOp", ["a"], ["b"], name="fancy_2"),
        helper.make_node("Frobnicate", ["b"], ["c"], domain="com.example",
                         name="frob"),
        helper.make_node("If", ["cond"], ["d"], then_branch=then_g,
                         else_branch=then_g, name="branch"),
        helper.make_node("Add", ["c", "d"], ["y"], name="add"),
    ]
    return model(n, [vi("x", F, [2]), vi("cond", TensorProto.BOOL, [])],
                 [vi("y", F, [2])], extra_opsets=[("com.example", 3)])


def string_init():
    m = mlp()
    t = helper.make_tensor("names", TensorProto.STRING, [2], [b"a", b"b"])
    m.graph.initializer.append(t)
    return m


def short_data():
    m = mlp()
    w = m.graph.initializer[0]
    w.raw_data = w.raw_data[:-12]
    return m


def dims_overflow():
    m = mlp()
    t = m.graph.initializer[1]
    del t.dims[:]
    t.dims.extend([1 << 40, 1 << 40, 1 << 30])
    return m


def input_dim_overflow():
    m = mlp()
    m.graph.input[0].type.tensor_type.shape.dim[1].dim_value = 1 << 62
    return m


def duplicate_names():
    n = [helper.make_node("Neg", ["x"], ["y"], name="neg_a"),
         helper.make_node("Sqrt", ["x"], ["y"], name="sqrt_b")]
    return model(n, [vi("x", F, [2])], [vi("y", F, [2])])


def dangling_input():
    n = [helper.make_node("Add", ["x", "ghost"], ["y"], name="add_ghost")]
    return model(n, [vi("x", F, [2])], [vi("y", F, [2])])


def cycle():
    n = [helper.make_node("Add", ["x", "b"], ["a"], name="loop_a"),
         helper.make_node("Neg", ["a"], ["b"], name="loop_b"),
         helper.make_node("Neg", ["a"], ["y"], name="out")]
    return model(n, [vi("x", F, [2])], [vi("y", F, [2])])


def save_external(m, path, one_file=True, location="weights.bin"):
    onnx.save_model(m, path, save_as_external_data=True,
                    all_tensors_to_one_file=one_file,
                    location=location if one_file else None,
                    size_threshold=0)


def main():
    name, out = sys.argv[1], sys.argv[2]
    if name == "external-one":
        save_external(mlp(), out)
        return
    if name == "external-many":
        save_external(mlp(), out, one_file=False)
        return
    if name in ("external-missing", "external-short", "external-escape",
                "external-absolute"):
        m = mlp()
        save_external(m, out)
        d = os.path.dirname(os.path.abspath(out))
        if name == "external-missing":
            os.remove(os.path.join(d, "weights.bin"))
        elif name == "external-short":
            p = os.path.join(d, "weights.bin")
            data = open(p, "rb").read()
            open(p, "wb").write(data[: len(data) // 2])
        else:
            m = onnx.load(out, load_external_data=False)
            loc = "../weights.bin" if name == "external-escape" else "/etc/hostname"
            for t in m.graph.initializer:
                for kv in t.external_data:
                    if kv.key == "location":
                        kv.value = loc
            onnx.save(m, out)
        return
    if name == "fuzz-seeds":
        # Seeds for the fuzzer's graph mode: 'G' + bytes that drive its
        # model generator (deterministic).
        os.makedirs(out, exist_ok=True)
        rng = np.random.default_rng(11)
        for i in range(16):
            data = b"G" + rng.integers(0, 256, size=160, dtype=np.uint8).tobytes()
            open(os.path.join(out, f"graph{i}"), "wb").write(data)
        return
    if name == "truncated":
        data = mlp().SerializeToString()
        open(out, "wb").write(data[: len(data) * 2 // 3])
        return
    if name == "not-protobuf":
        open(out, "wb").write(b"this is a text file, not an ONNX model\n" * 4)
        return
    builders = {
        "elementwise": elementwise, "legacy": legacy, "optimum": optimum,
        "dq-int4": dq_int4, "mlp": mlp, "misc": misc,
        "rmsnorm23": rmsnorm23, "no-opset": no_opset,
        "old-opset": old_opset, "unknown-ops": unknown_ops,
        "string-init": string_init, "short-data": short_data,
        "dims-overflow": dims_overflow,
        "input-dim-overflow": input_dim_overflow, "duplicate-names": duplicate_names,
        "dangling-input": dangling_input, "cycle": cycle,
    }
    open(out, "wb").write(builders[name]().SerializeToString())


if __name__ == "__main__":
    main()
