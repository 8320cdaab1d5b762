//===- KernelsScalar.cpp - baseline x86-64 / portable kernels -------------===//
//
// Part of quant-mlir. The fallback kernel set: portable loops compiled for
// the baseline target.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

namespace qmrt {
namespace cpu {
namespace {
#include "GenericKernels.inc"

enum { ScalarMR = 4, ScalarNR = 8 };
const KernelSet kScalar = {"scalar",       ScalarMR,
                           ScalarNR,       ukernelGeneric<ScalarMR, ScalarNR>,
                           dequantGeneric, qgemvPrepareNone, qgemvReleaseNone, qgemvGeneric,
                           sgemvGeneric};
} // namespace

const KernelSet *getScalarKernels() { return &kScalar; }

} // namespace cpu
} // namespace qmrt
