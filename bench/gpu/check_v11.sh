#!/bin/bash
# v11 closing call (~2.5 min): the correctness suite (with the 16-warp
# variants) on the shipped cubin gen/ (v11 final kernels + the selectable
# `_m16_w16_s3_g_a`), then its default plans against the v10 cubin on the
# four Llama-3-8B shapes at M = 1, 8, 16 (two alternating passes).
#   check_v11.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v10/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
date; bash $D/bench/run_on_device.sh $D $OUT check
echo "runs through _sw: $(grep -c _sw $OUT/check.log), through m16_w16: $(grep -c m16_w16 $OUT/check.log), chain links through either: $(grep chain $OUT/check.log | grep -c '_sw\|m16_w16')"
B=$D/bin/qm-dqgemm-bench
for tag in v10 v11 v10b v11b; do
  case $tag in v10*) a="$D/gen_v10/dqgemm_sm_90.cubin $D/gen_v10/manifest.txt";;
               v11*) a="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt";; esac
  $B $a 4096:6144 4096:4096 4096:28672 14336:4096 --m 1,8,16 | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab2.jsonl
done
date
python3 - $OUT/ab2.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v10', 'v10b', 'v11', 'v11b') if t in d), d['v11']['kernel'][10:], 's%d' % d['v11']['nsplit'])
PY
