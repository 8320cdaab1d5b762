#!/bin/bash
# v13f experiment (~6.5 min): the exchange tree for 2..8 splits (gen13f/)
# against the shipped v13d cubin (gen/), same runtime binaries (the v13f
# runtime sizes the pair workspace for the tree; v13d kernels use only its
# first level). Correctness suite on gen13f/, then the six shapes at
# M = 1, 4, 8, 12, 16, alternating processes, two passes each.
#   exp_v13f.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen13f/ bench/)
# The tree was not kept (bench/gpu/NOTES.md, v13f): gen13f/ and the runtime
# that sizes its workspace came from an uncommitted working tree.
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
GF="$D/gen13f/dqgemm_sm_90.cubin $D/gen13f/manifest.txt"
GD="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
$D/bin/qm-dqgemm-check $GF > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -20
for s in 3 4 5 6 7 8; do echo "nsplit=$s non-cluster runs passed: $(grep PASS $OUT/check.log | grep -c "nsplit=$s cluster=0")"; done
for pass in a b; do
  $B $GD --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v13d$pass\", /" >> $OUT/ab.jsonl
  $B $GF --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"v13f$pass\", /" >> $OUT/ab.jsonl
done
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    a = min(d['v13da']['us'], d['v13db']['us']); b = min(d['v13fa']['us'], d['v13fb']['us'])
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v13da', 'v13db', 'v13fa', 'v13fb') if t in d), f"{100*(b/a-1):+.1f}%", d['v13fa']['kernel'][24:], 's%d' % d['v13fa']['nsplit'])
PY
# The benchmark of gen13f/ with both peers and the floor (the final table
# if the tree is kept).
python3 $D/bench/bench.py --ours-bin $D/bin/qm-dqgemm-bench --cubin $D/gen13f/dqgemm_sm_90.cubin \
  --manifest $D/gen13f/manifest.txt --out $OUT/bench.json > $OUT/bench.log 2>&1; echo "bench exit $?"
grep -A60 "^card:.*times in us" $OUT/bench.log | head -60
