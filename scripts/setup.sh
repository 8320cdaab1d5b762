#!/usr/bin/env bash
# Installs what is missing (Debian packages, Python packages), then configures
# and builds quant-mlir into ${QM_BUILD_DIR:-build}. Sourced or run by the
# README's two commands; safe to run again (it only does what is missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QM_BUILD_DIR:-$ROOT/build}"

APT_PKGS=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx python3-numpy
  libopenblas-dev liblapacke-dev ninja-build libzstd-dev libgtest-dev cmake)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >/dev/null
fi

PY="${QM_PYTHON:-$(command -v python3)}"
if ! "$PY" -c "import onnx, onnxruntime, numpy, tokenizers" >/dev/null 2>&1; then
  echo "[setup] installing Python packages (onnx onnxruntime numpy tokenizers)"
  "$PY" -m pip install -q onnx onnxruntime numpy tokenizers 2>&1 | grep -v "WARNING: Running pip as" || true
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "[setup] configuring $BUILD"
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release -DLLVM_USE_LINKER=lld \
    -DQM_PYTHON="$PY" -DQM_SHARED_DIR="$(realpath -m "$ROOT/../shared")" >/dev/null
fi
echo "[setup] building (ninja -C $BUILD)"
ninja -C "$BUILD" ${QM_BUILD_TARGETS:-all QMUnitTests}
