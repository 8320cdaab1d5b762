#!/bin/bash
# v17d final, two calls (H100):
#   final_v17d.sh <carry> <outdir> check  (~5 min): full correctness suite
#     with the shipped runtime, then the same-call A/B of the v16 build
#     (base/: v14 cubin, runtime from 7967630) against v17d at M = 32, 64,
#     128, 256 on the four Llama-3-8B shapes, two alternating passes.
#   final_v17d.sh <carry> <outdir> bench  (~4 min): bench.py with both
#     peers, the floor and the no-PDL column on the six shapes.
#   (carry: bin/ lib/ gen/ bench/ base/)
set -o pipefail
D=$1; OUT=$2; MODE=$3
export PYTHONUNBUFFERED=1
if [ "$MODE" = bench ]; then
  date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1
  tail -52 $OUT/bench.log; date
  exit 0
fi
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT check
echo "M=130 runs through 16/32-row kernels passed: $(grep PASS $OUT/check.log | grep 'M=130 ' | grep -c '_m\(16\|32\)_')"
gzip -f $OUT/check.log
date
for pass in a b; do
  for v in v16 v17; do
    if [ $v = v16 ]; then L=$D/base/lib; B=$D/base/bin/qm-dqgemm-bench; G=$D/base/gen
    else L=$D/lib; B=$D/bin/qm-dqgemm-bench; G=$D/gen; fi
    LD_LIBRARY_PATH=$L $B $G/dqgemm_sm_90.cubin $G/manifest.txt 4096:6144 4096:4096 4096:28672 14336:4096 --m 32,64,128,256 | sed "s/^{/{\"tag\": \"$v$pass\", /" >> $OUT/ab.jsonl || echo "$v bench failed"
  done
done
date
python3 - $OUT/ab.jsonl <<'PY' | tee $OUT/ab_summary.txt
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    t = ('v16a', 'v16b', 'v17a', 'v17b')
    print(c, ' '.join(f"{k}={d[k]['us']:.2f}" for k in t if k in d), '|',
          d['v16a']['kernel'][10:], 's%d' % d['v16a']['nsplit'], '->',
          d['v17a']['kernel'][10:], 's%d' % d['v17a']['nsplit'],
          'z%d' % d['v17a']['grid'][2])
PY
