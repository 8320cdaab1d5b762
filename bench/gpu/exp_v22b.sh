#!/bin/bash
# v22b (one call, H100, ~3 min): the bulk-copy twins as committed (`_b`:
# lane 0 of each warp fetches the warp's weight words of a chunk with one
# TMA cp.async.bulk on an mbarrier per warp and stage; activations by
# per-lane cp.async groups, where v22a had them as per-row bulk copies
# queued behind the weights). Correctness (quick suite with every plan on
# its `_b` twin where K % 512 == 0), same-call A/B of the table's plans
# against their twins (and the whole-slice `_s9` twins), and timelines.
# (v22a ran this script on the earlier twins, whose activations were
# per-row bulk copies.)
#   build/bin/quant-gpu-gen -o carry/gen22 --chip=sm_90 --bulk-twins \
#     --trace-twins=b4_sym_direct_m8_w16_s3_g_a_sw,b4_sym_direct_m8_w16_s3_g_a_sw_b,b4_sym_direct_m8_w16_s9_g_a_sw_b,b4_sym_direct_m8_w8_s3_g_a_sw_b
#   exp_v22b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen22/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_device; date
G=$D/gen22
QM_GEN=$G qm_check --quick --bulk
qm_count "bulk twin" "_b nsplit"
gzip -f $OUT/check.log; date
B=$D/bin/qm-dqgemm-bench
S="4096:4096 4096:6144 14336:4096"
for pass in a b; do
  qm_bench_of $B $D/lib $G table$pass $S --m 1,2,4,8,12,16
  qm_bench_of $B $D/lib $G bulk$pass $S --m 1,2,4,8,12,16 --bulk 1
  qm_bench_of $B $D/lib $G deepb$pass $S --m 1,4,8,16 --deep 1 --bulk 1
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl table bulk deepb | tee $OUT/ab_summary.txt
date
export QM_GEN=$G
T=$OUT/trace.jsonl
qm_sw trace 4096:4096 --m 1,8 --trace $T
qm_sw traceb 4096:4096 --m 1,8 --bulk 1 --trace $T
qm_sw traced 4096:4096 --m 1,8 --bulk 1 --deep 1 --trace $T
qm_sw traceb6 4096:6144 --m 1,8 --bulk 1 --trace $T
python3 $D/bench/trace_summary.py $T > $OUT/trace_summary.txt
grep -E "^==|phases" $OUT/trace_summary.txt
gzip -f $T; date
