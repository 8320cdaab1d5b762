#!/bin/bash
# v21c (one call, H100, ~5 min): cluster twins of the swapped streamed
# kernels (`_c_a_sw`: the splits of a column block reduce through
# distributed shared memory) and warp barriers only in the swapped
# kernels of <= 4 k-steps per warp (v21b), against the v20 cubin
# (gen_old/, `quant-gpu-gen --no-warp-sync` minus the v21 kernels) with
# the same runtime: the quick correctness suite, then a same-call A/B of
# the table's plans (old, new) and of the new cubin with a cluster asked
# for (`--cluster 1`), and 16-row swapped cluster plans at M = 12, 16.
#   build/bin/quant-gpu-gen -o carry/gen --chip=sm_90
#   exp_v21c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_old/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start --quick
qm_count "cluster swapped" '_c_a_sw'
B=$D/bin/qm-dqgemm-bench
S4="4096:4096 4096:6144 14336:4096"
SW16="--swap 1 --stream-a 1 --max-rows 16 --stream-k 0 --cluster 1"
for pass in a b; do
  qm_bench_of $B $D/lib $D/gen_old old$pass $S4 --m 1,2,4,8,12,16
  qm_bench_of $B $D/lib $D/gen new$pass $S4 --m 1,2,4,8,12,16
  qm_bench_of $B $D/lib $D/gen clu$pass $S4 --m 1,2,4,8,12,16 --cluster 1
  qm_bench_of $B $D/lib $D/gen c16w16$pass 4096:4096 4096:6144 --m 12,16 $SW16 --warps 16
  qm_bench_of $B $D/lib $D/gen c16w8$pass 4096:4096 4096:6144 --m 12,16 $SW16 --warps 8
done
date
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl old new clu c16w16 c16w8 | tee $OUT/ab_summary.txt
date
