#!/bin/bash
# v18 experiment (~7 min, H100): full correctness suite on the v18 cubin
# (gen/: v17 + warps-splitting-M kernels, check variants 29-31), then M =
# 32..256 on the four Llama-3-8B shapes: the v17 table (16-row blocks)
# against warps splitting M in blocks of 32, 64 and 128 rows.
#   exp_v18.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
date
$D/bin/qm-dqgemm-check $G > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY|error" $OUT/check.log | tail -8
echo "split-M runs passed: $(grep PASS $OUT/check.log | grep -c '_w[248]m_')"
gzip -f $OUT/check.log
date
sw() { tag=$1; shift; $B $G "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl; }
S="4096:4096 14336:4096 4096:28672 4096:6144"
sw table $S --m 32,64,128,256
sw sm32 $S --m 32,64 --split-m 32
sw sm64 $S --m 64,128,256 --split-m 64
sw sm128 $S --m 128,256 --split-m 128
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
