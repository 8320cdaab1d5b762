//===- LayerSegments.h - decoder layers as separate functions ----*- C++ -*-===//
//
// Part of quant-mlir. Sequential calibration runs one decoder layer at a
// time on cached hidden states instead of the whole model once per layer.
// This finds the residual-stream values between decoder layers of a qgraph
// model and extracts the computation between two of them as a function of
// its own.
//
// A boundary is found from the quantization targets alone (no op names):
// between the last target matmul of layer l-1 and the first of layer l, the
// first program point where exactly one value that depends on a target is
// live; that value is the residual stream h_l. Values that depend on no
// target (masks, rotary tables, position ids) are recomputed from the
// model's inputs in every segment, so a segment is the exact backward slice
// of its output and computes the same function as the whole model.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_LAYERSEGMENTS_H
#define QM_PASSES_QUANTIZATION_LAYERSEGMENTS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace mlir::qm {

/// The attribute that marks the op defining boundary h_l (value: l, and the
/// result index in "qm.layer_boundary_result").
constexpr llvm::StringLiteral kLayerBoundaryAttr = "qm.layer_boundary";
constexpr llvm::StringLiteral kLayerBoundaryResultAttr =
    "qm.layer_boundary_result";

struct LayerBoundaries {
  /// Decoder layers (L); boundaries 1..L-1 always exist.
  int64_t numLayers = 0;
  /// Whether h_L (after the last layer, before the final norm and head)
  /// was found, so that the suffix is its own segment L.
  bool hasSuffix = false;
};

/// Finds the layer boundaries of the single public function of `module`
/// (still unquantized) and marks their defining ops. Fails, with the reason
/// in `why`, for a model without layered targets or whose layers do not
/// split at one value.
FailureOr<LayerBoundaries> markLayerBoundaries(ModuleOp module,
                                               std::string &why);

/// Removes the marks of markLayerBoundaries.
void clearLayerBoundaries(ModuleOp module);

/// A new module (same context) whose public function `main` computes
/// segment `layer` of the marked `module`: the original arguments plus
/// h_layer (for layer > 0) to h_{layer+1} or, for the last segment, the
/// original results. Constants are cloned (dense_resource handles are
/// shared, not copied). Fails when the segment would read another
/// boundary than its own input.
FailureOr<OwningOpRef<ModuleOp>>
extractLayerSegment(ModuleOp module, const LayerBoundaries &boundaries,
                    int64_t layer, std::string &why);

} // namespace mlir::qm

#endif // QM_PASSES_QUANTIZATION_LAYERSEGMENTS_H
