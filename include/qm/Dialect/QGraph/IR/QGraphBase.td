//===- QGraphBase.td - qgraph dialect definition ------------*- tablegen -*-===//
//
// Part of quant-mlir. The `qgraph` dialect holds models as imported from ONNX.
//
//===----------------------------------------------------------------------===//

#ifndef QM_DIALECT_QGRAPH_IR_QGRAPHBASE_TD
#define QM_DIALECT_QGRAPH_IR_QGRAPHBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def QGraph_Dialect : Dialect {
  let name = "qgraph";
  let cppNamespace = "::mlir::qm::qgraph";
  let summary = "Graph-level operators of imported language models";
  let description = [{
    The `qgraph` dialect is the importer's target: one op per ONNX operator
    used by decoder-LLM exports, with ONNX semantics (numpy-style
    multidirectional broadcasting, negative axes counted from the back,
    opset-18 input/attribute split). Values are builtin `tensor` types;
    dimensions unknown at import time stay dynamic (`?`). Large constants
    are `arith.constant dense_resource<...>` so weights live in resource
    blobs rather than attribute storage.

    Element types: ONNX float/float16/bfloat16/double map to f32/f16/bf16/f64,
    bool to i1, signed integers to signless `iN` (read as signed) and
    unsigned integers to `uiN`; int4/uint4 to `i4`/`ui4`.

    Ops carry the constraints of their ONNX definition; each op's
    description lists them as (C1), (C2), ... and its verifier checks every
    one that can be decided from types and attributes.
  }];
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
  let hasConstantMaterializer = 1;
}

class QGraph_Op<string mnemonic, list<Trait> traits = []>
    : Op<QGraph_Dialect, mnemonic, traits>;

// Element-type classes shared by the op definitions.
def QGraph_Float : AnyTypeOf<[F16, BF16, F32, F64]>;
def QGraph_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;
def QGraph_AnyTensor : RankedTensorOf<[AnyType]>;
def QGraph_IndexTensor : RankedTensorOf<[I32, I64]>;
def QGraph_I64Tensor : RankedTensorOf<[I64]>;
def QGraph_BoolTensor : RankedTensorOf<[I1]>;
def QGraph_NumericTensor : RankedTensorOf<[AnyInteger, F16, BF16, F32, F64]>;

#endif // QM_DIALECT_QGRAPH_IR_QGRAPHBASE_TD
