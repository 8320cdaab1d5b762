#!/bin/bash
# v18c final (one call, ~7 min, H100): full correctness suite with the
# runtime at HEAD (v17 cubin), a same-call A/B of the previous runtime
# (prev/: v17d, split-K past M = 32 on small shapes) against HEAD (one
# block per SM as the split target there) on 4096x4096 and 4096x6144 at
# M = 33..256, two alternating passes, then bench.py (the final table).
#   final_v18c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/ prev/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT check
gzip -f $OUT/check.log
date
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
for pass in a b; do
  LD_LIBRARY_PATH=$D/prev/lib $D/prev/bin/qm-dqgemm-bench $G 4096:4096 4096:6144 --m 33,48,64,96,128,256 | sed "s/^{/{\"tag\": \"v17d$pass\", /" >> $OUT/ab.jsonl
  LD_LIBRARY_PATH=$D/lib $D/bin/qm-dqgemm-bench $G 4096:4096 4096:6144 --m 33,48,64,96,128,256 | sed "s/^{/{\"tag\": \"v18c$pass\", /" >> $OUT/ab.jsonl
done
python3 - $OUT/ab.jsonl <<'PY' | tee $OUT/ab_summary.txt
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    t = ('v17da', 'v17db', 'v18ca', 'v18cb')
    print(c, ' '.join(f"{k}={d[k]['us']:.2f}" for k in t if k in d), '|',
          's%d' % d['v17da']['nsplit'], '->', 's%d' % d['v18ca']['nsplit'])
PY
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1
tail -52 $OUT/bench.log; date
