#!/bin/bash
# Final run on an H100 (one call, ~7 min): the full correctness suite on
# gen/, bench.py with both peers and the floor, then, where the carry holds
# a baseline build (base/gen/ cubin + manifest and base/{bin,lib}), an A/B
# of it against gen/ on the four Llama-3-8B shapes at M = 1, 4, 8, 12, 16
# (two alternating passes). The per-version final_v1x.sh scripts are the
# records of what ran; this one is their common form for the next version
# (derived from final_v14.sh, not yet run as such).
#   final.sh <carry dir> <outdir> [tag]   (carry: bin/ lib/ gen/ bench/ [base/])
set -o pipefail
D=$1; OUT=$2; TAG=${3:-new}
export PYTHONUNBUFFERED=1
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT check
echo "two-split non-cluster runs passed: $(grep PASS $OUT/check.log | grep -c 'nsplit=2 cluster=0')"
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1
tail -75 $OUT/bench.log; date
[ -d $D/base/gen ] || exit 0
S4="4096:6144 4096:4096 4096:28672 14336:4096"
for pass in a b; do
  LD_LIBRARY_PATH=$D/base/lib $D/base/bin/qm-dqgemm-bench $D/base/gen/dqgemm_sm_90.cubin $D/base/gen/manifest.txt $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"base$pass\", /" >> $OUT/ab.jsonl || echo "base bench failed"
  LD_LIBRARY_PATH=$D/lib $D/bin/qm-dqgemm-bench $D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt $S4 --m 1,4,8,12,16 | sed "s/^{/{\"tag\": \"$TAG$pass\", /" >> $OUT/ab.jsonl || echo "$TAG bench failed"
done
date
python3 $D/bench/ab_summary.py $OUT/ab.jsonl base $TAG
