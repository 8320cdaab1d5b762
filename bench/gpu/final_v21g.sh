#!/bin/bash
# v21g (H100, two calls): the v21 cubin (warp barriers in the swapped
# streamed kernels of <= 4 k-steps per warp) and the v21 table.
#   final_v21g.sh <carry dir> <outdir> check   (~6 min) the full correctness
#     suite, then the table's plans against the v20 cubin + v20 table
#     (base/: bin/ lib/ gen/ of 4da9546) on the four Llama-3-8B shapes at
#     M = 1..16, two alternating passes
#   final_v21g.sh <carry dir> <outdir> bench   (~3 min) 14336x4096 M = 12, 13
#     alone per build, then bench.py, six shapes at M = 1, 8, 16
#   (carry: bin/ lib/ gen/ bench/ base/{bin,lib,gen})
set -o pipefail
D=$1; OUT=$2; MODE=$3
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
if [ "$MODE" = check ]; then
  qm_start
  qm_count "swapped-kernel" '_sw'
  S4="4096:4096 4096:6144 14336:4096 4096:28672"
  for pass in a b; do
    qm_bench_of $D/base/bin/qm-dqgemm-bench $D/base/lib $D/base/gen v20$pass $S4 --m 1,2,4,8,9,12,13,16
    qm_bench_of $D/bin/qm-dqgemm-bench $D/lib $D/gen v21$pass $S4 --m 1,2,4,8,9,12,13,16
  done
  date
  python3 $D/bench/ab3_summary.py $OUT/ab.jsonl v20 v21 | tee $OUT/ab_summary.txt
else
  qm_device
  # 14336x4096 M = 12 / 13 ran 5-9% slower with the v21 build in the check
  # call, same kernel (identical PTX) and plan: the cells alone, per build,
  # each in its own process.
  for pass in a b; do
    for m in 12 13; do
      qm_bench_of $D/base/bin/qm-dqgemm-bench $D/base/lib $D/base/gen v20$pass 14336:4096 --m $m
      qm_bench_of $D/bin/qm-dqgemm-bench $D/lib $D/gen v21$pass 14336:4096 --m $m
      qm_bench_of $D/bin/qm-dqgemm-bench $D/lib $D/base/gen v21rt$pass 14336:4096 --m $m
    done
  done
  python3 $D/bench/ab3_summary.py $OUT/ab.jsonl v20 v21 v21rt | tee $OUT/ab_summary.txt
  qm_benchpy --m 1,8,16
  date
fi
