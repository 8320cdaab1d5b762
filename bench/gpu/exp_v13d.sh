#!/bin/bash
# v13d experiment (~3 min): the chunk's stage carried through the main loop
# (no 64-bit modulo per chunk) and swapped kernels storing only rows below
# M for the in-block reduction (gen13d/), against the v13 cubin (gen/),
# same runtime binaries: correctness suite on gen13d/, then the four
# Llama-3-8B shapes at M = 1, 4, 8, 12, 16, alternating processes, two
# passes each.
#   exp_v13d.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen13d/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
GD="$D/gen13d/dqgemm_sm_90.cubin $D/gen13d/manifest.txt"
G13="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
$D/bin/qm-dqgemm-check $GD > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -20
S4="4096:6144 4096:4096 4096:28672 14336:4096"
for pass in a b; do
  $B $G13 $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v13$pass\", /" >> $OUT/ab.jsonl
  $B $GD $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v13d$pass\", /" >> $OUT/ab.jsonl
done
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    a = min(d['v13a']['us'], d['v13b']['us']); b = min(d['v13da']['us'], d['v13db']['us'])
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v13a', 'v13b', 'v13da', 'v13db') if t in d), f"{100*(b/a-1):+.1f}%", d['v13a']['kernel'][10:], 's%d' % d['v13a']['nsplit'])
PY
