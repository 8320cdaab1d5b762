#!/bin/bash
# v13e sweep (~1 min, shipped v13 cubin gen/): plans the two-split exchange
# may have made competitive: 8-warp swapped kernels at two splits on
# 4096x4096 (two blocks per SM: the next launch's blocks can co-reside),
# 16-warp unswapped kernels at M = 16, two splits on 14336x4096 M = 16, and
# 64-column streamed two-split plans on 4096x28672 M = 16; each cell also
# runs the table's plan (tag "table"), twice.
#   exp_v13e.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
for pass in a b; do
  sw table 4096:4096 4096:6144 --m 1,4,8,16
  sw table 14336:4096 4096:28672 --m 16
  sw sw_w8 4096:4096 --m 1,4,8 --swap 1 --warps 8 --stream-a 1 --deep 0 --cps-list 4,2
  sw sw_w4 4096:4096 --m 1,4,8 --swap 1 --warps 4 --stream-a 1 --deep 0 --cps-list 4,2
  sw sw_w8 4096:6144 --m 1,8 --swap 1 --warps 8 --stream-a 1 --deep 0 --cps-list 2
  sw sw_w4 4096:6144 --m 1,8 --swap 1 --warps 4 --stream-a 1 --deep 0 --cps-list 4
  sw m16_w16 4096:4096 4096:6144 --m 16 --swap 0 --warps 16 --stream-a 1 --deep 0 --cps-list 4,8
  sw m16_w16 14336:4096 --m 16 --swap 0 --warps 16 --stream-a 1 --deep 0 --cps-list 14,7
  sw m16_w4 14336:4096 --m 16 --swap 0 --warps 4 --stream-a 1 --deep 0 --cps-list 14,7
  sw m16_w4 4096:28672 --m 16 --swap 0 --warps 4 --stream-a 1 --deep 0 --cps-list 4,8
  sw m16_w4w 4096:28672 --m 16 --swap 0 --warps 4 --stream-a 1 --deep 0 --wide 1 --cps-list 4,8
done
python3 - $OUT/sweep.jsonl <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in s}):
    xs = [x for x in s if (x['K'], x['N'], x['M']) == c]
    by = {}
    for x in xs:
        by.setdefault((x['tag'], x['kernel'][24:], x['nsplit']), []).append(x['us'])
    best = sorted(by.items(), key=lambda kv: min(kv[1]))
    print(c, ' | '.join(f"{t}:{k} s{n} {min(v):.2f}" for (t, k, n), v in best[:5]))
PY
