#!/bin/bash
# v18c final (one call, ~7 min, H100): full correctness suite with the
# runtime at HEAD (v17 cubin), a same-call A/B of the previous runtime
# (prev/: v17d, split-K past M = 32 on small shapes) against HEAD (one
# block per SM as the split target there) on 4096x4096 and 4096x6144 at
# M = 33..256, two alternating passes, then bench.py (the final table).
#   final_v18c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/ prev/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start
for pass in a b; do
  qm_bench_of $D/prev/bin/qm-dqgemm-bench $D/prev/lib $D/gen v17d$pass 4096:4096 4096:6144 --m 33,48,64,96,128,256
  qm_bench_of $D/bin/qm-dqgemm-bench $D/lib $D/gen v18c$pass 4096:4096 4096:6144 --m 33,48,64,96,128,256
done
python3 $D/bench/ab_summary.py $OUT/ab.jsonl v17d v18c | tee $OUT/ab_summary.txt
date; LD_LIBRARY_PATH=$D/lib bash $D/bench/run_on_device.sh $D $OUT bench > /dev/null 2>&1
tail -52 $OUT/bench.log; date
