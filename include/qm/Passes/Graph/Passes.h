//===- Passes.h - graph-level passes ----------------------------*- C++ -*-===//
//
// Part of quant-mlir. Shape refinement of imported graphs.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_GRAPH_PASSES_H
#define QM_PASSES_GRAPH_PASSES_H

#include "qm/Dialect/QGraph/IR/QGraph.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qm {

#define GEN_PASS_DECL
#include "qm/Passes/Graph/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qm/Passes/Graph/Passes.h.inc"

/// Options of refineShapes (the pass options of qm-graph-refine-shapes).
struct RefineShapesOptions {
  /// Fold and canonicalize between refinements, up to a fixpoint.
  bool fold = true;
  /// Argument shapes to pin first: {name or index, shape}.
  SmallVector<std::pair<std::string, SmallVector<int64_t>>> pin;
  /// Upper bound on refine + fold rounds.
  int64_t maxIterations = 16;
};

/// Runs qm-graph-refine-shapes on `module` (for tools that drive it without
/// a pass manager). Fails if a pinned argument is unknown or its shape is
/// incompatible, or if the rounds do not converge.
LogicalResult refineShapes(ModuleOp module,
                           const RefineShapesOptions &options = {});

/// Parses `<name-or-index>=<AxBxC>` (e.g. `input_ids=1x128`).
FailureOr<std::pair<std::string, SmallVector<int64_t>>>
parsePinnedShape(StringRef spec);

} // namespace mlir::qm

#endif // QM_PASSES_GRAPH_PASSES_H
