#!/bin/bash
# v10 final run on the GPU machine (one call, ~8 min): correctness suite on
# gen/ and gen_ws/, the benchmark of gen/ with both peers and the floor,
# then an A/B of the two cubins on the six shapes at M = 1, 8, 16 (same
# runtime binaries, two passes each; tags "v9" = gen/, "ws" = gen_ws/).
# Second v10 call (h100_*_v10b, *_v10_v9cubin): gen/ = `quant-gpu-gen
# --v9-kernels` (byte-identical to the v9 cubin), gen_ws/ = the v10 default
# set. (The first, final call ran the same steps with gen/ = v10 and the
# v9 cubin in the A/B, tags "v10" / "v9": h100_*_v10.*.)
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
