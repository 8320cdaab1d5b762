#!/bin/bash
# v16 confirmation (~2 min, H100; v14 cubin, v16 runtime): quick
# correctness suite, the v16 table (4096x4096 M = 9..16: swapped 8-warp
# kernel, two splits, two row blocks) against the v14 plan (--swap 0), two
# alternating passes, and bench.py on 4096x4096 at M = 1, 8, 12, 16.
#   final_v16.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1 LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
$D/bin/qm-dqgemm-check $G --quick > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -8
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl; }
for pass in a b; do
  sw v14 4096:4096 --m 9,12,16 --swap 0
  sw v16 4096:4096 4096:6144 14336:4096 4096:28672 --m 9,12,16
done
python3 $D/bench/sweep_summary.py $OUT/ab.jsonl --all | tee $OUT/ab_summary.txt
python3 $D/bench/bench.py --ours-bin $B --cubin $D/gen/dqgemm_sm_90.cubin \
  --manifest $D/gen/manifest.txt --out $OUT/bench.json \
  --shapes 4096:4096 --m 1,8,12,16 2>&1 | tee $OUT/bench.log | tail -6
