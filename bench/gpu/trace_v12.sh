#!/bin/bash
# v12 timeline (~1.5 min): the tile table's plans run as their timeline
# twins (`_t`, gen12t/ = the v11 kernel set + twins, quant-gpu-gen
# --trace-twins=...), per-block stamps of every launch of the last replay
# written to trace.jsonl; plus the same cells untraced (stamp overhead).
#   trace_v12.sh <carry dir> <outdir>   (carry: bin/ lib/ gen12t/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen12t/dqgemm_sm_90.cubin $D/gen12t/manifest.txt"
T=$OUT/trace.jsonl
run() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/times.jsonl; }
run plain 4096:4096 4096:6144 14336:4096 --m 1,8,16
run trace 4096:4096 4096:6144 14336:4096 --m 1,8,16 --trace $T
run trace_nopdl 4096:4096 --m 1 --pdl 0 --trace $OUT/trace_nopdl.jsonl
run trace_l2 4096:4096 --m 1 --copies 1 --trace $OUT/trace_l2.jsonl
run plain_nopdl 4096:4096 --m 1 --pdl 0
run plain_l2 4096:4096 --m 1 --copies 1
python3 $D/bench/trace_summary.py $T $OUT/trace_nopdl.jsonl $OUT/trace_l2.jsonl | tee $OUT/summary.txt
gzip -k $OUT/trace.jsonl; rm -f $OUT/trace.jsonl
grep -h '"us"' $OUT/times.jsonl | python3 -c "
import json,sys
for l in sys.stdin:
    x=json.loads(l); print(x['tag'], x['K'], x['N'], x['M'], x['kernel'][10:], 's%d'%x['nsplit'], x['us'])"
