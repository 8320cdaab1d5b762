#!/bin/bash
# v21n (one call, H100, ~1 min; diagnosis): timelines of the v21 table's
# plans for the cells nearest 70%: 14336x4096 M = 16 (`_x2_u8` s4, the
# counter reduction of four splits), 4096x6144 M = 8 (8-warp s2) and
# M = 16 (16-row 8-warp s2).
#   build/bin/quant-gpu-gen -o carry/gen21t --chip=sm_90 \
#     --only=b4_sym_direct_m16_w8_s3_g_a_sw,b4_sym_direct_m8_w8_s3_g_a_sw,b4_sym_direct_m8_w16_s3_g_a_sw,b4_sym_direct_m16_w4_s3_g_a \
#     --trace-twins=b4_sym_direct_m16_w8_s3_g_a_sw_x2_u8,b4_sym_direct_m8_w8_s3_g_a_sw,b4_sym_direct_m16_w8_s3_g_a_sw
#   exp_v21n.sh <carry dir> <outdir>   (carry: bin/ lib/ gen21t/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device
export QM_GEN=$D/gen21t
T=$OUT/trace.jsonl
qm_sw plain 14336:4096 --m 16
qm_sw plain 4096:6144 --m 8,16
qm_sw trace 14336:4096 --m 16 --trace $T
qm_sw trace 4096:6144 --m 8,16 --trace $T
python3 $D/bench/trace_summary.py $T > $OUT/trace_summary.txt
cat $OUT/trace_summary.txt
gzip -f $T
