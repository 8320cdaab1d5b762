#!/bin/bash
# v17 final benchmark (one call, ~7 min, H100): bench.py with both peers,
# the floor and the no-PDL column on the six shapes (gen/ = v17 cubin,
# runtime at HEAD), then the same-call A/B of the v16 build (base/: v14
# cubin, runtime from 7967630) against v17 on the four Llama-3-8B shapes at
# M = 1, 8, 12, 16 and the two large shapes at M = 9, 12, 16, two
# alternating passes. The correctness suite runs in its own call
# (run_on_device.sh carry $OUT check).
#   final_v17.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/ base/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1
tail -75 $OUT/bench.log; date
ab() {
  for pass in a b; do
    LD_LIBRARY_PATH=$D/base/lib $D/base/bin/qm-dqgemm-bench $D/base/gen/dqgemm_sm_90.cubin $D/base/gen/manifest.txt "$@" | sed "s/^{/{\"tag\": \"v16$pass\", /" >> $OUT/ab.jsonl || echo "base bench failed"
    LD_LIBRARY_PATH=$D/lib $D/bin/qm-dqgemm-bench $D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt "$@" | sed "s/^{/{\"tag\": \"v17$pass\", /" >> $OUT/ab.jsonl || echo "v17 bench failed"
  done
}
ab 4096:6144 4096:4096 4096:28672 14336:4096 --m 1,8,12,16
ab 8192:28672 28672:8192 --m 9,12,16
date
python3 - $OUT/ab.jsonl <<'PY' | tee $OUT/ab_summary.txt
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    t = ('v16a', 'v16b', 'v17a', 'v17b')
    print(c, ' '.join(f"{k}={d[k]['us']:.2f}" for k in t if k in d), '|',
          d['v16a']['kernel'][10:], 's%d' % d['v16a']['nsplit'], '->',
          d['v17a']['kernel'][10:], 's%d' % d['v17a']['nsplit'])
PY
