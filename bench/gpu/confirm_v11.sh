#!/bin/bash
# v11 follow-up (one call, ~1 min): the tile table after the final call
# (deep shapes swap only at M = 1) on M = 1..4, v10 cubin against v11, two
# alternating passes; then M = 16 alone per process (same kernel and plan
# in both cubins), alternating v10 / v11 three times, to see whether the
# M = 16 differences of the final A/B follow the cubin or the process.
#   confirm_v11.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v10/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
B=$D/bin/qm-dqgemm-bench
C11="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
C10="$D/gen_v10/dqgemm_sm_90.cubin $D/gen_v10/manifest.txt"
J=$OUT/confirm.jsonl
for tag in v10 v11 v10b v11b; do
  case $tag in v10*) a="$C10";; v11*) a="$C11";; esac
  $B $a 4096:4096 4096:6144 14336:4096 --m 1,2,3,4 | sed "s/^{/{\"tag\": \"$tag\", /" >> $J
done
for i in 1 2 3; do
  for tag in v10 v11; do
    case $tag in v10*) a="$C10";; v11*) a="$C11";; esac
    $B $a 4096:6144 14336:4096 4096:4096 --m 16 | sed "s/^{/{\"tag\": \"m16_$tag\", /" >> $J
  done
done
python3 - $J <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = [x for x in r if (x['K'], x['N'], x['M']) == c]
    for t in ('v10', 'v11', 'm16_v10', 'm16_v11'):
        xs = [x for x in d if x['tag'].rstrip('b') == t]
        if xs:
            print(c, t, ' '.join(f"{x['us']:.2f}" for x in xs), xs[0]['kernel'][10:], 's%d' % xs[0]['nsplit'])
PY
