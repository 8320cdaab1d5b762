#!/bin/bash
# v22e (one call, H100, ~3 min): past M = 16, whether the 32- and 64-row
# kernels now beat the 16-row blocks the table takes (v17d: they lost,
# 191 / 245 registers; since v21i their in-block reduction no longer has
# the 8-way bank conflicts the unswapped kernels' accumulator stores had).
#   exp_v22e.sh <carry dir> <outdir>   (carry: bin/ lib/ gen22/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device; date
export QM_GEN=$D/gen22
S="4096:4096 14336:4096 4096:28672"
MS="--m 64,128,256,1024"
qm_sw table $S $MS
qm_sw rows32 $S $MS --max-rows 32
qm_sw rows64 $S $MS --max-rows 64
qm_sw rows32sa $S $MS --max-rows 32 --stream-a 1 --split-n 0
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 4 --table | tee $OUT/summary.txt
