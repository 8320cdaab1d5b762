#!/bin/bash
# v14b experiment (~3 min, H100): scales prefetched two chunks ahead
# (gen/ = v14b cubin) against the v13d cubin (gen_v13/, same runtime
# binaries), table plans, alternating, two passes; then the long-chunk
# plans on the v14b cubin; correctness suite first.
#   exp_v14b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v13/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
G13="$D/gen_v13/dqgemm_sm_90.cubin $D/gen_v13/manifest.txt"
echo "== correctness =="
$D/bin/qm-dqgemm-check $G > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -20
sw() { tag=$1; shift; $B "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
SW="--swap 1 --stream-a 1 --deep 0"
US="--swap 0 --stream-a 1 --deep 0"
SH="4096:4096 4096:6144 14336:4096 4096:28672"
for pass in a b; do
  sw v13 $G13 $SH --m 1,8,16
  sw v14b $G $SH --m 1,8,16
done
for pass in a b; do
  sw w16u4 $G 4096:4096 --m 1,8 $SW --warps 16 --unroll 4 --cps-list 2
  sw w16u8 $G 4096:4096 --m 1,8 $SW --warps 16 --unroll 8 --cps-list 1
  sw w8u8 $G 4096:6144 --m 1,8 $SW --warps 8 --unroll 8 --cps-list 2
  sw w8u8 $G 14336:4096 --m 1,8 $SW --warps 8 --unroll 8 --cps-list 7,4
  sw w16u4 $G 14336:4096 --m 1,8 $SW --warps 16 --unroll 4 --cps-list 7
  sw m16w16u2 $G 4096:4096 4096:6144 --m 16 $US --warps 16 --unroll 0 --cps-list 4
  sw m16w16u4 $G 4096:4096 14336:4096 --m 16 $US --warps 16 --unroll 4 --cps-list 2,7
  sw m16w16u8 $G 4096:4096 --m 16 $US --warps 16 --unroll 8 --cps-list 1
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl | tee $OUT/summary.txt
