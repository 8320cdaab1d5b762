/*===- QuantMLIR.h - C API of quant-mlir --------------------------*- C -*-===*\
|*                                                                            *|
|* Part of quant-mlir. A small C API over the compiler library, used by the   *|
|* Python bindings (python/quant_mlir) and by embedders that do not want C++: *|
|* import an ONNX model, parse or load MLIR, run pass pipelines (the qgraph   *|
|* and qweight dialects and every qm-* pass are registered), print, write     *|
|* bytecode. Every call that can fail returns NULL or a nonzero status and    *|
|* keeps the diagnostics in the context (qmContextGetError).                  *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QM_C_QUANTMLIR_H
#define QM_C_QUANTMLIR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct QmContext QmContext;
typedef struct QmModule QmModule;

/// A context holding every quant-mlir and upstream dialect.
QmContext *qmContextCreate(void);
void qmContextDestroy(QmContext *ctx);
/// Diagnostics of the last failed call ("" when none); owned by the context.
const char *qmContextGetError(QmContext *ctx);

/// Imports an ONNX model. `pins` is NULL/"" or "name=1x128[;name2=...]".
QmModule *qmImportOnnx(QmContext *ctx, const char *path, const char *pins);
/// Parses MLIR text, or loads a .mlir / .mlirbc file.
QmModule *qmParseModule(QmContext *ctx, const char *text);
QmModule *qmLoadModule(QmContext *ctx, const char *path);
void qmModuleDestroy(QmModule *module);

/// Runs a textual pass pipeline, e.g.
/// "builtin.module(qm-graph-refine-shapes,qm-quant-rtn{bits=4 group-size=128})".
/// Returns 0 on success.
int qmModuleRunPasses(QmModule *module, const char *pipeline);
/// Verifies the module; 0 when valid.
int qmModuleVerify(QmModule *module);
/// The module as text (elements attributes larger than `elideLimit`
/// elements are elided when it is >= 0). Free with qmFreeString.
char *qmModuleToString(QmModule *module, int64_t elideLimit);
/// Writes MLIR bytecode; 0 on success.
int qmModuleWriteBytecode(QmModule *module, const char *path);
/// Counts the operations named `opName` (e.g. "qweight.matmul").
int64_t qmModuleCountOps(QmModule *module, const char *opName);
void qmFreeString(char *str);

#ifdef __cplusplus
}
#endif

#endif /* QM_C_QUANTMLIR_H */
