#!/bin/bash
# v16 experiment (~2.5 min, H100): swapped kernels at M = 9..16 as two
# 8-row blocks that each read the whole weight (runtime only; the v14 cubin
# in gen/): quick correctness suite (its forced-swap variants now run
# M = 16 swapped), then the table against forced swapped plans at M = 12
# and 16, two passes.
#   exp_v16.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
$D/bin/qm-dqgemm-check $G --quick > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -8
echo "swapped M > 8 runs passed: $(grep PASS $OUT/check.log | grep '_sw' | grep -cE 'M=(16|33) ')"
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
SW="--swap 1 --stream-a 1 --deep 0"
for pass in a b; do
  sw table 4096:4096 4096:6144 14336:4096 4096:28672 --m 12,16
  sw sw_w16 4096:4096 --m 12,16 $SW --warps 16 --cps-list 4
  sw sw_w8 4096:4096 4096:6144 --m 12,16 $SW --warps 8 --cps-list 4,2
  sw sw_w4 4096:4096 4096:6144 --m 12,16 $SW --warps 4 --cps-list 2
  sw sw_w8u8 14336:4096 --m 12,16 $SW --warps 8 --unroll 8 --cps-list 7,4
  sw sw_w8 14336:4096 --m 12,16 $SW --warps 8 --cps-list 7
  sw sw_w8u8 4096:28672 --m 12,16 $SW --warps 8 --unroll 8 --cps-list 4,2
  sw sw_w4 4096:28672 --m 16 $SW --warps 4 --cps-list 8,4
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 5 | tee $OUT/summary.txt
