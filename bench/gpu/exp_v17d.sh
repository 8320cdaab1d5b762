#!/bin/bash
# v17d (~7 min, H100): full correctness suite with the v17d runtime (rows
# per block cap, qmrt_cuda_set_max_rows; check variants 26-28), then
# M = 32..256: the table (64-row blocks past M = 32) against plans with at
# most 32 or 16 rows per block (M / rows row blocks, each reading the whole
# weight), unswapped and through the 16-row swapped kernels.
#   exp_v17d.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "16-row swapped" 'direct_m16_w[0-9]*_s3_g_a_sw'
qm_count "M=130 through 16/32-row kernels" 'M=130 ' '_m\(16\|32\)_'
S="4096:4096 14336:4096 4096:28672 4096:6144"
MS="--m 32,64,128,256"
qm_sw table $S $MS
qm_sw rows32 $S $MS --max-rows 32
qm_sw rows16 $S $MS --max-rows 16
qm_sw rows16_sw8 $S $MS --max-rows 16 --swap 1 --stream-a 1 --warps 8 --split-n 0
qm_sw rows16_sw16 $S $MS --max-rows 16 --swap 1 --stream-a 1 --warps 16 --split-n 0
qm_sw rows16_a $S $MS --max-rows 16 --stream-a 1 --split-n 0
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
