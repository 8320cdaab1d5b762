#!/bin/bash
# v12 experiment (~3 min): L2 prefetch of the next launch's weight.
# Correctness suite on the v12 cubin (gen12/; chains name the next weight),
# then the four Llama-3-8B shapes at M = 1, 8, 16 with prefetch steps
# 0 (off), 256, 1024, 4096, 16384 bytes in one process (two passes, the
# second in reverse order), the v11 cubin (gen/) with the same runtime, and
# the two large shapes with 0 / 4096.
#   exp_v12.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen12/ bench/)
# Needs the binaries and gen12/ cubin of commit 3677f33 (the prefetch was
# reverted after this measurement: results/h200_exp_v12_prefetch.jsonl).
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
date
B=$D/bin/qm-dqgemm-bench
G12="$D/gen12/dqgemm_sm_90.cubin $D/gen12/manifest.txt"
G11="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
$D/bin/qm-dqgemm-check $G12 > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -20
S4="4096:6144 4096:4096 4096:28672 14336:4096"
$B $G12 $S4 --m 1,8,16 --prefetch-list 0,256,1024,4096,16384 | sed 's/^{/{"tag": "v12a", /' >> $OUT/ab.jsonl
$B $G11 $S4 --m 1,8,16 --prefetch-list 0 | sed 's/^{/{"tag": "v11", /' >> $OUT/ab.jsonl
$B $G12 $S4 --m 1,8,16 --prefetch-list 16384,4096,1024,256,0 | sed 's/^{/{"tag": "v12b", /' >> $OUT/ab.jsonl
$B $G12 8192:28672 28672:8192 --m 1,8,16 --prefetch-list 0,4096 | sed 's/^{/{"tag": "v12a", /' >> $OUT/ab.jsonl
date
python3 - $OUT/ab.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    xs = [x for x in r if (x['K'], x['N'], x['M']) == c]
    row = ' '.join(f"{x['tag']}/pf{x['prefetch']}={x['us']:.2f}" for x in sorted(xs, key=lambda x: (x['prefetch'], x['tag'])))
    print(c, xs[0]['kernel'][10:], 's%d' % xs[0]['nsplit'], '|', row)
PY
