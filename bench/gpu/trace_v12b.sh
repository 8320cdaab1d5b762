#!/bin/bash
# v12 timeline, second call (~1 min): 4096x4096 at M = 1 and 8 under the
# default plan and forced variants of the 16-warp swapped kernel (whole
# slice `_s9` streamed / not, `_s3` not streamed), each as its timeline
# twin (gen12t/, quant-gpu-gen --trace-twins=...), plus 4096x6144 M = 1 with
# the 4-warp whole-slice kernel; untraced times of the same plans.
#   trace_v12b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen12t/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen12t/dqgemm_sm_90.cubin $D/gen12t/manifest.txt"
run() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/times.jsonl; }
for v in "s9a:--swap 1 --warps 16 --deep 1 --stream-a 1" "s9:--swap 1 --warps 16 --deep 1 --stream-a 0" "s3:--swap 1 --warps 16 --deep 0 --stream-a 0"; do
  tag=${v%%:*}; args=${v#*:}
  run $tag 4096:4096 --m 1,8 $args
  run ${tag}_t 4096:4096 --m 1,8 $args --trace $OUT/trace_$tag.jsonl
  run ${tag}_l2 4096:4096 --m 1 $args --copies 1
done
run w4s9a 4096:6144 --m 1 --swap 1 --warps 4 --deep 1 --stream-a 1
run w4s9a_t 4096:6144 --m 1 --swap 1 --warps 4 --deep 1 --stream-a 1 --trace $OUT/trace_w4s9a.jsonl
for t in s9a s9 s3 w4s9a; do python3 $D/bench/trace_summary.py $OUT/trace_$t.jsonl; done | tee $OUT/summary.txt
rm -f $OUT/trace_*.jsonl
python3 -c "
import json,sys
for l in open('$OUT/times.jsonl'):
    x=json.loads(l); print(x['tag'], x['K'], x['N'], x['M'], x['kernel'][10:], 's%d'%x['nsplit'], x['us'])"
