#!/bin/bash
# Runs on the GPU machine, from a folder holding bin/, lib/, gen/ and
# bench/ (see NOTES.md): correctness suite, then the benchmark.
#   run_on_device.sh <dir> <outdir> [full|quick|check|bench]
# full = check + bench (may need two calls' time: use check, then bench).
set -o pipefail
D=$1; OUT=$2; MODE=${3:-full}
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee $OUT/device.txt
CUBIN=$D/gen/dqgemm_sm_90.cubin; MAN=$D/gen/manifest.txt
if [ "$MODE" != bench ]; then
  echo "== correctness =="
  Q=; [ "$MODE" = quick ] && Q=--quick
  $D/bin/qm-dqgemm-check $CUBIN $MAN $Q > $OUT/check.log 2>&1; echo "check exit $?"
  grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -40
fi
if [ "$MODE" != check ]; then
  echo "== benchmark =="
  EXTRA=; [ "$MODE" = quick ] && EXTRA="--shapes 4096:4096,14336:4096 --m 1,16,128"
  python3 $D/bench/bench.py --ours-bin $D/bin/qm-dqgemm-bench --cubin $CUBIN \
    --manifest $MAN --out $OUT/bench.json $EXTRA 2>&1 | tee $OUT/bench.log
fi
