#!/bin/bash
# v11d experiment (one call, ~3 min): 16-warp unswapped streamed kernel
# (`_m16_w16_s3_g_a`, one block per SM) for M = 9..16 on small shapes.
# Correctness suite on the new cubin (its default plans use the kernel at
# M = 9..16 where two splits fit one wave), A/B against the v10 cubin with
# one process per (cubin, M) alternating three times, and a split sweep.
#   exp_v11d.sh <carry dir> <outdir>  (carry: bin/ lib/ gen11d/ gen_v10/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
B=$D/bin/qm-dqgemm-bench
CN="$D/gen11d/dqgemm_sm_90.cubin $D/gen11d/manifest.txt"
C10="$D/gen_v10/dqgemm_sm_90.cubin $D/gen_v10/manifest.txt"
J=$OUT/exp_d.jsonl
date; $D/bin/qm-dqgemm-check $CN > $OUT/check_d.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY" $OUT/check_d.log | tail -5
echo "runs through m16_w16: $(grep -c m16_w16 $OUT/check_d.log), chain links: $(grep chain $OUT/check_d.log | grep -c m16_w16)"
date
for i in 1 2 3; do
  for M in 16 12 9; do
    for tag in v10 v11d; do
      case $tag in v10) a="$C10";; v11d) a="$CN";; esac
      $B $a 4096:4096 4096:6144 --m $M | sed "s/^{/{\"tag\": \"$tag\", /" >> $J
    done
  done
done
$B $CN 4096:4096 4096:6144 14336:4096 --m 16 --warps 16 --stream-a 1 --deep 0 --cps-list 1,2,4,8 | sed "s/^{/{\"tag\": \"sweep_w16\", /" >> $J
$B $CN 4096:4096 --m 16 --warps 16 --stream-a 1 --deep 0 --pdl 0 | sed "s/^{/{\"tag\": \"w16_nopdl\", /" >> $J
$B $C10 4096:4096 --m 16 --pdl 0 | sed "s/^{/{\"tag\": \"v10_nopdl\", /" >> $J
date
python3 - $J <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = [x for x in r if (x['K'], x['N'], x['M']) == c]
    for t in ('v10', 'v11d', 'sweep_w16', 'w16_nopdl', 'v10_nopdl'):
        xs = [x for x in d if x['tag'] == t]
        if xs:
            print(c, t, ' '.join(f"{x['us']:.2f}/s{x['nsplit']}" for x in xs), xs[0]['kernel'][10:])
PY
