#!/bin/bash
# v21m (one call, H100, ~1 min): the two cells nearest 70% with other
# plans, now that the reduction is padded (v21i): 14336x4096 at M = 12..16
# as 16-row swapped 8-warp blocks at two splits (pair exchange instead of
# the counter; 512-k and 1024-k chunks) against the table (`_x2_u8` s4);
# 4096x6144 at M = 4..8 as 4-warp swapped blocks at 4 and 8 splits (an even
# load over the SMs: 384 blocks at up to 4 per SM) against the table (8
# warps, s2: 192 blocks put two on 60 SMs and one on 72). Two passes.
#   exp_v21m.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_device
B=$D/bin/qm-dqgemm-bench
G=$D/gen
R16="--max-rows 16 --swap 1 --stream-a 1 --stream-k 0 --warps 8"
SW4="--swap 1 --stream-a 1 --stream-k 0 --warps 4"
for pass in a b; do
  qm_bench_of $B $D/lib $G table$pass 14336:4096 --m 12,14,16
  qm_bench_of $B $D/lib $G r16s2$pass 14336:4096 --m 12,14,16 $R16 --cps-list 14
  qm_bench_of $B $D/lib $G r16u8s2$pass 14336:4096 --m 12,14,16 $R16 --unroll 8 --cps-list 7
  qm_bench_of $B $D/lib $G table$pass 4096:6144 --m 4,6,8
  qm_bench_of $B $D/lib $G w4s4$pass 4096:6144 --m 4,6,8 $SW4 --cps-list 2
  qm_bench_of $B $D/lib $G w4s8$pass 4096:6144 --m 4,6,8 $SW4 --cps-list 1
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl table r16s2 r16u8s2 w4s4 w4s8 | tee $OUT/ab_summary.txt
