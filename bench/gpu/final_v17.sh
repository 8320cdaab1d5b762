#!/bin/bash
# v17 final benchmark (one call, ~7 min, H100): bench.py with both peers,
# the floor and the no-PDL column on the six shapes (gen/ = v17 cubin,
# runtime at HEAD), then the same-call A/B of the v16 build (base/: v14
# cubin, runtime from 7967630) against v17 on the four Llama-3-8B shapes at
# M = 1, 8, 12, 16 and the two large shapes at M = 9, 12, 16, two
# alternating passes. The correctness suite runs in its own call
# (run_on_device.sh carry $OUT check).
#   final_v17.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/ base/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1
tail -75 $OUT/bench.log; date
ab() {
  for pass in a b; do
    qm_bench_of $D/base/bin/qm-dqgemm-bench $D/base/lib $D/base/gen v16$pass "$@"
    qm_bench_of $D/bin/qm-dqgemm-bench $D/lib $D/gen v17$pass "$@"
  done
}
ab 4096:6144 4096:4096 4096:28672 14336:4096 --m 1,8,12,16
ab 8192:28672 28672:8192 --m 9,12,16
date
python3 $D/bench/ab_summary.py $OUT/ab.jsonl v16 v17 | tee $OUT/ab_summary.txt
