#!/bin/bash
# v17b (~3 min, H100): full correctness suite on the v17 cubin (gen/), then
# timelines (gen17t/ = the v17 set + timeline twins of the swapped 8-row
# streamed kernels, 3-stage and whole-slice) of 4096x4096 and 4096x6144 at
# M = 1 and 8: the table's plans and the whole-slice (`_s9`: every weight
# copy issued before the PDL wait) kernels at the same split; plus the
# same plans untraced (times in sweep.jsonl; the saved results call it
# h100_trace_v17b_times.jsonl).
#   exp_v17b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen17t/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "16-row swapped" 'direct_m16_w[0-9]*_s3_g_a_sw'
T=$OUT/trace.jsonl
run() { QM_GEN=$D/gen17t qm_sw "$@"; }
S9="--swap 1 --deep 1 --stream-a 1 --cps-list 4"
run plain 4096:4096 4096:6144 --m 1,8
run plain_s9w16 4096:4096 --m 1,8 $S9 --warps 16
run plain_s9w8 4096:6144 --m 1,8 $S9 --warps 8
run trace 4096:4096 4096:6144 --m 1,8 --trace $T
run trace_s9w16 4096:4096 --m 1,8 $S9 --warps 16 --trace $T
run trace_s9w8 4096:6144 --m 1,8 $S9 --warps 8 --trace $T
run plain2 4096:4096 4096:6144 --m 1,8
run plain2_s9w16 4096:4096 --m 1,8 $S9 --warps 16
run plain2_s9w8 4096:6144 --m 1,8 $S9 --warps 8
date
python3 $D/bench/trace_summary.py $T | tee $OUT/summary.txt
gzip -f $T
grep -h '"us"' $OUT/sweep.jsonl | python3 -c "
import json,sys
for l in sys.stdin:
    x=json.loads(l); print(x['tag'], x['K'], x['N'], x['M'], x['kernel'][10:], 's%d'%x['nsplit'], x['us'])"
