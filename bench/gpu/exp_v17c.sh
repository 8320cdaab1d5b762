#!/bin/bash
# v17c (~4 min, H100): full correctness suite with the v17 runtime (cluster
# plans now shortened to fit their partial tile; 16-row swapped table entry
# for wide shapes at M = 9..16), then the v17 table against the v16 plans
# (--swap 0: the table without swapped kernels, i.e. the v16 plan for wide
# shapes) and forced 16-row swapped plans on the two wide shapes and
# 28672x8192, two passes.
#   exp_v17c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
date
$D/bin/qm-dqgemm-check $G > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -8
echo "16-row swapped runs passed: $(grep PASS $OUT/check.log | grep -c 'direct_m16_w[0-9]*_s3_g_a_sw')"
echo "M=11 runs passed: $(grep PASS $OUT/check.log | grep -c 'M=11 ')"
gzip -f $OUT/check.log
date
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
SW="--swap 1 --stream-a 1 --deep 0 --split-n 0"
for pass in a b; do
  sw table 4096:28672 8192:28672 28672:8192 --m 9,12,16
  sw v16plan 4096:28672 8192:28672 --m 9,12,16 --swap 0
  sw r16_w8 8192:28672 --m 12,16 $SW --warps 8 --cps-list 8,4
  sw r16_w4 8192:28672 --m 16 $SW --warps 4 --cps-list 8,4
  sw r16_w8 28672:8192 --m 12,16 $SW --warps 8 --cps-list 28,14
  sw r16_w8u8 28672:8192 --m 16 $SW --warps 8 --unroll 8 --cps-list 14,7
  date
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
