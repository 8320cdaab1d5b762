# -*- Python -*-
# lit configuration of the quant-mlir regression tests.

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "QUANT-MLIR"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".py", ".onnxtext", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qm_obj_root, "test")
config.excludes = ["Unit", "lit.cfg.py", "lit.site.cfg.py", "Inputs", "CMakeLists.txt"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.qm_python))
config.substitutions.append(("%shared", config.qm_shared_dir))
config.substitutions.append(("%qm_src", config.qm_src_root))
config.substitutions.append(("%qm_obj", config.qm_obj_root))
config.substitutions.append(("%mlir_dir", config.mlir_dir))
# MLIR's .td files, for tests that run mlir-tblgen on ours.
config.substitutions.append(
    ("%mlir_include", os.path.join(os.path.dirname(config.llvm_tools_dir), "include")))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%cc", config.c_compiler))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.qm_tools_dir, config.llvm_tools_dir]
tools = ["quant-opt", "quant-translate", "quant-compile", "quant-run",
         "quant-quantize", "qmrt-tokenize"]
built_tools = [t for t in tools if os.path.exists(os.path.join(config.qm_tools_dir, t))]
llvm_config.add_tool_substitutions(built_tools, tool_dirs)
# Each built tool is a feature (REQUIRES: quant-translate).
for t in built_tools:
    config.available_features.add(t)

# The CUDA runtime's offline planner (built where the CUDA headers exist).
if os.path.exists(os.path.join(config.qm_tools_dir, "qm-dqgemm-plan")):
    config.available_features.add("qm-dqgemm-plan")

# Features tests can REQUIRES: on.
if os.path.isdir(config.qm_shared_dir):
    config.available_features.add("shared-models")
if shutil.which("nvidia-smi"):
    try:
        if subprocess.run(["nvidia-smi", "-L"], capture_output=True,
                          timeout=20).returncode == 0:
            config.available_features.add("cuda")
    except Exception:
        pass
if shutil.which("ptxas") or os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
try:
    if subprocess.run([config.qm_python, "-c", "import onnx, numpy"],
                      capture_output=True, timeout=60).returncode == 0:
        config.available_features.add("onnx-python")
    if subprocess.run([config.qm_python, "-c", "import onnxruntime"],
                      capture_output=True, timeout=60).returncode == 0:
        config.available_features.add("onnxruntime")
    if subprocess.run([config.qm_python, "-c", "import tokenizers"],
                      capture_output=True, timeout=60).returncode == 0:
        config.available_features.add("tokenizers")
except Exception:
    pass
