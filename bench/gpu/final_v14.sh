#!/bin/bash
# v14 final run on an H100 (one call, ~7 min): correctness suite on gen/
# (the v14 cubin: scales two chunks ahead, long-chunk kernels), the
# benchmark of gen/ with both peers and the floor (v14 runtime and tile
# table), then an A/B of the v13 build (gen_v13/ = the v13d cubin, with the
# v13 runtime binaries built from dd58b95 in v13/) against v14 on the four
# Llama-3-8B shapes at M = 1, 4, 8, 12, 16 (two alternating passes each).
#   final_v14.sh <carry dir> <outdir>
#   (carry: bin/ lib/ gen/ gen_v13/ v13/{bin,lib} bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT check
echo "long-chunk (_u4/_u8) runs passed: $(grep PASS $OUT/check.log | grep -c '_u[48] ')"
echo "two-split non-cluster runs passed: $(grep PASS $OUT/check.log | grep 'nsplit=2 cluster=0' | wc -l) (chain links: $(grep PASS $OUT/check.log | grep chain | grep -c 'nsplit=2 cluster=0'))"
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1; tail -75 $OUT/bench.log; date
S4="4096:6144 4096:4096 4096:28672 14336:4096"
for pass in a b; do
  LD_LIBRARY_PATH=$D/v13/lib $D/v13/bin/qm-dqgemm-bench $D/gen_v13/dqgemm_sm_90.cubin $D/gen_v13/manifest.txt $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v13$pass\", /" >> $OUT/ab.jsonl || echo "v13 bench failed"
  LD_LIBRARY_PATH=$D/lib $D/bin/qm-dqgemm-bench $D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v14$pass\", /" >> $OUT/ab.jsonl || echo "v14 bench failed"
done
date
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v13a', 'v13b', 'v14a', 'v14b') if t in d),
          '|', d['v13a']['kernel'][10:], 's%d' % d['v13a']['nsplit'], '->', d['v14a']['kernel'][10:], 's%d' % d['v14a']['nsplit'])
PY
