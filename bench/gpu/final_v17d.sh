#!/bin/bash
# v17d final, two calls (H100):
#   final_v17d.sh <carry> <outdir> check  (~5 min): full correctness suite
#     with the shipped runtime, then the same-call A/B of the v16 build
#     (base/: v14 cubin, runtime from 7967630) against v17d at M = 32, 64,
#     128, 256 on the four Llama-3-8B shapes, two alternating passes.
#   final_v17d.sh <carry> <outdir> bench  (~4 min): bench.py with both
#     peers, the floor and the no-PDL column on the six shapes.
#   (carry: bin/ lib/ gen/ bench/ base/)
set -o pipefail
D=$1; OUT=$2; MODE=$3
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
if [ "$MODE" = bench ]; then
  date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1
  tail -52 $OUT/bench.log; date
  exit 0
fi
qm_start
qm_count "M=130 through 16/32-row kernels" 'M=130 ' '_m\(16\|32\)_'
for pass in a b; do
  qm_bench_of $D/base/bin/qm-dqgemm-bench $D/base/lib $D/base/gen v16$pass 4096:6144 4096:4096 4096:28672 14336:4096 --m 32,64,128,256
  qm_bench_of $D/bin/qm-dqgemm-bench $D/lib $D/gen v17$pass 4096:6144 4096:4096 4096:28672 14336:4096 --m 32,64,128,256
done
date
python3 $D/bench/ab_summary.py $OUT/ab.jsonl v16 v17 | tee $OUT/ab_summary.txt
