#!/bin/bash
# v17c (~4 min, H100): full correctness suite with the v17 runtime (cluster
# plans now shortened to fit their partial tile; 16-row swapped table entry
# for wide shapes at M = 9..16), then the v17 table against the v16 plans
# (--swap 0: the table without swapped kernels, i.e. the v16 plan for wide
# shapes) and forced 16-row swapped plans on the two wide shapes and
# 28672x8192, two passes.
#   exp_v17c.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "16-row swapped" 'direct_m16_w[0-9]*_s3_g_a_sw'
qm_count "M=11" 'M=11 '
SW="--swap 1 --stream-a 1 --deep 0 --split-n 0"
for pass in a b; do
  qm_sw table 4096:28672 8192:28672 28672:8192 --m 9,12,16
  qm_sw v16plan 4096:28672 8192:28672 --m 9,12,16 --swap 0
  qm_sw r16_w8 8192:28672 --m 12,16 $SW --warps 8 --cps-list 8,4
  qm_sw r16_w4 8192:28672 --m 16 $SW --warps 4 --cps-list 8,4
  qm_sw r16_w8 28672:8192 --m 12,16 $SW --warps 8 --cps-list 28,14
  qm_sw r16_w8u8 28672:8192 --m 16 $SW --warps 8 --unroll 8 --cps-list 14,7
  date
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
