#!/bin/bash
# v21d (one call, H100, ~2 min): the table's plans with their cluster twins
# (`--cluster 1` now keeps the table's kernel and split), same call as the
# v20 cubin (gen_old/) and the v21 cubin without clusters (gen/), two
# alternating passes.
#   exp_v21d.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_old/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_device
B=$D/bin/qm-dqgemm-bench
S4="4096:4096 4096:6144 14336:4096"
for pass in a b; do
  qm_bench_of $B $D/lib $D/gen_old old$pass $S4 --m 1,2,4,8,12,16
  qm_bench_of $B $D/lib $D/gen new$pass $S4 --m 1,2,4,8,12,16
  qm_bench_of $B $D/lib $D/gen clu$pass $S4 --m 1,2,4,8,12,16 --cluster 1
done
date
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl old new clu | tee $OUT/ab_summary.txt
