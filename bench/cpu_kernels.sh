#!/usr/bin/env bash
# Benchmark of the qmrt CPU kernels (not a test). Usage:
#   bench/cpu_kernels.sh [BUILD_DIR] [OUT_DIR]
# Builds qmrt-cpu-bench, then runs it with 1 thread and with all threads,
# against OpenBLAS forced to its SkylakeX (AVX-512) kernels: OpenBLAS 0.3.21
# falls back to Prescott/Cooperlake kernels on this CPU otherwise. Prints
# the tables and writes OUT_DIR/cpu_kernels_t<N>.json.
set -euo pipefail
build=${1:-build}
out=${2:-$build/bench}
mkdir -p "$out"
ninja -C "$build" -j2 qmrt-cpu-bench >/dev/null
bin="$build/bin/qmrt-cpu-bench"
threads=$(nproc)
for t in 1 "$threads"; do
  echo "=== $t thread(s) ==="
  OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-SkylakeX} \
    "$bin" --threads "$t" --json "$out/cpu_kernels_t$t.json"
  echo
done
echo "JSON: $out/cpu_kernels_t*.json"
