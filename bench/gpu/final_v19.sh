#!/bin/bash
# v19 final (one short call, H100): the quick correctness suite with the
# v19 table (stream-K for wide shapes with K < 8192 at M <= 16), then
# bench.py on 4096x28672 at M = 1, 8, 16 (both peers, the floor).
#   final_v19.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start --quick
LD_LIBRARY_PATH=$D/lib python3 $D/bench/bench.py --ours-bin $D/bin/qm-dqgemm-bench \
  --cubin $D/gen/dqgemm_sm_90.cubin --manifest $D/gen/manifest.txt \
  --out $OUT/bench.json --shapes 4096:28672 --m 1,8,16 2>&1 | tail -8
