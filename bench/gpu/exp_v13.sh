#!/bin/bash
# v13 experiment (~3 min): two-split reduction through one atomic exchange
# per output element (gen13/, with timeline twins of the table's kernels).
# Correctness suite on gen13/, then the v11 cubin (gen/) and gen13/ with
# the same runtime binaries on the four Llama-3-8B shapes at M = 1, 8, 16
# (alternating processes, two passes each), then timelines of 4096x4096.
#   exp_v13.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen13/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G13="$D/gen13/dqgemm_sm_90.cubin $D/gen13/manifest.txt"
G11="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
$D/bin/qm-dqgemm-check $G13 > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -20
echo "two-split non-cluster runs passed: $(grep PASS $OUT/check.log | grep 'nsplit=2 cluster=0' | wc -l) (chain links: $(grep PASS $OUT/check.log | grep chain | grep -c 'nsplit=2 cluster=0'))"
S4="4096:6144 4096:4096 4096:28672 14336:4096"
for pass in a b; do
  $B $G11 $S4 --m 1,8,16 | sed "s/^{/{\"tag\": \"v11$pass\", /" >> $OUT/ab.jsonl
  $B $G13 $S4 --m 1,8,16 | sed "s/^{/{\"tag\": \"v13$pass\", /" >> $OUT/ab.jsonl
done
$B $G13 4096:4096 --m 1,8 --trace $OUT/trace.jsonl > /dev/null
python3 $D/bench/trace_summary.py $OUT/trace.jsonl | tee $OUT/summary.txt
rm -f $OUT/trace.jsonl
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v11a', 'v11b', 'v13a', 'v13b') if t in d), d['v13a']['kernel'][10:], 's%d' % d['v13a']['nsplit'])
PY
