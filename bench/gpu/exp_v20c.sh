#!/bin/bash
# v20c (one call, H100): the full correctness suite on the v20c cubin
# (adds `_x2` kernels with 512-k chunks per warp group and their stream-K
# twins), then the shipped table against them at M = 8..16, two
# alternating passes.
#   exp_v20c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "x2" '_x2'
qm_count "x2 long-chunk stream-K" '_x2_u[48]_sk'
X="--wide 1 --swap 1 --stream-a 1 --split-n 0"
for pass in a b; do
  qm_sw table 4096:28672 14336:4096 4096:6144 --m 8,12,16
  qm_sw x2u8sk_w8 4096:28672 14336:4096 4096:6144 --m 12,16 $X --stream-k 1 --warps 8 --unroll 8
  qm_sw x2u4sk_w16 4096:28672 14336:4096 4096:6144 --m 8,12,16 $X --stream-k 1 --warps 16 --unroll 4
  qm_sw x2u4_w16 14336:4096 --m 8,12,16 $X --stream-k 0 --warps 16 --unroll 4 --cps-list 4,7,14
  qm_sw x2u4_w16 4096:6144 --m 8,12,16 $X --stream-k 0 --warps 16 --unroll 4 --cps-list 2,4,8
  qm_sw x2u8_w8 14336:4096 --m 12,16 $X --stream-k 0 --warps 8 --unroll 8 --cps-list 4
done
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 4 --table | tee $OUT/summary.txt
