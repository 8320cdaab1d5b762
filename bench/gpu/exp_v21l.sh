#!/bin/bash
# v21l (one call, H100, ~1 min): with warp barriers (v21b) and the padded
# reduction buffer (v21i), whether the whole-slice twins (`_s9`: every
# chunk of a block's split in shared memory, all fetched before the PDL
# wait; v10 found them slower) now beat the 3-stage plans: the table
# against `--deep 1` (same kernel kind and split), two alternating passes.
#   exp_v21l.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_device
B=$D/bin/qm-dqgemm-bench
S="4096:4096 4096:6144 14336:4096"
for pass in a b; do
  qm_bench_of $B $D/lib $D/gen table$pass $S --m 1,4,8,16
  qm_bench_of $B $D/lib $D/gen deep$pass $S --m 1,4,8,16 --deep 1
done
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl table deep | tee $OUT/ab_summary.txt
