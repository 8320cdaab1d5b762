#!/bin/bash
# v20f (one short call, H100): the 16-row `_x2_u8_sk` plan at M <= 8 on
# the 8192-deep big shapes (forced through the 16-row cap), against the
# table, two alternating passes.
#   exp_v20f.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
X="--max-rows 16 --wide 1 --swap 1 --stream-a 1 --split-n 0 --warps 8 --unroll 8 --stream-k 1"
for pass in a b; do
  qm_sw table 8192:28672 28672:8192 --m 1,4,6,8
  qm_sw r16x2sk 8192:28672 28672:8192 --m 1,4,6,8 $X
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 2 --table | tee $OUT/summary.txt
