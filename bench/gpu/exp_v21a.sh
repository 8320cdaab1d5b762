#!/bin/bash
# v21a (prepared in session 8, not yet run; diagnosis, ~1.5 min, H100):
# timelines of the table's plans for the cells still below 70% of the
# floor on the 4096-deep small shapes, M = 1 / 8 / 16 (gen21t/ = the v20
# set + timeline twins of `m8_w16_s3_g_a_sw`, `m8_w8_s3_g_a_sw` and
# `m16_w4_s3_g_a`): where M = 8 and 16 spend their time over M = 1
# (loop after the wait, in-block reduction, pair exchange, exit spread).
#   build/bin/quant-gpu-gen -o carry/gen21t --chip=sm_90 \
#     --trace-twins=b4_sym_direct_m8_w16_s3_g_a_sw,b4_sym_direct_m8_w8_s3_g_a_sw,b4_sym_direct_m16_w4_s3_g_a
#   exp_v21a.sh <carry dir> <outdir>   (carry: bin/ lib/ gen21t/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
export QM_GEN=$D/gen21t
T=$OUT/trace.jsonl
qm_sw plain 4096:4096 4096:6144 --m 1,8,16
qm_sw trace 4096:4096 4096:6144 --m 1,8,16 --trace $T
python3 $D/bench/trace_summary.py $T | tee $OUT/summary.txt
gzip -f $T
grep -h '"us"' $OUT/sweep.jsonl | python3 -c "
import json,sys
for l in sys.stdin:
    x=json.loads(l); print(x['tag'], x['K'], x['N'], x['M'], x['kernel'][10:], 's%d'%x['nsplit'], x['us'])"
