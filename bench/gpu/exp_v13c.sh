#!/bin/bash
# v13c sweep (~1.5 min): M ranges for the plans the two-split exchange
# made faster (exp_v13b): 4096x6144 M <= 8 swapped 8 warps at two splits,
# M = 9..16 unswapped streamed 3 stages at two splits (also 4096x4096),
# 14336x4096 M = 2..8 swapped 8 warps at four splits; each against the
# v13 cubin's current table (gen13/), alternating twice.
#   exp_v13c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen13/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G13="$D/gen13/dqgemm_sm_90.cubin $D/gen13/manifest.txt"
sw() { tag=$1; shift; $B $G13 "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
for pass in a b; do
  sw table$pass 4096:6144 --m 1,2,3,4,5,6,7,8,9,12,16
  sw w8s2$pass 4096:6144 --m 1,2,3,4,5,6,7,8 --swap 1 --warps 8 --stream-a 1 --deep 0 --cps-list 4
  sw s3s2$pass 4096:6144 --m 9,12,16 --swap 0 --deep 0 --stream-a 1 --cps-list 4
  sw table$pass 4096:4096 --m 9,12,16
  sw s3s2$pass 4096:4096 --m 9,12,16 --swap 0 --deep 0 --stream-a 1 --cps-list 4
  sw table$pass 14336:4096 --m 1,2,3,4,6,8
  sw w8s4$pass 14336:4096 --m 1,2,3,4,6,8 --swap 1 --warps 8 --stream-a 1 --deep 0 --cps-list 7
done
python3 - $OUT/sweep.jsonl <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in s}):
    xs = [x for x in s if (x['K'], x['N'], x['M']) == c]
    by = {}
    for x in xs:
        by.setdefault(x['tag'][:-1], []).append(x)
    print(c, ' | '.join(f"{t}: {v[0]['kernel'][10:]} s{v[0]['nsplit']} " + '/'.join(f"{y['us']:.2f}" for y in v) for t, v in sorted(by.items())))
PY
