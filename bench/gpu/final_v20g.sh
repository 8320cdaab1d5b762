#!/bin/bash
# v20g (one short call, H100): the final v20 table's plans on the
# 8192-deep big shapes at M = 1..16 (16-row `_x2_u8_sk` blocks at M <= 8
# since v20f) and on 4096x4096 (unchanged), one pass.
#   final_v20g.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
qm_sw table 8192:28672 28672:8192 --m 1,2,4,8,16
qm_sw table 4096:4096 --m 1,8
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 1 --table | tee $OUT/summary.txt
