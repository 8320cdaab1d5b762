#!/bin/bash
# v22g (one call, H100, ~1 min): the bulk twins after folding their loop
# branch into the streamed-activation one (same ops, op order changed):
# the quick suite with every eligible plan on its bulk twin, and a same-call
# A/B of the table's plans against the twins at 4096x4096 M = 1 / 8.
#   build/bin/quant-gpu-gen -o carry/gen22 --chip=sm_90 --bulk-twins
#   check_v22g.sh <carry dir> <outdir>   (carry: bin/ lib/ gen22/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
G=$D/gen22
QM_GEN=$G qm_check --quick --bulk
qm_count "bulk twin" "_b nsplit"
gzip -f $OUT/check.log
B=$D/bin/qm-dqgemm-bench
for pass in a b; do
  qm_bench_of $B $D/lib $G table$pass 4096:4096 --m 1,8
  qm_bench_of $B $D/lib $G bulk$pass 4096:4096 --m 1,8 --bulk 1
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl table bulk | tee $OUT/ab_summary.txt
