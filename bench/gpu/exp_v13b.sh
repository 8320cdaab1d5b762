#!/bin/bash
# v13b experiment (~4 min): the two-split exchange with batched exchanges
# (gen13/). Correctness suite, A/B against the v11 cubin (gen/) on the four
# Llama-3-8B shapes at M = 1, 8, 16 (alternating processes, two passes),
# a sweep of two-split plans where the table uses more splits, and the
# timeline of 4096x4096 M = 16.
#   exp_v13b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen13/ bench/)
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
sw() { tag=$1; shift; $B $G13 "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
for w in 4 8 16; do
  sw sw_w$w 4096:6144 --m 1,8 --swap 1 --warps $w --stream-a 1 --cps-list 4,2
  sw sw_w$w 14336:4096 --m 1,8 --swap 1 --warps $w --stream-a 1 --cps-list 14,7,4
done
for d in 0 1; do
  sw m16_d$d 4096:4096 --m 16 --swap 0 --deep $d --stream-a 1 --cps-list 4,2,1
  sw m16_d$d 4096:6144 --m 16 --swap 0 --deep $d --stream-a 1 --cps-list 4,2
  sw m16_d$d 14336:4096 --m 16 --swap 0 --deep $d --stream-a 1 --cps-list 14,7
  sw m16_d$d 4096:28672 --m 16 --swap 0 --deep $d --stream-a 1 --cps-list 4
done
$B $G13 4096:4096 --m 16 --trace $OUT/trace.jsonl > /dev/null
python3 $D/bench/trace_summary.py $OUT/trace.jsonl | tee $OUT/summary.txt
rm -f $OUT/trace.jsonl
python3 - $OUT/ab.jsonl $OUT/sweep.jsonl <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = {x['tag']: x for x in r if (x['K'], x['N'], x['M']) == c}
    print(c, ' '.join(f"{t}={d[t]['us']:.2f}" for t in ('v11a', 'v11b', 'v13a', 'v13b') if t in d), d['v13a']['kernel'][10:], 's%d' % d['v13a']['nsplit'])
s = [json.loads(l) for l in open(sys.argv[2])]
for c in sorted({(x['K'], x['N'], x['M']) for x in s}):
    xs = sorted((x for x in s if (x['K'], x['N'], x['M']) == c), key=lambda x: x['us'])
    print(c, ' | '.join(f"{x['kernel'][10:]} s{x['nsplit']} {x['us']:.2f}" for x in xs[:6]))
PY
# SASS of the 4096x4096 M <= 8 kernel (for reading the main loop here).
CO=$(command -v cuobjdump || ls /usr/local/cuda*/bin/cuobjdump 2>/dev/null | head -1)
echo "cuobjdump: ${CO:-none}"
[ -n "$CO" ] && $CO -sass -fun qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw $D/gen13/dqgemm_sm_90.cubin > $OUT/sass_w16_sw.txt 2>&1
[ -n "$CO" ] && $CO -res-usage $D/gen13/dqgemm_sm_90.cubin 2>&1 | grep -A1 "m8_w16_s3_g_a_sw\b\|m8_w4_s3_g_a_sw\b" | head -8
true
