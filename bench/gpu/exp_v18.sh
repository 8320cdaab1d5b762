#!/bin/bash
# v18 experiment (~7 min, H100): full correctness suite on the v18 cubin
# (gen/: v17 + warps-splitting-M kernels, check variants 29-31), then M =
# 32..256 on the four Llama-3-8B shapes: the v17 table (16-row blocks)
# against warps splitting M in blocks of 32, 64 and 128 rows.
#   exp_v18.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "split-M" '_w[248]m_'
S="4096:4096 14336:4096 4096:28672 4096:6144"
qm_sw table $S --m 32,64,128,256
qm_sw sm32 $S --m 32,64 --split-m 32
qm_sw sm64 $S --m 64,128,256 --split-m 64
qm_sw sm128 $S --m 128,256 --split-m 128
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
