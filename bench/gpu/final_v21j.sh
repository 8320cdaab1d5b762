#!/bin/bash
# v21j (one call, H100, ~6 min): the final v21 build (padded reduction
# buffer, v21i; the 16-row 8-warp swapped plan on 4096x6144-class shapes at
# M = 9..16): the full correctness suite, a same-call A/B against the v21g
# build (base21/: 7c0cf51) at M = 1..16 (two alternating passes), then
# bench.py on the six shapes at M = 1, 8, 16.
#   exp: carry bin/ lib/ gen/ base21/ bench/
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start
B=$D/bin/qm-dqgemm-bench
S4="4096:4096 4096:6144 14336:4096 4096:28672"
MS="--m 1,2,4,8,9,12,13,16"
for pass in a b; do
  qm_bench_of $D/base21/bin/qm-dqgemm-bench $D/base21/lib $D/base21/gen v21g$pass $S4 $MS
  qm_bench_of $B $D/lib $D/gen v21j$pass $S4 $MS
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl v21g v21j | tee $OUT/ab_summary.txt
date
qm_benchpy --m 1,8,16
date
