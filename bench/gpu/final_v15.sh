#!/bin/bash
# v15 run on an H100 (one call, ~6 min): correctness suite on gen/ (the v15
# cubin: swapped kernels that load activations straight to registers,
# `_ar`), an A/B of the table with and without them (--rega 0 gives the v14
# plans and kernels) at M = 1..8, two alternating passes, forced `_ar`
# plans on the other shapes, and the benchmark with both peers and the
# floor on the four Llama-3-8B shapes at M = 1, 8, 16.
#   final_v15.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
# A record: it needs the build of commit 6970275 (the `_ar` kernels and the
# --rega knob were reverted after this run).
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1 LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
date; bash $D/bench/run_on_device.sh $D $OUT check
echo "_ar runs passed: $(grep PASS $OUT/check.log | grep -c '_ar_sw ')"
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl; }
date
for pass in a b; do
  sw v14 4096:4096 4096:6144 --m 1,2,4,8 --rega 0
  sw v15 4096:4096 4096:6144 --m 1,2,4,8
done
for pass in a b; do
  sw ar_w8 14336:4096 --m 1,4,8 --swap 1 --rega 1 --warps 8 --cps-list 7,4
  sw ar_w4 14336:4096 --m 1 --swap 1 --rega 1 --warps 4 --cps-list 4
  sw v14 14336:4096 --m 1,4,8
  sw ar_w8 4096:28672 --m 1,8 --swap 1 --rega 1 --warps 8 --cps-list 4,2
  sw ar_w16 4096:4096 --m 1,8 --swap 1 --rega 1 --warps 16 --cps-list 2
  sw ar_w8 4096:4096 4096:6144 --m 1,8 --swap 1 --rega 1 --warps 8 --cps-list 4,2
done
date
python3 $D/bench/sweep_summary.py $OUT/ab.jsonl --top 5 | tee $OUT/ab_summary.txt
python3 $D/bench/bench.py --ours-bin $B --cubin $D/gen/dqgemm_sm_90.cubin \
  --manifest $D/gen/manifest.txt --out $OUT/bench.json \
  --shapes 4096:6144,4096:4096,4096:28672,14336:4096 --m 1,8,16 2>&1 | tee $OUT/bench.log | tail -16
date
