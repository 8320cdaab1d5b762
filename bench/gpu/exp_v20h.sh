#!/bin/bash
# v20h (one short call, H100): 16-row `_x2_u8` blocks past M = 16 (through
# the 16-row cap, streamed or stream-K) against the table at M = 32, 64,
# 128, and `_x2_u8` on 14336x4096 at M = 14, 15; two alternating passes.
#   exp_v20h.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
X="--max-rows 16 --wide 1 --swap 1 --stream-a 1 --split-n 0 --warps 8 --unroll 8"
for pass in a b; do
  qm_sw table 4096:4096 4096:28672 14336:4096 28672:8192 --m 32,64,128
  qm_sw r16x2 4096:4096 4096:28672 14336:4096 28672:8192 --m 32,64,128 $X --stream-k 0
  qm_sw r16x2sk 4096:28672 28672:8192 --m 32,64 $X --stream-k 1
  qm_sw table 14336:4096 --m 14,15
  qm_sw x2u8 14336:4096 --m 14,15 $X --stream-k 0
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 3 --table | tee $OUT/summary.txt
