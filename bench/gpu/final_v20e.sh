#!/bin/bash
# v20e (one call, H100): the quick correctness suite with the final v20
# table, the table's plans where v20d changed it (8192-deep big shapes at
# M = 9..16; 14336x4096 at M = 13..16), then bench.py on all six shapes
# at M = 1, 8, 16.
#   final_v20e.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start --quick
qm_sw table 8192:28672 28672:8192 --m 9,12,16
qm_sw table 14336:4096 --m 13,14,15,16
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 2 --table | tee $OUT/summary.txt
LD_LIBRARY_PATH=$D/lib python3 $D/bench/bench.py --ours-bin $D/bin/qm-dqgemm-bench \
  --cubin $D/gen/dqgemm_sm_90.cubin --manifest $D/gen/manifest.txt \
  --out $OUT/bench.json --m 1,8,16 2>&1 | tee $OUT/bench.log | tail -22
date
