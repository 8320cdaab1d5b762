#!/bin/bash
# v18b (~4 min, H100): M = 64..256 with the v17 cubin: the table (16-row
# 4-warp streamed blocks) against other 16-row block kernels: 16 warps
# (512-k, 1024-k and 2048-k chunks) and the swapped 16-row 8-warp kernel
# with 1024-k chunks.
#   exp_v18b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
S="4096:4096 14336:4096 4096:28672 4096:6144"
MS="--m 64,128,256"
R="--max-rows 16 --stream-a 1 --split-n 0 --swap 0"
date
sw table $S $MS
sw w16 $S $MS $R --warps 16
sw w16u4 $S $MS $R --warps 16 --unroll 4
sw w16u8 $S $MS $R --warps 16 --unroll 8
sw sw8u8 $S $MS --max-rows 16 --stream-a 1 --split-n 0 --swap 1 --warps 8 --unroll 8
sw w4s1 $S $MS $R --warps 4 --cps-list 8
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
