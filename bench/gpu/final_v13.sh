#!/bin/bash
# v13 final run on an H100 (one call, ~7 min): correctness suite on gen/
# (the v13 cubin: two-split exchange reduction), the benchmark of gen/ with
# both peers and the floor (v13 runtime and tile table), then an A/B of the
# v11 build (gen_v11/ cubin with the v11 runtime binaries in v11/) against
# v13 on the four Llama-3-8B shapes at M = 1, 4, 8, 12, 16 (two
# alternating passes each).
#   final_v13.sh <carry dir> <outdir>
#   (carry: bin/ lib/ gen/ gen_v11/ v11/{bin,lib} bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT check
echo "two-split non-cluster runs passed: $(grep PASS $OUT/check.log | grep 'nsplit=2 cluster=0' | wc -l) (chain links: $(grep PASS $OUT/check.log | grep chain | grep -c 'nsplit=2 cluster=0'))"
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1; tail -75 $OUT/bench.log; date
S4="4096:6144 4096:4096 4096:28672 14336:4096"
for pass in a b; do
  LD_LIBRARY_PATH=$D/v11/lib $D/v11/bin/qm-dqgemm-bench $D/gen_v11/dqgemm_sm_90.cubin $D/gen_v11/manifest.txt $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v11$pass\", /" >> $OUT/ab.jsonl || echo "v11 bench failed"
  LD_LIBRARY_PATH=$D/lib $D/bin/qm-dqgemm-bench $D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v13$pass\", /" >> $OUT/ab.jsonl || echo "v13 bench failed"
done
date
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v11a', 'v11b', 'v13a', 'v13b') if t in d),
          '|', d['v11a']['kernel'][10:], 's%d' % d['v11a']['nsplit'], '->', d['v13a']['kernel'][10:], 's%d' % d['v13a']['nsplit'])
PY
