#!/bin/bash
# v21o (one call, H100, ~3 min): the split-K sum of the counter path with up
# to 4 splits as 8 elements x 4 splits per round (one round of loads where
# a thread has 8 elements, e.g. 16 rows x 128 columns over 256 threads;
# v21n's timelines: the last block of 14336x4096 M = 16 spent up to 6651
# SM cycles summing) against the v21j cubin (gen_v21j/), same runtime: the
# quick correctness suite, then two alternating passes.
#   exp_v21o.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v21j/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start --quick
B=$D/bin/qm-dqgemm-bench
for pass in a b; do
  for g in v21j v21o; do
    G=$D/gen_$g; [ $g = v21o ] && G=$D/gen
    qm_bench_of $B $D/lib $G $g$pass 14336:4096 --m 1,4,8,9,12,13,14,16
    qm_bench_of $B $D/lib $G $g$pass 4096:6144 4096:28672 --m 8,16
    qm_bench_of $B $D/lib $G $g$pass 8192:28672 28672:8192 --m 1,8,16
  done
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl v21j v21o | tee $OUT/ab_summary.txt
date
