#!/bin/bash
# v18d (diagnosis, ~1.5 min, H100): timelines of the M = 8 and M = 16
# plans of the deep and wide shapes (gen18t/ = the v17 set + timeline
# twins of `m16_w4_s3_g_a`, `m16_w8_s3_g_a_sw`, `m8_w8_s3_g_a_sw_u8` and
# `m16_w4_s3_g_a_n128`): where M = 16 spends its extra time over M = 8.
#   exp_v18d.sh <carry dir> <outdir>   (carry: bin/ lib/ gen18t/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
export QM_GEN=$D/gen18t
T=$OUT/trace.jsonl
qm_sw plain 14336:4096 4096:28672 --m 8,16
qm_sw trace 14336:4096 4096:28672 --m 8,16 --trace $T
python3 $D/bench/trace_summary.py $T | tee $OUT/summary.txt
gzip -f $T
grep -h '"us"' $OUT/sweep.jsonl | python3 -c "
import json,sys
for l in sys.stdin:
    x=json.loads(l); print(x['tag'], x['K'], x['N'], x['M'], x['kernel'][10:], 's%d'%x['nsplit'], x['us'])"
