#!/bin/bash
# v19 experiment (~7 min, H100): full correctness suite on the v19 cubin
# (gen/: v17 + stream-K twins of the swapped streamed kernels, check
# variants 29-31), then the table against stream-K plans (16 and 8 warps,
# one persistent block per resident slot; and fixed units per block) at
# M = 1, 8, 12, 16 on the four Llama-3-8B shapes.
#   exp_v19.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "stream-K" '_sk '
S="4096:6144 4096:4096 4096:28672 14336:4096"
SK="--stream-k 1 --swap 1 --stream-a 1 --split-n 0"
qm_sw table $S --m 1,8,12,16
qm_sw sk_w16 $S --m 1,8,12,16 $SK --warps 16
qm_sw sk_w8 $S --m 1,8,12,16 $SK --warps 8
qm_sw sk_w16_u4 $S --m 8,16 $SK --warps 16 --cps-list 4
qm_sw table2 $S --m 1,8,12,16
qm_sw sk2_w16 $S --m 1,8,12,16 $SK --warps 16
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
