#!/bin/bash
# v17 experiment (~5 min, H100): swapped kernels with two n8 row tiles
# (16-row blocks, `_m16_..._g_a_sw`) at M = 9..16. Full correctness suite
# on the v17 cubin (gen/), then the table plan (v16: 8-row swapped blocks
# on 4096x4096, the unswapped m16 kernels elsewhere) against forced 16-row
# swapped plans (and, on 4096x4096, the 8-row v16 plan) at M = 12 and 16,
# two passes.
#   exp_v17.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_start
qm_count "16-row swapped" 'direct_m16_w[0-9]*_s3_g_a_sw'
SW="--swap 1 --stream-a 1 --deep 0 --split-n 0"
for pass in a b; do
  qm_sw table 4096:4096 4096:6144 14336:4096 4096:28672 --m 12,16
  qm_sw r16_w16 4096:4096 4096:6144 --m 12,16 $SW --warps 16 --cps-list 8,4
  qm_sw r16_w8 4096:4096 4096:6144 --m 12,16 $SW --warps 8 --cps-list 4,2
  qm_sw r16_w4 4096:4096 4096:6144 --m 16 $SW --warps 4 --cps-list 2,1
  qm_sw r16_w16 14336:4096 --m 12,16 $SW --warps 16 --cps-list 14,7
  qm_sw r16_w16u4 14336:4096 --m 16 $SW --warps 16 --unroll 4 --cps-list 7,4
  qm_sw r16_w8u8 14336:4096 --m 12,16 $SW --warps 8 --unroll 8 --cps-list 7,4
  qm_sw r16_w8 14336:4096 --m 16 $SW --warps 8 --cps-list 7
  qm_sw r16_w8 4096:28672 --m 12,16 $SW --warps 8 --cps-list 8,4
  qm_sw r16_w4 4096:28672 --m 16 $SW --warps 4 --cps-list 8,4,2
  qm_sw r16_w16 4096:28672 --m 16 $SW --warps 16 --cps-list 8
  date
done
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 6 --table | tee $OUT/summary.txt
