"""Python bindings of quant-mlir over its C API (include/qm-c/QuantMLIR.h).

    import quant_mlir as qm
    ctx = qm.Context()
    m = ctx.import_onnx("model.onnx", shapes={"input_ids": (1, 128)})
    m.run("builtin.module(qm-quant-rtn{bits=4 group-size=128})")
    print(m.count("qweight.matmul"))
    m.write_bytecode("model.w4.mlirbc")

The shared library is found through $QUANT_MLIR_LIB, next to this package
(installed layout: <prefix>/lib/libQuantMLIR-C.so with the package in
<prefix>/python/quant_mlir), or in the build tree recorded at build time.
Every failing call raises QuantMLIRError with the compiler's diagnostics.
"""

import ctypes
import os

__all__ = ["Context", "Module", "QuantMLIRError", "library_path"]


class QuantMLIRError(RuntimeError):
    """A compiler call failed; the message holds its diagnostics."""


def _candidates():
    env = os.environ.get("QUANT_MLIR_LIB")
    if env:
        yield env
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, "libQuantMLIR-C.so")
    yield os.path.join(here, "..", "..", "lib", "libQuantMLIR-C.so")
    try:
        from . import _build_config  # written by the build
        yield _build_config.LIBRARY
    except ImportError:
        pass


def library_path():
    for path in _candidates():
        if path and os.path.exists(path):
            return os.path.abspath(path)
    raise QuantMLIRError("libQuantMLIR-C.so not found; build quant-mlir or set QUANT_MLIR_LIB")


_lib = None


def _load():
    global _lib
    if _lib is not None:
        return _lib
    lib = ctypes.CDLL(library_path())
    P, S, I, L = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int64
    sigs = {
        "qmContextCreate": ([], P), "qmContextDestroy": ([P], None),
        "qmContextGetError": ([P], S),
        "qmImportOnnx": ([P, S, S], P), "qmParseModule": ([P, S], P),
        "qmLoadModule": ([P, S], P), "qmModuleDestroy": ([P], None),
        "qmModuleRunPasses": ([P, S], I), "qmModuleVerify": ([P], I),
        "qmModuleToString": ([P, L], P), "qmModuleWriteBytecode": ([P, S], I),
        "qmModuleCountOps": ([P, S], L), "qmFreeString": ([P], None),
    }
    for name, (args, res) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, res
    _lib = lib
    return lib


class Context:
    """Owns an MLIR context with every quant-mlir and upstream dialect."""

    def __init__(self):
        self._lib = _load()
        self._ptr = self._lib.qmContextCreate()

    def __del__(self):
        if getattr(self, "_ptr", None):
            self._lib.qmContextDestroy(self._ptr)
            self._ptr = None

    def _error(self, what):
        msg = self._lib.qmContextGetError(self._ptr).decode(errors="replace")
        return QuantMLIRError("%s: %s" % (what, msg or "failed"))

    def _wrap(self, ptr, what):
        if not ptr:
            raise self._error(what)
        return Module(self, ptr)

    def import_onnx(self, path, shapes=None):
        """Imports an ONNX model; `shapes` pins inputs, e.g. {"input_ids": (1, 128)}."""
        pins = ";".join("%s=%s" % (k, "x".join(str(d) for d in v))
                        for k, v in (shapes or {}).items())
        return self._wrap(self._lib.qmImportOnnx(self._ptr, os.fsencode(path), pins.encode()),
                          "import of %s" % path)

    def parse(self, text):
        return self._wrap(self._lib.qmParseModule(self._ptr, text.encode()), "parse")

    def load(self, path):
        return self._wrap(self._lib.qmLoadModule(self._ptr, os.fsencode(path)), "load of %s" % path)


class Module:
    """An MLIR module owned by a Context."""

    def __init__(self, ctx, ptr):
        self._ctx, self._ptr = ctx, ptr

    def __del__(self):
        if getattr(self, "_ptr", None):
            self._ctx._lib.qmModuleDestroy(self._ptr)
            self._ptr = None

    def run(self, pipeline):
        """Runs a textual pass pipeline (quant-opt's --pass-pipeline syntax)."""
        if self._ctx._lib.qmModuleRunPasses(self._ptr, pipeline.encode()):
            raise self._ctx._error("pipeline %s" % pipeline)
        return self

    def verify(self):
        if self._ctx._lib.qmModuleVerify(self._ptr):
            raise self._ctx._error("verification")
        return self

    def to_string(self, elide=16):
        raw = self._ctx._lib.qmModuleToString(self._ptr, elide)
        try:
            return ctypes.string_at(raw).decode()
        finally:
            self._ctx._lib.qmFreeString(raw)

    __str__ = to_string

    def write_bytecode(self, path):
        if self._ctx._lib.qmModuleWriteBytecode(self._ptr, os.fsencode(path)):
            raise self._ctx._error("writing %s" % path)

    def count(self, op_name):
        """Number of operations named `op_name` (e.g. "qweight.matmul")."""
        return self._ctx._lib.qmModuleCountOps(self._ptr, op_name.encode())

    # Convenience wrappers of the quantization passes.
    def quantize_rtn(self, bits=4, group_size=128, symmetric=False):
        return self.run("builtin.module(qm-quant-rtn{bits=%d group-size=%d symmetric=%d})"
                        % (bits, group_size, int(symmetric)))

    def quantize_gptq(self, stats_file, bits=4, group_size=128, act_order=False):
        return self.run("builtin.module(qm-quant-gptq{stats-file=%s bits=%d group-size=%d act-order=%d})"
                        % (stats_file, bits, group_size, int(act_order)))

    def quantize_awq(self, stats_file, bits=4, group_size=128, gptq=False):
        return self.run("builtin.module(qm-quant-awq{stats-file=%s bits=%d group-size=%d gptq=%d})"
                        % (stats_file, bits, group_size, int(gptq)))
