#!/bin/bash
# v22c (one call, H100, ~7 min): the v22 runtime (reduction-buffer stride
# and bulk-barrier bytes read from the manifest; cluster-twin lookup by
# kind key) on the default kernels (same PTX as v21p) plus the bulk twins:
# the full correctness suite with the table's plans, and the quick suite
# with every eligible plan on its bulk twin; the v22d prototype below;
# then bench.py at every M.
#   build/bin/quant-gpu-gen -o carry/gen22 --chip=sm_90 --bulk-twins
#   final_v22c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen22/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device; date
G=$D/gen22
export QM_GEN=$G
qm_check
gzip -f $OUT/check.log; date
QM_CHECK_LOG=$OUT/check_bulk.log qm_check --quick --bulk
echo "bulk twin runs passed: $(grep PASS $OUT/check_bulk.log | grep -c '_b nsplit')"
gzip -f $OUT/check_bulk.log; date
# v22d (prototype of the no-split-K lead, NOTES "(v22)"): the same weight
# bytes over the same number of blocks without the pair exchange, on the
# current kernels: 2048x8192 at one split (128 blocks streaming 64 KiB
# each, in-block reduction only) against the 4096x4096 table plan (128
# blocks of 64 KiB, two splits); 2048x12288 at one split (192 blocks)
# against 4096x6144.
B=$D/bin/qm-dqgemm-bench
S1="--swap 1 --stream-a 1 --cps-list 4"
for pass in a b; do
  qm_bench_of $B $D/lib $G table$pass 4096:4096 4096:6144 2048:8192 2048:12288 --m 1,4,8
  qm_bench_of $B $D/lib $G s1w16$pass 2048:8192 2048:12288 --m 1,4,8 $S1 --warps 16
  qm_bench_of $B $D/lib $G s1w8$pass 2048:8192 2048:12288 --m 1,4,8 $S1 --warps 8
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl table s1w16 s1w8 | tee $OUT/ab_summary.txt
date
# bench.py at every M of the issue (M > 16 last measured in v20).
qm_benchpy
date
