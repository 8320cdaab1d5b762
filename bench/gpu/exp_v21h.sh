#!/bin/bash
# v21h (one call, H100, ~1 min; diagnosis): why the 16-row swapped 16-warp
# kernel (one dequantization for 16 rows) is slower at 4096x4096 M = 16
# than the table's two 8-row blocks (each dequantizing the whole weight):
# timelines of both, and of the M = 1 / 8 plans.
#   build/bin/quant-gpu-gen -o carry/gen21t --chip=sm_90 \
#     --only=b4_sym_direct_m16_w16_s3_g_a_sw,b4_sym_direct_m8_w8_s3_g_a_sw,b4_sym_direct_m8_w16_s3_g_a_sw \
#     --trace-twins=b4_sym_direct_m16_w16_s3_g_a_sw,b4_sym_direct_m8_w8_s3_g_a_sw,b4_sym_direct_m8_w16_s3_g_a_sw
#   exp_v21h.sh <carry dir> <outdir>   (carry: bin/ lib/ gen21t/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
export QM_GEN=$D/gen21t
T=$OUT/trace.jsonl
R16="--max-rows 16 --swap 1 --stream-a 1 --stream-k 0 --warps 16"
qm_sw plain 4096:4096 --m 1,8,16
qm_sw plain16 4096:4096 --m 16 $R16
qm_sw trace 4096:4096 --m 1,8,16 --trace $T
qm_sw trace16 4096:4096 --m 16 $R16 --trace $T
python3 $D/bench/trace_summary.py $T > $OUT/trace_summary.txt
grep -E "^==|phases" $OUT/trace_summary.txt
gzip -f $T
grep -h '"us"' $OUT/sweep.jsonl | python3 -c "
import json,sys
for l in sys.stdin:
    x=json.loads(l); print(x['tag'], x['K'], x['N'], x['M'], x['kernel'][10:], 's%d'%x['nsplit'], x['us'])"
