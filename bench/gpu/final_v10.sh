#!/bin/bash
# v10 final run on the GPU machine (one call, ~8 min): correctness suite on
# the shipped cubin (the default kernel set, byte-identical to v9's) and on
# the `--whole-slice` cubin, the benchmark with both peers and the floor,
# then an A/B of the two cubins on the six shapes at M = 1, 8, 16 (same
# runtime binaries, two passes each).
#   final_v10.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_ws/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
date; bash $D/bench/run_on_device.sh $D $OUT check
B=$D/bin/qm-dqgemm-bench; C=$D/gen/dqgemm_sm_90.cubin; MF=$D/gen/manifest.txt
CW=$D/gen_ws/dqgemm_sm_90.cubin; MW=$D/gen_ws/manifest.txt
date; echo "== correctness, whole-slice cubin =="
$D/bin/qm-dqgemm-check $CW $MW > $OUT/check_ws.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY" $OUT/check_ws.log | tail -8
echo "runs through _s9 kernels: $(grep -c _s9 $OUT/check_ws.log)"
date; bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1; tail -70 $OUT/bench.log; date
for tag in v9 ws v9b wsb; do
  case $tag in v9*) a="$C $MF";; ws*) a="$CW $MW";; esac
  $B $a --m 1,8,16 | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl || echo "bench $tag failed"
done
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v9', 'v9b', 'ws', 'wsb') if t in d),
          d['ws']['kernel'][10:] if 'ws' in d else '', 'nsplit', d['ws']['nsplit'] if 'ws' in d else '')
PY
