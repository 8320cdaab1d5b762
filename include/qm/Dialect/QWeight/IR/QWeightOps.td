//===- QWeightOps.td - qweight dialect ----------------------*- tablegen -*-===//
//
// Part of quant-mlir. The `qweight` dialect: group-quantized weights, the
// fused dequantize-matmul that consumes them, and the calibration observer.
// The numeric definition below is the single one that the quantization
// passes, the CPU lowering, the GPU kernel generator and the tests share.
//
//===----------------------------------------------------------------------===//

#ifndef QM_DIALECT_QWEIGHT_IR_QWEIGHTOPS_TD
#define QM_DIALECT_QWEIGHT_IR_QWEIGHTOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def QWeight_Dialect : Dialect {
  let name = "qweight";
  let cppNamespace = "::mlir::qm::qweight";
  let summary = "Group-quantized weights and the fused dequantize-matmul";
  let description = [{
    A quantized weight `W` of shape `K x N` (K input channels, N output
    channels, as in `y = x W`) is stored as integer codes `q[n][k]` in
    `[0, 2^bits)`, one scale per (output channel, group) and, for asymmetric
    quantization, one integer zero point per (output channel, group):

    ```
    g(k)    = g_idx[k]            if the weight has a group index (act-order)
            = k / group_size      otherwise (group_size = K when per-channel)
    z[n][g] = zeros[n][g]         asymmetric
            = 2^(bits-1)          symmetric
    W[k][n] = scales[n][g(k)] * (q[n][k] - z[n][g(k)])      (computed in f32)
    ```

    `G = ceil(K / group_size)` groups; when `group_size` does not divide `K`
    the last group is short. Rounding when quantizing is round-half-to-even
    followed by clamping to `[0, 2^bits - 1]`.

    Storage of the codes depends on the `layout`:
    - `unpacked`: `tensor<N x K x ui8>`, one code per byte.
    - `k_packed`: `tensor<N x ceil(K / P) x i32>` with `P = 32 / bits`
      codes per 32-bit word (`P = 10` for 3 bits, top 2 bits unused); code
      `k` sits in word `k / P` at bits `[(k % P) * bits, (k % P + 1) * bits)`,
      i.e. little-endian nibble order for 4 bits; padding codes are 0.
    - `gpu_tiled`: `tensor<S x i32>` in the order the GPU kernel's mma
      fragments consume; defined by the GPU packer (`qmrt_pack_gpu_tiled`,
      passes/Codegen/GPU/Rationale.md) and opaque to everything else:
      words `[ceil(N/64)][Kp/16][32 lanes][4 (4-bit) or 8 (8-bit)]`, each
      lane's 16 (or 32) bytes are the `mma.m16n8k16` B fragments of eight n8
      tiles for one k16 step; K is padded to `Kp` (multiple of 512; for
      act-order, sorted by group with each group padded to a power of two)
      and N to a multiple of 64 with zero-weight codes.
    Scales are `tensor<N x G x T>` (T = f32/f16/bf16), zero points
    `tensor<N x G x ui8>`, the group index `tensor<K x i32>`.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
}

def QWeight_Layout : I32EnumAttr<"Layout", "storage layout of quantized codes", [
    I32EnumAttrCase<"unpacked", 0>,
    I32EnumAttrCase<"k_packed", 1>,
    I32EnumAttrCase<"gpu_tiled", 2>]> {
  let cppNamespace = "::mlir::qm::qweight";
  let genSpecializedAttr = 0;
}
def QWeight_LayoutAttr : EnumAttr<QWeight_Dialect, QWeight_Layout, "layout">;

def QWeight_WeightType : TypeDef<QWeight_Dialect, "Weight"> {
  let mnemonic = "weight";
  let summary = "A group-quantized K x N weight (codes, scales, zero points)";
  let description = [{
    The value produced by `qweight.assemble`. Parameters: `k`, `n` (the
    logical weight shape), `bits` (2, 3, 4 or 8), `group_size` (-1 for one
    group per output channel, else 1..K), `symmetric`, `act_order` (the
    weight carries a group index), the codes' `layout` and the
    `scale_type`.

    ```mlir
    !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128,
                    symmetric = false, act_order = false,
                    layout = unpacked, scale_type = f32>
    ```
  }];
  let parameters = (ins "int64_t":$k, "int64_t":$n, "unsigned":$bits,
                        "int64_t":$group_size, "bool":$symmetric,
                        "bool":$act_order, "::mlir::qm::qweight::Layout":$layout,
                        "::mlir::Type":$scale_type);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of groups along K: ceil(K / group_size) (1 when per-channel).
    int64_t getNumGroups() const;
    /// Group size with -1 resolved to K.
    int64_t getEffectiveGroupSize() const;
    /// Codes per 32-bit word in the k_packed layout.
    unsigned getCodesPerWord() const { return getBits() == 3 ? 10 : 32 / getBits(); }
    /// The tensor type the codes are stored in for this layout
    /// (null for gpu_tiled, whose size the packer decides).
    ::mlir::RankedTensorType getCodesStorageType() const;
    ::mlir::RankedTensorType getScalesType() const;
    ::mlir::RankedTensorType getZerosType() const;
    ::mlir::RankedTensorType getGroupIndexType() const;
  }];
}

