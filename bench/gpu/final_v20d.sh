#!/bin/bash
# v20d (one call, H100): the full correctness suite with the v20 table,
# a same-call A/B of the v19 plans against it where it changed (two
# alternating passes), a look at `_x2` on the 8192-deep big shapes, then
# bench.py on the four Llama-3-8B shapes at M = 1, 8, 16.
#   final_v20d.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start
qm_count "x2" '_x2'
V19SK="--stream-k 1 --swap 1 --stream-a 1 --split-n 0 --warps 8 --wide 0"
X="--wide 1 --swap 1 --stream-a 1 --split-n 0 --warps 8 --unroll 8"
for pass in a b; do
  qm_sw table 4096:28672 --m 9,12,16
  qm_sw v19 4096:28672 --m 9,12,16 $V19SK
  qm_sw table 14336:4096 --m 13,16
  qm_sw v19 14336:4096 --m 13,16 --swap 0
done
qm_sw table 8192:28672 28672:8192 --m 12,16
qm_sw x2u8sk 8192:28672 28672:8192 --m 12,16 $X --stream-k 1
qm_sw x2u8 8192:28672 --m 12,16 $X --stream-k 0 --cps-list 8,16
qm_sw x2u8 28672:8192 --m 12,16 $X --stream-k 0 --cps-list 14,28
date
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 4 --table | tee $OUT/summary.txt
LD_LIBRARY_PATH=$D/lib python3 $D/bench/bench.py --ours-bin $D/bin/qm-dqgemm-bench \
  --cubin $D/gen/dqgemm_sm_90.cubin --manifest $D/gen/manifest.txt \
  --out $OUT/bench.json --shapes 4096:6144,4096:4096,4096:28672,14336:4096 \
  --m 1,8,16 2>&1 | tee $OUT/bench.log | tail -16
date
