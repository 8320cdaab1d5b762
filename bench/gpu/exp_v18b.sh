#!/bin/bash
# v18b (~4 min, H100): M = 64..256 with the v17 cubin: the table (16-row
# 4-warp streamed blocks) against other 16-row block kernels: 16 warps
# (512-k, 1024-k and 2048-k chunks) and the swapped 16-row 8-warp kernel
# with 1024-k chunks.
#   exp_v18b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
S="4096:4096 14336:4096 4096:28672 4096:6144"
MS="--m 64,128,256"
R="--max-rows 16 --stream-a 1 --split-n 0 --swap 0"
date
qm_sw table $S $MS
qm_sw w16 $S $MS $R --warps 16
qm_sw w16u4 $S $MS $R --warps 16 --unroll 4
qm_sw w16u8 $S $MS $R --warps 16 --unroll 8
qm_sw sw8u8 $S $MS --max-rows 16 --stream-a 1 --split-n 0 --swap 1 --warps 8 --unroll 8
qm_sw w4s1 $S $MS $R --warps 4 --cps-list 8
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
