#!/bin/bash
# v19b (~5 min, H100): full correctness suite on the v19 cubin with the
# 8-warp stream-K kernels bounded to 128 registers (two blocks per SM),
# then the table against 8-warp stream-K plans at M = 1, 8, 12, 16.
#   exp_v19b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "stream-K" '_sk '
SK="--stream-k 1 --swap 1 --stream-a 1 --split-n 0 --warps 8"
for pass in a b; do
  qm_sw table 4096:28672 14336:4096 4096:6144 --m 1,8,12,16
  qm_sw sk_w8 4096:28672 14336:4096 4096:6144 --m 1,8,12,16 $SK
done
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 4 --table | tee $OUT/summary.txt
