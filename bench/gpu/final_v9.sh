#!/bin/bash
# v9 final run on the GPU machine (one call, ~7 min): correctness suite,
# the benchmark with both peers and the floor, then an A/B of the v8 cubin
# against v9 on the six shapes at M = 1, 8, 16 (same runtime binaries).
#   final_v9.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v8/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
bash $D/bench/run_on_device.sh $D $OUT check
bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1; tail -70 $OUT/bench.log
B=$D/bin/qm-dqgemm-bench; C=$D/gen/dqgemm_sm_90.cubin; MF=$D/gen/manifest.txt
C8=$D/gen_v8/dqgemm_sm_90.cubin; M8=$D/gen_v8/manifest.txt
for tag in v8 v9 v8b v9b; do
  case $tag in v8*) a="$C8 $M8";; v9*) a="$C $MF";; esac
  $B $a --m 1,8,16 | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl || echo "bench $tag failed"
done
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v8', 'v8b', 'v9', 'v9b') if t in d),
          d['v9']['kernel'][10:] if 'v9' in d else '', 'nsplit', d['v9']['nsplit'] if 'v9' in d else '')
PY
