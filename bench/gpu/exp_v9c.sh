#!/bin/bash
# v9c experiment (one call, ~2 min): correctness suite of the v9c cubin
# (gen/: one acquire-release atomic per split-K arrival instead of fence,
# atomic, fence), then an A/B against the v9 cubin (gen_v9a/), alternating.
#   exp_v9c.sh <carry dir> <outdir>
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
bash $D/bench/run_on_device.sh $D $OUT check
B=$D/bin/qm-dqgemm-bench
S="4096:6144 4096:4096 4096:28672 14336:4096"
for tag in v9a v9c v9a2 v9c2; do
  case $tag in v9a*) g=gen_v9a;; v9c*) g=gen;; esac
  $B $D/$g/dqgemm_sm_90.cubin $D/$g/manifest.txt $S --m 1,8,16 | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl || echo "bench $tag failed"
done
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x['us'] for x in r if (x['K'], x['N'], x['M']) == c}
    a = min(d['v9a'], d['v9a2']); b = min(d['v9c'], d['v9c2'])
    print(c, ' '.join(f"{t}={d[t]:.2f}" for t in ('v9a', 'v9a2', 'v9c', 'v9c2')), f"c/a={b / a:.3f}")
PY
