#!/bin/bash
# v21f (one call, H100, ~2 min): where v21e's forced plans beat the table
# (v21 cubin, warp barriers), the M ranges around them, same call, two
# alternating passes: 4096x4096 M = 9..16 as two 8-row blocks of the
# 16-warp kernel without split-K (512-k and 1024-k chunks, one block per
# SM); 4096x6144 M = 9..16 as 16-row swapped 8-warp blocks at two splits;
# 14336x4096 M = 2..8 with the 16-warp 1024-k chunk kernel.
#   exp_v21f.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_device; date
B=$D/bin/qm-dqgemm-bench
G=$D/gen
S1="--swap 2 --stream-a 1 --stream-k 0 --warps 16"
for pass in a b; do
  qm_bench_of $B $D/lib $G table$pass 4096:4096 4096:6144 --m 9,10,11,12,13,14,15,16
  qm_bench_of $B $D/lib $G table$pass 14336:4096 --m 2,3,4,5,6,7,8
  qm_bench_of $B $D/lib $G s1u2$pass 4096:4096 --m 9,10,11,12,13,14,15,16 $S1 --cps-list 8
  qm_bench_of $B $D/lib $G s1u4$pass 4096:4096 --m 9,10,11,12,13,14,15,16 $S1 --unroll 4 --cps-list 4
  qm_bench_of $B $D/lib $G r16w8$pass 4096:6144 --m 9,10,11,12,13,14,15,16 --max-rows 16 --swap 1 --stream-a 1 --stream-k 0 --warps 8
  qm_bench_of $B $D/lib $G w16u4$pass 14336:4096 --m 2,3,4,5,6,7,8 --unroll 4
done
date
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl table s1u2 s1u4 r16w8 w16u4 | tee $OUT/ab_summary.txt
