//===- QGraphOps.td - qgraph operations ---------------------*- tablegen -*-===//
//
// Part of quant-mlir. One op per ONNX operator used by decoder-LLM exports.
// Semantics follow the ONNX operator of the same name at the opset listed in
// each description; constraints are numbered (C1), (C2), ... and the
// verifiers in dialects/QGraph/IR carry the same labels.
//
//===----------------------------------------------------------------------===//

#ifndef QM_DIALECT_QGRAPH_IR_QGRAPHOPS_TD
#define QM_DIALECT_QGRAPH_IR_QGRAPHOPS_TD

include "qm/Dialect/QGraph/IR/QGraphBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/CommonAttrConstraints.td"

//===----------------------------------------------------------------------===//
// Op classes
//===----------------------------------------------------------------------===//

// Elementwise op of one operand; the result has the operand's type.
class QGraph_UnaryOp<string mnemonic, Type tensorType, string onnxName,
                     string formula, list<Trait> traits = []>
    : QGraph_Op<mnemonic, traits # [Pure, SameOperandsAndResultType]> {
  let summary = "Elementwise " # onnxName;
  let description = "Computes `result[i] = " # formula #
                    "` for every element (ONNX `" # onnxName # "`).";
  let arguments = (ins tensorType:$input);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

// Elementwise op of two operands with multidirectional (numpy) broadcasting.
// (C1) the operand shapes broadcast; (C2) the operands' element types are
// equal; (C3) the result shape is the broadcast shape (dynamic dimensions are
// compatible with any size). `resultIsBool` makes the result element type i1.
class QGraph_BinaryOp<string mnemonic, Type operandType, string onnxName,
                      string formula, bit resultIsBool = 0,
                      list<Trait> traits = []>
    : QGraph_Op<mnemonic, traits # [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Elementwise " # onnxName # " with broadcasting";
  let description = "Computes `result[i] = " # formula #
      "` after broadcasting `lhs` and `rhs` to a common shape (ONNX `" #
      onnxName # "`, multidirectional broadcasting).\n\n" # [{
    Constraints:
    - (C1) the shapes of `lhs` and `rhs` broadcast: aligned from the last
      dimension, each pair of sizes is equal or one of them is 1.
    - (C2) `lhs` and `rhs` have the same element type.
    - (C3) the result has the broadcast shape.
  }];
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs !if(resultIsBool, QGraph_BoolTensor, operandType):$result);
  // Integer and i1 constants of at most 4096 elements fold (shape arithmetic).
  let hasFolder = 1;
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Whether the result element type is i1 regardless of the operands.
    static constexpr bool kResultIsBool = }] # !if(resultIsBool, "true", "false") # [{;
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

