#!/bin/bash
# v11 final run on the GPU machine (one call, ~8.5 min): correctness suite
# on gen/ (the v11 cubin, swapped-operand kernels in the default plans), the
# benchmark of gen/ with both peers and the floor, an A/B of the v10 cubin
# (gen_v10/) against gen/ on the six shapes at M = 1, 4, 8, 16 (same runtime
# binaries, two alternating passes each), and the half-SM test: 4096x4096
# M = 1 with and without PDL on the 64-register 16-warp kernels (two
# splits: one block of 512 threads x 64 registers = half an SM, so the next
# launch's blocks co-reside) against the uncapped ones (92 registers: they
# cannot) and the v10 plan.
#   final_v11.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v10/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
B=$D/bin/qm-dqgemm-bench
C11="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
C10="$D/gen_v10/dqgemm_sm_90.cubin $D/gen_v10/manifest.txt"
date; bash $D/bench/run_on_device.sh $D $OUT check
echo "runs through _sw kernels: $(grep -c _sw $OUT/check.log)"
echo "chain links through _sw kernels: $(grep chain $OUT/check.log | grep -c _sw)"
date; bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1; tail -75 $OUT/bench.log; date
for tag in v10 v11 v10b v11b; do
  case $tag in v10*) a="$C10";; v11*) a="$C11";; esac
  $B $a --m 1,4,8,16 | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl || echo "bench $tag failed"
done
H=$OUT/hyp.jsonl
for pdl in 1 0; do
  $B $C10 4096:4096 --m 1 --pdl $pdl | sed "s/^{/{\"tag\": \"v10_p$pdl\", /" >> $H
  for mb in 0 2; do
    for d in 0 1; do
      $B $C11 4096:4096 --m 1 --pdl $pdl --swap 1 --warps 16 --minb $mb --deep $d \
        --stream-a 1 --cps-list 4 | sed "s/^{/{\"tag\": \"w16_r${mb}_d${d}_p$pdl\", /" >> $H
    done
  done
done
date
python3 - $OUT/ab.jsonl $H <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v10', 'v10b', 'v11', 'v11b') if t in d),
          d['v11']['kernel'][10:] if 'v11' in d else '', 'nsplit', d['v11']['nsplit'] if 'v11' in d else '')
print('half-SM test, 4096x4096 M = 1:')
for x in (json.loads(l) for l in open(sys.argv[2])):
    print('  %-14s %6.2f us  %s s%d smem %d' % (x['tag'], x['us'], x['kernel'][10:], x['nsplit'], x['smem']))
PY
