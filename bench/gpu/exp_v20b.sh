#!/bin/bash
# v20b (one call, H100): the full correctness suite on the v20 cubin (the
# swapped kernels with two warp groups splitting N, `_x2`: 128-column
# blocks, one activation stage per two column blocks), then the shipped
# table against `_x2` plans on the four Llama shapes at M = 1, 8, 12, 16,
# two alternating passes.
#   exp_v20b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "x2" '_x2'
qm_count "x2 stream-K" '_x2_sk'
X="--wide 1 --swap 1 --stream-a 1 --split-n 0"
for pass in a b; do
  qm_sw table 4096:28672 14336:4096 4096:6144 4096:4096 --m 1,8,12,16
  qm_sw x2sk_w8 4096:28672 14336:4096 4096:6144 4096:4096 --m 1,8,12,16 $X --stream-k 1 --warps 8
  qm_sw x2sk_w16 4096:28672 14336:4096 --m 8,16 $X --stream-k 1 --warps 16
  qm_sw x2_w8 4096:6144 4096:4096 --m 1,8,12,16 $X --stream-k 0 --warps 8 --cps-list 4,8,16
  qm_sw x2_w8 14336:4096 --m 1,8,12,16 $X --stream-k 0 --warps 8 --cps-list 8,14,28
  qm_sw x2_w16 4096:6144 4096:4096 --m 1,8,16 $X --stream-k 0 --warps 16 --cps-list 4,8
  qm_sw x2u8_w8 14336:4096 --m 12,16 $X --stream-k 0 --warps 8 --unroll 8 --cps-list 2,4,7
done
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 4 --table | tee $OUT/summary.txt
