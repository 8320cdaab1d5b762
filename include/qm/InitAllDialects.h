//===- InitAllDialects.h - register quant-mlir dialects ---------*- C++ -*-===//
//
// Part of quant-mlir. One call that registers every dialect of the project,
// for tools and for other MLIR compilers that link the package.
//
//===----------------------------------------------------------------------===//

#ifndef QM_INITALLDIALECTS_H
#define QM_INITALLDIALECTS_H

#include "qm/Dialect/QGraph/IR/QGraph.h"
#include "qm/Dialect/QWeight/IR/QWeight.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir::qm {
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<qgraph::QGraphDialect, qweight::QWeightDialect>();
}
} // namespace mlir::qm

#endif // QM_INITALLDIALECTS_H
