#!/bin/bash
# v21p (one call, H100, ~6 min): the final v21 build (v21j plus the
# 8-elements x 4-splits sum of the counter path in the kernels without
# stream-K, v21o): the full correctness suite, a same-call A/B against the
# v21j cubin (gen_v21j/, same runtime, two alternating passes), then
# bench.py on the six shapes at M = 1, 8, 16.
#   final_v21p.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v21j/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start
B=$D/bin/qm-dqgemm-bench
for pass in a b; do
  for g in v21j v21p; do
    G=$D/gen_$g; [ $g = v21p ] && G=$D/gen
    qm_bench_of $B $D/lib $G $g$pass 14336:4096 --m 1,8,9,12,13,14,16
    qm_bench_of $B $D/lib $G $g$pass 4096:4096 4096:6144 4096:28672 --m 8,16
    qm_bench_of $B $D/lib $G $g$pass 8192:28672 28672:8192 --m 1,8,16
  done
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl v21j v21p | tee $OUT/ab_summary.txt
date
qm_benchpy --m 1,8,16
date