class QWeight_Op<string mnemonic, list<Trait> traits = []>
    : Op<QWeight_Dialect, mnemonic, traits>;

def QWeight_AssembleOp : QWeight_Op<"assemble", [Pure, AttrSizedOperandSegments]> {
  let summary = "Bundle codes, scales, zero points and group index into a weight";
  let description = [{
    Constraints:
    - (C1) `codes` has the storage type of the result's layout.
    - (C2) `scales` is `tensor<N x G x scale_type>`.
    - (C3) `zeros` is present iff the weight is asymmetric, and is
      `tensor<N x G x ui8>`.
    - (C4) `g_idx` is present iff `act_order`, and is `tensor<K x i32>`.

    ```mlir
    %w = qweight.assemble %codes, %scales zeros %z
       : (tensor<1152x384xui8>, tensor<1152x3xf32>, tensor<1152x3xui8>)
       -> !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128,
                          symmetric = false, act_order = false,
                          layout = unpacked, scale_type = f32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[UI8, I32]>:$codes,
                       RankedTensorOf<[F16, BF16, F32]>:$scales,
                       Optional<RankedTensorOf<[UI8]>>:$zeros,
                       Optional<RankedTensorOf<[I32]>>:$g_idx);
  let results = (outs QWeight_WeightType:$result);
  let assemblyFormat = [{
    $codes `,` $scales (`zeros` $zeros^)? (`g_idx` $g_idx^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QWeight_DequantizeOp : QWeight_Op<"dequantize", [Pure]> {
  let summary = "Materialize the dense K x N weight";
  let description = [{
    `result[k][n] = W[k][n]` as defined in the dialect description, in the
    result element type (f32, f16 or bf16; computed in f32 and rounded).

    Constraints:
    - (C1) the result is `tensor<K x N x T>`.
  }];
  let arguments = (ins QWeight_WeightType:$weight);
  let results = (outs RankedTensorOf<[F16, BF16, F32]>:$result);
  let assemblyFormat = "$weight attr-dict `:` type($weight) `->` type($result)";
  let hasVerifier = 1;
}

def QWeight_MatMulOp : QWeight_Op<"matmul", [Pure]> {
  let summary = "Fused dequantize-matmul: x times a quantized weight";
  let description = [{
    `result[..., n] = sum_k x[..., k] * W[k][n]`, accumulated in f32 and
    returned in the element type of `x`. Equivalent to
    `qgraph.matmul %x, (qweight.dequantize %w)` up to the accumulation
    order; code generators keep W quantized in memory.

    Constraints:
    - (C1) `x` has rank >= 1 and its last dimension is K (or dynamic).
    - (C2) the result has `x`'s shape with the last dimension N, and `x`'s
      element type.

    ```mlir
    %y = qweight.matmul %x, %w : (tensor<1x512x384xf32>, !qweight.weight<...>) -> tensor<1x512x1152xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F16, BF16, F32]>:$x, QWeight_WeightType:$weight);
  let results = (outs RankedTensorOf<[F16, BF16, F32]>:$result);
  let assemblyFormat = [{
    $x `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QWeight_ObserveOp : QWeight_Op<"observe", [
    AllTypesMatch<["input", "result"]>,
    MemoryEffects<[MemWrite]>]> {
  let summary = "Record a tensor for calibration and pass it through";
  let description = [{
    Returns `input` unchanged. When the model runs for calibration, the
    runtime hands every element of `input` to the statistics collector
    registered for `tag` (the tag names the consuming matmul, e.g.
    `layers.0.self_attn.q_proj`). The rows are the flattened leading
    dimensions and the columns the last dimension. The op writes to the
    collector, so it is neither hoisted nor removed.

    Constraints:
    - (C1) `tag` is not empty; `input` has rank >= 1.
  }];
  let arguments = (ins RankedTensorOf<[F16, BF16, F32]>:$input, StrAttr:$tag);
  let results = (outs RankedTensorOf<[F16, BF16, F32]>:$result);
  let assemblyFormat = "$input `tag` $tag attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // QM_DIALECT_QWEIGHT_IR_QWEIGHTOPS_TD
