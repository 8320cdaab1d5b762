#!/bin/bash
# v14 experiment (~3 min, H100): the long-chunk kernels (`_u4` / `_u8`:
# 1024- / 2048-k chunks for 16 warps, 1024-k for 8 warps), after the
# correctness suite on the same cubin. Each cell also runs the table's plan
# (tag "table"); two passes.
#   exp_v14.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
echo "== correctness =="
$D/bin/qm-dqgemm-check $G > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -20
grep -c "_u[48]" $OUT/check.log
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
SW="--swap 1 --stream-a 1 --deep 0"
US="--swap 0 --stream-a 1 --deep 0"
for pass in a b; do
  sw table 4096:4096 4096:6144 14336:4096 4096:28672 --m 1,8,16
  # M <= 8, swapped
  sw w16u2 4096:4096 --m 1,8 $SW --warps 16 --unroll 0 --cps-list 4
  sw w16u4 4096:4096 --m 1,8 $SW --warps 16 --unroll 4 --cps-list 2,1
  sw w16u8 4096:4096 --m 1,8 $SW --warps 16 --unroll 8 --cps-list 1
  sw w8u8 4096:4096 --m 1,8 $SW --warps 8 --unroll 8 --cps-list 2,1
  sw w8u8 4096:6144 --m 1,8 $SW --warps 8 --unroll 8 --cps-list 2,1
  sw w16u4 4096:6144 --m 1,8 $SW --warps 16 --unroll 4 --cps-list 2
  sw w16u8 4096:6144 --m 1,8 $SW --warps 16 --unroll 8 --cps-list 1
  sw w8u8 14336:4096 --m 1,8 $SW --warps 8 --unroll 8 --cps-list 7,4,2
  sw w16u4 14336:4096 --m 1,8 $SW --warps 16 --unroll 4 --cps-list 7,4
  sw w16u8 14336:4096 --m 1,8 $SW --warps 16 --unroll 8 --cps-list 2,1
  sw w8u8 4096:28672 --m 1,8 $SW --warps 8 --unroll 8 --cps-list 4,2
  sw w16u4 4096:28672 --m 1,8 $SW --warps 16 --unroll 4 --cps-list 4
  # M = 16, 16 warps unswapped
  sw m16w16u2 4096:4096 4096:6144 --m 16 $US --warps 16 --unroll 0 --cps-list 4
  sw m16w16u4 4096:4096 4096:6144 --m 16 $US --warps 16 --unroll 4 --cps-list 2
  sw m16w16u8 4096:4096 4096:6144 --m 16 $US --warps 16 --unroll 8 --cps-list 1
  sw m16w16u4 14336:4096 --m 16 $US --warps 16 --unroll 4 --cps-list 7,4
  sw m16w16u8 14336:4096 --m 16 $US --warps 16 --unroll 8 --cps-list 2,1
  sw m16w16u4 4096:28672 --m 16 $US --warps 16 --unroll 4 --cps-list 4
  sw m16w16u8 4096:28672 --m 16 $US --warps 16 --unroll 8 --cps-list 2
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --table | tee $OUT/summary.txt
