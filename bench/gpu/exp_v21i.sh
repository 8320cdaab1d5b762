#!/bin/bash
# v21i (one call, H100, ~4 min): the in-block reduction buffer with a
# padded row stride (no bank conflicts in the accumulator stores; v21h's
# timelines put the 16-row 16-warp kernel's reduction at ~2000 SM cycles)
# against the v21 build (base21/: bin, lib and cubin of 7c0cf51): the quick
# correctness suite, a same-call A/B of the table's plans (two alternating
# passes), the 16-row swapped plans at M = 9..16, and timelines.
#   build/bin/quant-gpu-gen -o carry/gen --chip=sm_90
#   build/bin/quant-gpu-gen -o carry/gen21t --chip=sm_90 --only=... --trace-twins=... (see exp_v21h.sh)
#   exp_v21i.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen21t/ base21/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start --quick
B=$D/bin/qm-dqgemm-bench
S4="4096:4096 4096:6144 14336:4096 4096:28672"
MS="--m 1,2,4,8,9,12,13,16"
R16="--max-rows 16 --swap 1 --stream-a 1 --stream-k 0"
for pass in a b; do
  qm_bench_of $D/base21/bin/qm-dqgemm-bench $D/base21/lib $D/base21/gen v21$pass $S4 $MS
  qm_bench_of $B $D/lib $D/gen v21i$pass $S4 $MS
  qm_bench_of $B $D/lib $D/gen r16w16$pass 4096:4096 4096:6144 14336:4096 --m 9,12,13,16 $R16 --warps 16
  qm_bench_of $B $D/lib $D/gen r16w8$pass 4096:4096 4096:6144 14336:4096 --m 9,12,13,16 $R16 --warps 8
done
date
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl v21 v21i r16w16 r16w8 | tee $OUT/ab_summary.txt
export QM_GEN=$D/gen21t
T=$OUT/trace.jsonl
qm_sw trace 4096:4096 --m 1,8,16 --trace $T
qm_sw trace16 4096:4096 --m 16 $R16 --warps 16 --trace $T
python3 $D/bench/trace_summary.py $T > $OUT/trace_summary.txt
grep -E "^==|phases" $OUT/trace_summary.txt
gzip -f $T
date