def QGraph_NegOp : QGraph_UnaryOp<"neg", QGraph_NumericTensor, "Neg", "-input[i]"> {
  let hasFolder = 1;
}
def QGraph_SqrtOp : QGraph_UnaryOp<"sqrt", QGraph_FloatTensor, "Sqrt", "sqrt(input[i])">;
def QGraph_ReciprocalOp : QGraph_UnaryOp<"reciprocal", QGraph_FloatTensor, "Reciprocal", "1 / input[i]">;
def QGraph_CosOp : QGraph_UnaryOp<"cos", QGraph_FloatTensor, "Cos", "cos(input[i])">;
def QGraph_SinOp : QGraph_UnaryOp<"sin", QGraph_FloatTensor, "Sin", "sin(input[i])">;
def QGraph_SigmoidOp : QGraph_UnaryOp<"sigmoid", QGraph_FloatTensor, "Sigmoid", "1 / (1 + exp(-input[i]))">;
def QGraph_TanhOp : QGraph_UnaryOp<"tanh", QGraph_FloatTensor, "Tanh", "tanh(input[i])">;
def QGraph_ErfOp : QGraph_UnaryOp<"erf", QGraph_FloatTensor, "Erf", "erf(input[i])">;
def QGraph_ExpOp : QGraph_UnaryOp<"exp", QGraph_FloatTensor, "Exp", "exp(input[i])">;
def QGraph_LogOp : QGraph_UnaryOp<"log", QGraph_FloatTensor, "Log", "log(input[i])">;
def QGraph_NotOp : QGraph_UnaryOp<"not", QGraph_BoolTensor, "Not", "!input[i]"> {
  let hasFolder = 1;
}
def QGraph_IdentityOp : QGraph_UnaryOp<"identity", QGraph_AnyTensor, "Identity",
    "input[i]; also the inference form of ONNX `Dropout`"> {
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary
//===----------------------------------------------------------------------===//

def QGraph_AddOp : QGraph_BinaryOp<"add", QGraph_NumericTensor, "Add", "lhs[i] + rhs[i]", 0, [Commutative]>;
def QGraph_SubOp : QGraph_BinaryOp<"sub", QGraph_NumericTensor, "Sub", "lhs[i] - rhs[i]">;
def QGraph_MulOp : QGraph_BinaryOp<"mul", QGraph_NumericTensor, "Mul", "lhs[i] * rhs[i]", 0, [Commutative]>;
def QGraph_DivOp : QGraph_BinaryOp<"div", QGraph_NumericTensor, "Div",
    "lhs[i] / rhs[i] (integer division truncates toward zero)">;
def QGraph_PowOp : QGraph_BinaryOp<"pow", QGraph_FloatTensor, "Pow", "pow(lhs[i], rhs[i])">;
def QGraph_MaxOp : QGraph_BinaryOp<"max", QGraph_NumericTensor, "Max",
    "max(lhs[i], rhs[i]) (the importer chains variadic Max)", 0, [Commutative]>;
def QGraph_MinOp : QGraph_BinaryOp<"min", QGraph_NumericTensor, "Min",
    "min(lhs[i], rhs[i]) (the importer chains variadic Min)", 0, [Commutative]>;
def QGraph_AndOp : QGraph_BinaryOp<"and", QGraph_BoolTensor, "And", "lhs[i] && rhs[i]", 1, [Commutative]>;
def QGraph_OrOp : QGraph_BinaryOp<"or", QGraph_BoolTensor, "Or", "lhs[i] || rhs[i]", 1, [Commutative]>;
def QGraph_EqualOp : QGraph_BinaryOp<"equal", QGraph_NumericTensor, "Equal", "lhs[i] == rhs[i]", 1, [Commutative]>;
def QGraph_LessOp : QGraph_BinaryOp<"less", QGraph_NumericTensor, "Less", "lhs[i] < rhs[i]", 1>;
def QGraph_LessOrEqualOp : QGraph_BinaryOp<"less_or_equal", QGraph_NumericTensor, "LessOrEqual", "lhs[i] <= rhs[i]", 1>;
def QGraph_GreaterOp : QGraph_BinaryOp<"greater", QGraph_NumericTensor, "Greater", "lhs[i] > rhs[i]", 1>;
def QGraph_GreaterOrEqualOp : QGraph_BinaryOp<"greater_or_equal", QGraph_NumericTensor, "GreaterOrEqual", "lhs[i] >= rhs[i]", 1>;

def QGraph_WhereOp : QGraph_Op<"where", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Elementwise select with broadcasting";
  let description = [{
    `result[i] = condition[i] ? on_true[i] : on_false[i]` after broadcasting
    all three operands to a common shape (ONNX `Where`).

    Constraints:
    - (C1) the three shapes broadcast together.
    - (C2) `on_true` and `on_false` have the same element type.
    - (C3) the result has the broadcast shape and that element type.
  }];
  let arguments = (ins QGraph_BoolTensor:$condition, QGraph_AnyTensor:$on_true,
                       QGraph_AnyTensor:$on_false);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def QGraph_CastOp : QGraph_Op<"cast", [Pure]> {
  let summary = "Elementwise element-type conversion";
  let description = [{
    Converts every element to the result element type (ONNX `Cast`):
    float to integer truncates toward zero, integer to float rounds to
    nearest even, any nonzero value to i1 is true, i1 to a number is 0 or 1.

    Constraints:
    - (C1) the result has the operand's shape.
  }];
  let arguments = (ins QGraph_AnyTensor:$input);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def QGraph_MatMulOp : QGraph_Op<"matmul", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Batched matrix product with numpy semantics";
  let description = [{
    ONNX `MatMul` (numpy `matmul`): the last two dimensions multiply
    (`[..., M, K] x [..., K, N] -> [..., M, N]`), leading dimensions
    broadcast. A rank-1 `lhs` is read as `[1, K]` and a rank-1 `rhs` as
    `[K, 1]`, and the added dimension is removed from the result.

    Constraints:
    - (C1) both operands have rank >= 1 and the same element type.
    - (C2) the contraction sizes are equal (or dynamic).
    - (C3) the batch dimensions broadcast.

    ```mlir
    %y = qgraph.matmul %x, %w : (tensor<?x?x384xf32>, tensor<384x1152xf32>) -> tensor<?x?x1152xf32>
    ```
  }];
  let arguments = (ins QGraph_NumericTensor:$lhs, QGraph_NumericTensor:$rhs);
  let results = (outs QGraph_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def QGraph_GemmOp : QGraph_Op<"gemm", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "General matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    ONNX `Gemm`: `result = alpha * A' * B' + beta * C`, where `A' = A^T` if
    `trans_a` else `A`, likewise `B'`; `C` is optional and broadcasts to
    `[M, N]`.

    Constraints:
    - (C1) `a` and `b` are rank 2 with equal element types.
    - (C2) the contraction sizes of `A'` and `B'` are equal.
    - (C3) `c`, when present, broadcasts to `[M, N]`.
  }];
  let arguments = (ins QGraph_FloatTensor:$a, QGraph_FloatTensor:$b,
                       Optional<QGraph_FloatTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs QGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Normalization and activation
//===----------------------------------------------------------------------===//

def QGraph_SoftmaxOp : QGraph_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "Softmax along one axis";
  let description = [{
    ONNX `Softmax` (opset >= 13): `exp(x - max(x)) / sum(exp(x - max(x)))`
    along `axis`.

    Constraints:
    - (C1) `-rank <= axis < rank`.
  }];
  let arguments = (ins QGraph_FloatTensor:$input,
                       DefaultValuedAttr<SI64Attr, "-1">:$axis);
  let results = (outs QGraph_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def QGraph_LayerNormOp : QGraph_Op<"layer_norm", [Pure]> {
  let summary = "Layer normalization over the trailing axes";
  let description = [{
    ONNX `LayerNormalization`: normalizes over the dimensions `axis..rank-1`:
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with `var` the
    biased variance. Only the first ONNX output is modelled.

    Constraints:
    - (C1) `-rank <= axis < rank`.
    - (C2) `scale` (and `bias`) broadcast to the normalized shape
      `dims(input)[axis:]` and have the input's element type.
  }];
  let arguments = (ins QGraph_FloatTensor:$input, QGraph_FloatTensor:$scale,
                       Optional<QGraph_FloatTensor>:$bias,
                       DefaultValuedAttr<SI64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs QGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QGraph_RMSNormOp : QGraph_Op<"rms_norm", [Pure]> {
  let summary = "Root-mean-square normalization over the trailing axes";
  let description = [{
    ONNX `RMSNormalization` (opset 23) and `SimplifiedLayerNormalization`
    (com.microsoft): `x / sqrt(mean(x^2 over axis..rank-1) + epsilon) * scale`.

    Constraints:
    - (C1) `-rank <= axis < rank`.
    - (C2) `scale` broadcasts to the normalized shape and has the input's
      element type.
  }];
  let arguments = (ins QGraph_FloatTensor:$input, QGraph_FloatTensor:$scale,
                       DefaultValuedAttr<SI64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs QGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class QGraph_ReduceOp<string mnemonic, string onnxName, string what>
    : QGraph_Op<mnemonic, [Pure]> {
  let summary = "Reduces with " # what # " over the given axes";
  let description = "ONNX `" # onnxName # "` (opset >= 18 form, axes as an " #
    "optional operand): reduces `input` with " # what # " over `axes` " # [{
    (negative values count from the back). Without `axes` all dimensions are
    reduced, unless `noop_with_empty_axes` is set, in which case the op is
    the identity. With `keepdims` the reduced dimensions stay with size 1.

    Constraints:
    - (C1) `axes`, when present, is a rank-1 tensor.
    - (C2) when `axes` is a constant, every value lies in `[-rank, rank)`,
      and the values are distinct.
    - (C3) the result rank is `rank` with `keepdims`, else `rank` minus the
      number of reduced axes (checked when `axes` is a constant).
  }];
  let arguments = (ins QGraph_NumericTensor:$input, Optional<QGraph_I64Tensor>:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs QGraph_NumericTensor:$result);
  let assemblyFormat = [{
    $input (`,` $axes^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QGraph_ReduceMeanOp : QGraph_ReduceOp<"reduce_mean", "ReduceMean", "the mean">;
def QGraph_ReduceSumOp : QGraph_ReduceOp<"reduce_sum", "ReduceSum", "the sum">;
def QGraph_ReduceMaxOp : QGraph_ReduceOp<"reduce_max", "ReduceMax", "the maximum">;

def QGraph_CumSumOp : QGraph_Op<"cumsum", [Pure]> {
  let summary = "Cumulative sum along an axis";
  let description = [{
    ONNX `CumSum`: running sums along the axis given by the scalar `axis`
    operand; `exclusive` leaves out the current element, `reverse` runs from
    the end.

    Constraints:
    - (C1) `axis` is a rank-0 or rank-1 tensor with one element.
    - (C2) the result has the input's type.
  }];
  let arguments = (ins QGraph_NumericTensor:$input, QGraph_IndexTensor:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs QGraph_NumericTensor:$result);
  let assemblyFormat = [{
    $input `,` $axis attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def QGraph_ShapeOp : QGraph_Op<"shape", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "The shape of a tensor as a 1-D i64 tensor";
  let description = [{
    ONNX `Shape` (opset 15): the sizes of dimensions `[start, end)` of
    `input` (negative values count from the back; both are clamped to
    `[0, rank]`).

    Constraints:
    - (C1) the result is `tensor<Nxi64>` with `N = max(0, end - start)`
      after clamping.
  }];
  let arguments = (ins QGraph_AnyTensor:$input,
                       DefaultValuedAttr<SI64Attr, "0">:$start,
                       OptionalAttr<SI64Attr>:$end);
  let results = (outs QGraph_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QGraph_ReshapeOp : QGraph_Op<"reshape", [Pure]> {
  let summary = "Reshape to a shape given as a tensor";
  let description = [{
    ONNX `Reshape`: `shape` holds the new sizes; `0` copies the input's size
    at that position (unless `allowzero`), `-1` is inferred from the element
    count.

    Constraints:
    - (C1) `shape` is a rank-1 tensor, and the result rank equals its static
      size.
    - (C2) at most one `-1` in a constant `shape`.
    - (C3) with static shapes, the element counts of input and result agree.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, QGraph_I64Tensor:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $shape attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def QGraph_TransposeOp : QGraph_Op<"transpose", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Permute dimensions";
  let description = [{
    ONNX `Transpose`: `result.dims[i] = input.dims[perm[i]]`.

    Constraints:
    - (C1) `perm` is a permutation of `[0, rank)`.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QGraph_SqueezeOp : QGraph_Op<"squeeze", [Pure]> {
  let summary = "Remove size-1 dimensions";
  let description = [{
    ONNX `Squeeze` (opset 13): removes the dimensions listed in `axes`, or
    every size-1 dimension when `axes` is absent.

    Constraints:
    - (C1) the result rank is smaller than or equal to the input rank.
    - (C2) with constant `axes`, each axis is in range and its size is 1 or
      dynamic, and the result rank is `rank - len(axes)`.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, Optional<QGraph_I64Tensor>:$axes);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input (`,` $axes^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QGraph_UnsqueezeOp : QGraph_Op<"unsqueeze", [Pure]> {
  let summary = "Insert size-1 dimensions";
  let description = [{
    ONNX `Unsqueeze` (opset 13): inserts a size-1 dimension at each position
    in `axes`, counted in the result (negative values from the back).

    Constraints:
    - (C1) the result rank is `rank + N` for a static `axes` of size N.
    - (C2) with constant `axes`, the values are distinct and in range, and
      the result has size 1 at each of them.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, QGraph_I64Tensor:$axes);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $axes attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QGraph_ConcatOp : QGraph_Op<"concat", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Concatenate along an axis";
  let description = [{
    ONNX `Concat`.

    Constraints:
    - (C1) at least one input; all inputs have the same rank and element
      type.
    - (C2) `-rank <= axis < rank`.
    - (C3) all sizes other than `axis` agree (dynamic sizes are compatible).
  }];
  let arguments = (ins Variadic<QGraph_AnyTensor>:$inputs, SI64Attr:$axis);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def QGraph_SplitOp : QGraph_Op<"split", [Pure]> {
  let summary = "Split along an axis";
  let description = [{
    ONNX `Split` (opset 18): splits `input` along `axis` into the sizes in
    `split`, or into `num_outputs` equal parts (the last one smaller).

    Constraints:
    - (C1) `-rank <= axis < rank`; every result has the input's rank and
      element type.
    - (C2) static result sizes along `axis` sum to the static input size.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, Optional<QGraph_I64Tensor>:$split,
                       SI64Attr:$axis);
  let results = (outs Variadic<QGraph_AnyTensor>:$results);
  let assemblyFormat = [{
    $input (`,` $split^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QGraph_ExpandOp : QGraph_Op<"expand", [Pure]> {
  let summary = "Broadcast to a shape given as a tensor";
  let description = [{
    ONNX `Expand`: broadcasts `input` with the shape in `shape`
    (bidirectionally, so a `1` in `shape` keeps the input's size).

    Constraints:
    - (C1) `shape` is a rank-1 tensor; the result rank is the larger of the
      input rank and its static size.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, QGraph_I64Tensor:$shape);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $shape attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QGraph_SliceOp : QGraph_Op<"slice", [Pure, AttrSizedOperandSegments]> {
  let summary = "Strided slice with tensor bounds";
  let description = [{
    ONNX `Slice` (opset 13): for each listed axis, takes
    `start, start+step, ...` up to `end` (exclusive), with ONNX clamping of
    out-of-range and negative bounds. Axes default to `[0, len(starts))`,
    steps to 1.

    Constraints:
    - (C1) `starts`, `ends` (and `axes`, `steps`) are rank-1 with the same
      static size.
    - (C2) the result has the input's rank and element type.
    - (C3) constant `steps` contain no zero.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, QGraph_IndexTensor:$starts,
                       QGraph_IndexTensor:$ends, Optional<QGraph_IndexTensor>:$axes,
                       Optional<QGraph_IndexTensor>:$steps);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $starts `,` $ends (`axes` $axes^)? (`steps` $steps^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QGraph_GatherOp : QGraph_Op<"gather", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Gather slices along an axis";
  let description = [{
    ONNX `Gather`: `result[i_0..i_{a-1}, j..., i_{a+1}...] =
    input[i_0..i_{a-1}, indices[j...], i_{a+1}...]`; negative indices count
    from the back. The result shape is
    `dims(input)[:axis] ++ dims(indices) ++ dims(input)[axis+1:]`.

    Constraints:
    - (C1) `input` has rank >= 1 and `-rank <= axis < rank`.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, QGraph_IndexTensor:$indices,
                       DefaultValuedAttr<SI64Attr, "0">:$axis);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def QGraph_GatherNDOp : QGraph_Op<"gather_nd", [Pure, InferTypeOpAdaptorWithIsCompatible]> {
  let summary = "Gather with N-dimensional indices";
  let description = [{
    ONNX `GatherND`: the last dimension of `indices` (size `r`) indexes the
    first `r` dimensions of `input` after `batch_dims` shared leading
    dimensions. Result shape:
    `dims(indices)[:-1] ++ dims(input)[batch_dims + r:]`.

    Constraints:
    - (C1) `indices` has rank >= 1 and a static last dimension `r`.
    - (C2) `batch_dims + r <= rank(input)` and `batch_dims < rank(indices)`.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, QGraph_I64Tensor:$indices,
                       DefaultValuedAttr<SI64Attr, "0">:$batch_dims);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def QGraph_RangeOp : QGraph_Op<"range", [Pure]> {
  let summary = "Arithmetic sequence";
  let description = [{
    ONNX `Range`: `[start, start + delta, ...)` stopping before `limit`;
    `max(ceil((limit - start) / delta), 0)` elements.

    Constraints:
    - (C1) `start`, `limit` and `delta` are scalars (rank 0) of the result's
      element type; the result is rank 1.
  }];
  let arguments = (ins QGraph_NumericTensor:$start, QGraph_NumericTensor:$limit,
                       QGraph_NumericTensor:$delta);
  let results = (outs QGraph_NumericTensor:$result);
  let assemblyFormat = [{
    $start `,` $limit `,` $delta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QGraph_ConstantOfShapeOp : QGraph_Op<"constant_of_shape", [Pure]> {
  let summary = "A tensor of the given shape filled with one value";
  let description = [{
    ONNX `ConstantOfShape`: `value` is a one-element tensor attribute; the
    result has its element type and the shape held in `shape`.

    Constraints:
    - (C1) `value` has exactly one element and the result's element type.
    - (C2) `shape` is rank 1 and the result rank equals its static size.
  }];
  let arguments = (ins QGraph_I64Tensor:$shape, ElementsAttr:$value);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $shape `,` $value attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QGraph_TriluOp : QGraph_Op<"trilu", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Upper or lower triangle of the trailing matrices";
  let description = [{
    ONNX `Trilu`: keeps elements with `j - i >= k` (`upper`) or
    `j - i <= k` (lower) in the last two dimensions, zeroing the rest.

    Constraints:
    - (C1) `input` has rank >= 2; `k`, when present, is a scalar.
  }];
  let arguments = (ins QGraph_AnyTensor:$input, Optional<QGraph_I64Tensor>:$k,
                       DefaultValuedAttr<BoolAttr, "true">:$upper);
  let results = (outs QGraph_AnyTensor:$result);
  let assemblyFormat = [{
    $input (`,` $k^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantized forms as exported
//===----------------------------------------------------------------------===//

def QGraph_DequantizeLinearOp : QGraph_Op<"dequantize_linear", [Pure]> {
  let summary = "Dequantize, per tensor, per axis or blocked";
  let description = [{
    ONNX `DequantizeLinear` (opset 21):
    `result = (input - zero_point) * scale`, computed in f32 and returned in
    the scale's element type. With `block_size = 0` the scale is a scalar
    (per tensor) or 1-D along `axis` (per axis). With `block_size = B > 0`
    the scale has the input's shape except `dims[axis] = ceil(d / B)`, and
    element `i` along `axis` uses scale index `floor(i / B)`. A missing
    `zero_point` is 0. Integer inputs may be i4/ui4/i8/ui8/i16/ui16/i32.

    Constraints:
    - (C1) `zero_point`, when present, has the input's element type and the
      scale's shape.
    - (C2) `-rank <= axis < rank` when the scale is not a scalar.
    - (C3) blocked: the scale has the input's rank and
      `dims(scale)[axis] == ceil(dims(input)[axis] / block_size)`, the other
      dimensions equal.
    - (C4) the result has the input's shape and the scale's element type.
  }];
  let arguments = (ins RankedTensorOf<[AnyInteger]>:$input, QGraph_FloatTensor:$scale,
                       Optional<RankedTensorOf<[AnyInteger]>>:$zero_point,
                       DefaultValuedAttr<SI64Attr, "1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$block_size);
  let results = (outs QGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QGraph_MatMulNBitsOp : QGraph_Op<"matmul_nbits", [Pure, AttrSizedOperandSegments]> {
  let summary = "com.microsoft MatMulNBits: activation times block-quantized weight";
  let description = [{
    onnxruntime's `com.microsoft.MatMulNBits`: `result = a x dequant(b)^T`
    where `b` holds `N` rows of `K` quantized values, `bits` each, in
    `ceil(K / block_size)` blocks of `block_size * bits / 8` bytes. Codes are
    packed little-endian inside a byte (element `2j` in the low nibble for
    4 bits). `dequant(b)[n, k] = (q[n, k] - zp[n, k / block_size]) *
    scales[n, k / block_size]`; the default zero point is `2^(bits-1)`.
    `zero_points` is either packed `uint8` codes (same packing as `b`) or
    floats of the scale type (then used as-is: `(q - zp) * scale` with a
    float `zp`). `g_idx`, when present, replaces `k / block_size`.

    Constraints:
    - (C1) `bits` is in [2, 8]; `block_size` is a power of two >= 16.
    - (C2) `b` is `[N, ceil(K / block_size), block_size * bits / 8]` ui8.
    - (C3) `scales` has `N * ceil(K / block_size)` elements.
    - (C4) the last dimension of `a` is `K`; the result is `a`'s shape with
      the last dimension `N`.
  }];
  let arguments = (ins QGraph_FloatTensor:$a, RankedTensorOf<[UI8, I8]>:$b,
                       QGraph_FloatTensor:$scales,
                       Optional<QGraph_AnyTensor>:$zero_points,
                       Optional<QGraph_IndexTensor>:$g_idx,
                       Optional<QGraph_FloatTensor>:$bias,
                       I64Attr:$K, I64Attr:$N,
                       DefaultValuedAttr<I64Attr, "4">:$bits,
                       I64Attr:$block_size);
  let results = (outs QGraph_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b `,` $scales (`zero_points` $zero_points^)? (`g_idx` $g_idx^)?
    (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QM_DIALECT_QGRAPH_IR_QGRAPHOPS_TD
