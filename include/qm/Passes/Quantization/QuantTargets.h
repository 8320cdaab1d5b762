//===- QuantTargets.h - quantizable matmuls, layers and config ---*- C++ -*-===//
//
// Part of quant-mlir. Finds the matmuls whose weights the quantization
// passes rewrite, names them by decoder layer and role, applies per-layer
// overrides from a config file, and rewrites them to qweight ops.
//
// Naming. A target has a `tag` (the importer's NameLoc, e.g.
// `node_linear_12`, the same string the observers and the statistics use)
// and, when the model has the decoder-layer shape, a structural `name`:
// `layers.<l>.self_attn.{q,k,v,o}_proj`, `layers.<l>.mlp.{gate,up,down}_proj`,
// or `lm_head`. Layers are found by data flow, in program order: three
// matmuls sharing an input (q, k, v), one (o), two sharing an input (gate,
// up), one (down); anything else leaves names empty.
//
// Config file: one override per line, `#` starts a comment:
//
//   <pattern> [bits=<2|3|4|8>] [group-size=<-1|n>] [sym|asym]
//             [act-order=<0|1>] [skip]
//
// `<pattern>` is a glob (`*`, `?`, `[...]`) matched against the structural
// name and against the tag; later lines win. Examples:
//
//   layers.0.*          bits=8
//   *.mlp.down_proj     group-size=64
//   *.self_attn.q_proj  skip
//   node_linear_55      bits=4 asym
//
// A pattern that matches no quantizable matmul is an error naming it.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_QUANTTARGETS_H
#define QM_PASSES_QUANTIZATION_QUANTTARGETS_H

#include "qm/Dialect/QGraph/IR/QGraph.h"
#include "qm/Dialect/QWeight/IR/QWeight.h"
#include "qm/Passes/Quantization/Solvers/Quantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::qm {

class CalibrationStats;

/// Role of a matmul inside a decoder layer.
enum class LinearRole { Unknown, Q, K, V, O, Gate, Up, Down, Head };
/// `q_proj`, ..., `lm_head`, or "" for Unknown.
StringRef getRoleName(LinearRole role);

/// One matmul with a constant weight.
struct QuantTarget {
  qgraph::MatMulOp matmul;
  /// The constant holding the weight: K x N, or N x K when `transposed`
  /// (the weight is a 2-D transpose of it, like a tied output head).
  arith::ConstantOp weight;
  bool transposed = false;
  int64_t k = 0, n = 0;
  std::string tag;
  /// Structural name (see above), or "" when the model has no layer shape.
  std::string name;
  int64_t layer = -1;
  LinearRole role = LinearRole::Unknown;
  bool isHead = false;
  /// Index of the true-sequential stage inside the layer: 0 = q, k, v;
  /// 1 = o; 2 = gate, up; 3 = down (-1 when unknown).
  int stage = -1;
  /// Per-target quantizer settings after the config overrides.
  solvers::QuantizerConfig config;
  bool skip = false;
  /// Set by collectQuantTargets: to be quantized in this call (not skipped,
  /// the head only when asked for, matching `only`).
  bool selected = false;

  /// The name used in messages and for matching: name, else tag.
  StringRef displayName() const { return name.empty() ? tag : name; }
};

/// The constant behind `matmul`'s right operand: directly, through
/// qgraph.identity, or through one 2-D qgraph.transpose (then `transposed`
/// is set and the constant is N x K). Null when the weight is not a
/// statically shaped 2-D float constant.
arith::ConstantOp findWeightConstant(qgraph::MatMulOp matmul, bool &transposed);

/// Finds every qgraph.matmul of `module` whose right operand is a constant
/// 2-D float weight (directly, through qgraph.identity, or through a 2-D
/// qgraph.transpose), in program order, and names them. The output head
/// (N equal to the row count of a gathered constant table, or a result
/// that reaches the function's return) is marked `isHead`. Matmuls already
/// quantized (qweight.matmul) keep their place in the layer structure, so a
/// name is the same before and after earlier layers are quantized; their
/// names and tags go to `quantized` when given.
std::vector<QuantTarget>
findQuantTargets(ModuleOp module,
                 std::vector<std::string> *quantized = nullptr);

/// Options shared by the weight quantization passes.
struct WeightQuantOptions {
  solvers::QuantizerConfig config;
  bool gptq = false;
  bool includeHead = false;
  /// Also quantize gathered constant tables (embeddings), by RTN with the
  /// global settings: `qgraph.gather %E` becomes `qgraph.gather (transpose
  /// (qweight.dequantize %w))`, %w holding Eᵀ (K = hidden, N = vocabulary).
  /// A table tied to a quantized head reuses the head's weight.
  bool includeEmbeddings = false;
  /// Path of the override file ("" for none).
  std::string configFile;
  qweight::Layout layout = qweight::Layout::unpacked;
  /// Store new constants as dense_resource blobs (else inline dense<>).
  bool useResources = true;
  /// Only targets whose name or tag matches one of these globs (all when
  /// empty); a driver uses this for sequential quantization.
  std::vector<std::string> only;
  /// Sequential calibration keeps every `rowSampleEvery`-th input row of
  /// each matmul (at most `rowSampleMax`) for AWQ's block-output error
  /// (0: none).
  int64_t rowSampleEvery = 0, rowSampleMax = 0;
};

/// Quantizes the weights of `module` as `options` say: RTN, or GPTQ with
/// the Hessians in `stats` (keyed by tag). Emits errors on `module` and
/// fails on bad options, config files or missing statistics; emits a
/// warning for every Hessian that needed more damping. Returns the number
/// of rewritten matmuls.
/// The targets of `module` with `options.config`, the override file
/// applied, and `selected` marked. Fails (with an error on the module) on a
/// bad override file or `only` pattern.
FailureOr<std::vector<QuantTarget>>
collectQuantTargets(ModuleOp module, const WeightQuantOptions &options);

FailureOr<int64_t> quantizeWeights(ModuleOp module,
                                   const WeightQuantOptions &options,
                                   const CalibrationStats *stats);

/// Reads the weight of `target` as an N x K row-major f32 matrix (emits an
/// error on the weight's constant and fails when the data is unavailable).
FailureOr<std::vector<float>> readTargetWeight(const QuantTarget &target);

/// Applies the config file at `path` to `targets` (sets config and skip).
/// A pattern must match a target, or one of the names or tags in
/// `quantized` (linears an earlier stage quantized already).
LogicalResult applyConfigFile(ModuleOp module, StringRef path,
                              std::vector<QuantTarget> &targets,
                              ArrayRef<std::string> quantized = {});

} // namespace mlir::qm

#endif // QM_PASSES_QUANTIZATION_QUANTTARGETS_H
