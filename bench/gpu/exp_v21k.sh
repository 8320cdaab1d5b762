#!/bin/bash
# v21k (one call, H100, ~3.5 min): warp-private activation copies as a
# fixed sequence of guarded copies (lane + 32 i) instead of a loop over a
# dynamic count (SASS loop body per chunk: 8-warp 8-row swapped kernel 379
# -> 284 instructions, 16-row 424 -> 347, 16-warp unchanged at 185):
# the quick correctness suite, then the v21j cubin (gen_v21j/) against this
# one with the same runtime, M = 1..16, two alternating passes.
#   exp_v21k.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v21j/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start --quick
B=$D/bin/qm-dqgemm-bench
S4="4096:4096 4096:6144 14336:4096 4096:28672"
MS="--m 1,2,4,8,9,12,13,16"
for pass in a b; do
  qm_bench_of $B $D/lib $D/gen_v21j v21j$pass $S4 $MS
  qm_bench_of $B $D/lib $D/gen v21k$pass $S4 $MS
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl v21j v21k | tee $OUT/ab_summary.txt
date
