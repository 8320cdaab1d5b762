#!/bin/bash
# v20a (one call, H100): the full correctness suite with the shipped v19
# table (stream-K for wide shapes with K < 8192 at M <= 16), then bench.py
# on the four Llama-3-8B shapes at M = 1, 8, 16 (both peers, the floor).
#   final_v20a.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start
qm_count "stream-K" '_sk '
LD_LIBRARY_PATH=$D/lib python3 $D/bench/bench.py --ours-bin $D/bin/qm-dqgemm-bench \
  --cubin $D/gen/dqgemm_sm_90.cubin --manifest $D/gen/manifest.txt \
  --out $OUT/bench.json --shapes 4096:6144,4096:4096,4096:28672,14336:4096 \
  --m 1,8,16 2>&1 | tee $OUT/bench.log | tail -20
date
