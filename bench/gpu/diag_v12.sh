#!/bin/bash
# v12 diagnostic (~1 min): the shipped v11 plans with the weight resident in
# L2 (--copies 1) against the rotated weights (default), with and without
# PDL: how much of a launch is DRAM and how much the kernel's own latency.
#   diag_v12.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G11="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
S4="4096:6144 4096:4096 4096:28672 14336:4096"
for pass in 1 2; do
for pdl in 1 0; do
  $B $G11 $S4 --m 1,8,16 --pdl $pdl | sed "s/^{/{\"tag\": \"rot_pdl$pdl\", /" >> $OUT/diag.jsonl
  $B $G11 $S4 --m 1,8,16 --pdl $pdl --copies 1 | sed "s/^{/{\"tag\": \"l2_pdl$pdl\", /" >> $OUT/diag.jsonl
done
done
python3 - $OUT/diag.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
tags = ['rot_pdl1', 'l2_pdl1', 'rot_pdl0', 'l2_pdl0']
print('K N M kernel splits |', ' '.join(tags))
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    xs = [x for x in r if (x['K'], x['N'], x['M']) == c]
    cells = []
    for t in tags:
        v = sorted(x['us'] for x in xs if x['tag'] == t)
        cells.append('/'.join(f'{u:.2f}' for u in v))
    print(*c, xs[0]['kernel'][10:], 's%d' % xs[0]['nsplit'], '|', ' '.join(cells))
PY
