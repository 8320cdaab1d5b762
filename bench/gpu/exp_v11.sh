#!/bin/bash
# v11 experiment on the GPU machine (one call, ~4 min): correctness suite
# on the v11 cubin (swapped-operand `_sw` kernels included), the v10 cubin's
# default plans as the same-call baseline, then the swapped kernels over
# warps {4, 8, 16} x register cap x whole-slice x streamed activations x
# exact chunks per split, on the four Llama-3-8B shapes at M = 1 and 8.
#   exp_v11.sh <carry dir> <outdir>   (carry: bin/ lib/ gen11/ gen_v10/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
C11="$D/gen11/dqgemm_sm_90.cubin $D/gen11/manifest.txt"
C10="$D/gen_v10/dqgemm_sm_90.cubin $D/gen_v10/manifest.txt"
S=4096:4096,4096:6144,4096:28672,14336:4096
SH="4096:4096 4096:6144 4096:28672 14336:4096"
date; echo "== correctness, v11 cubin =="
$D/bin/qm-dqgemm-check $C11 > $OUT/check_exp.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY" $OUT/check_exp.log | tail -8
echo "runs through _sw kernels: $(grep -c _sw $OUT/check_exp.log)"
J=$OUT/exp.jsonl
tag() { sed "s/^{/{\"tag\": \"$1\", /" >> $J; }
date
$B $C10 $SH --m 1,8 | tag v10
$B $C11 $SH --m 1,8 | tag v11def
for sa in 0 1; do
  $B $C11 $SH --m 1,8 --swap 0 --deep 1 --stream-a $sa --cps-list 1,2,4,8 | tag "ns_d1_a$sa"
done
for w in 4 8 16; do
  for mb in 0 $((32 / w)); do
    [ $w = 4 ] && [ $mb != 0 ] && continue
    for d in 0 1; do
      for sa in 0 1; do
        $B $C11 $SH --m 1,8 --swap 1 --warps $w --minb $mb --deep $d --stream-a $sa \
          --cps-list 1,2,4,8 | tag "sw_w${w}_r${mb}_d${d}_a${sa}" || echo "bench w$w mb$mb d$d a$sa failed"
      done
    done
  done
done
date
$B $C10 $SH --m 1,8 | tag v10b
python3 - $J <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = [x for x in r if (x['K'], x['N'], x['M']) == c]
    base = [x['us'] for x in d if x['tag'] in ('v10', 'v10b')]
    print(c, 'v10', ' / '.join(f'{b:.2f}' for b in base),
          'v11def', ' '.join(f"{x['us']:.2f}" for x in d if x['tag'] == 'v11def'))
    for x in sorted([x for x in d if x['tag'] not in ('v10', 'v10b', 'v11def')],
                    key=lambda x: x['us'])[:8]:
        print('   %7.2f %-18s %-45s s%d' % (x['us'], x['tag'], x['kernel'][10:], x['nsplit']))
PY
