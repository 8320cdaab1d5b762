#!/bin/bash
# v21e (one call, H100, ~4 min): with warp barriers a warp waits only for
# its own copies, so the v14 finding (longer chunks make the first mma wait
# for more bytes) may no longer hold. The table's plans with their 1024-k
# (`--unroll 4`) and 2048-k (`--unroll 8`) chunk twins, with warp barriers
# (gen/: up to 4 k-steps per warp; gen_ws8/: up to 8) and without (gen_old/,
# the v20 cubin); 16-row swapped blocks at M = 12, 16; two passes.
#   build/bin/quant-gpu-gen -o carry/gen --chip=sm_90
#   build/bin/quant-gpu-gen -o carry/gen_ws8 --chip=sm_90 --warp-sync-max-unroll=8
#   exp_v21e.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_ws8/ gen_old/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_device; date
B=$D/bin/qm-dqgemm-bench
S="4096:4096 4096:6144 14336:4096"
M="--m 1,4,8,12,16"
R16="--max-rows 16 --swap 1 --stream-a 1 --stream-k 0"
for pass in a b; do
  qm_bench_of $B $D/lib $D/gen_old old$pass $S $M
  qm_bench_of $B $D/lib $D/gen new$pass $S $M
  qm_bench_of $B $D/lib $D/gen_old oldu4$pass $S $M --unroll 4
  qm_bench_of $B $D/lib $D/gen newu4$pass $S $M --unroll 4
  qm_bench_of $B $D/lib $D/gen_old oldu8$pass $S $M --unroll 8
  qm_bench_of $B $D/lib $D/gen_ws8 ws8u8$pass $S $M --unroll 8
  qm_bench_of $B $D/lib $D/gen_ws8 ws8$pass $S $M
  qm_bench_of $B $D/lib $D/gen r16w16$pass 4096:4096 4096:6144 --m 12,16 $R16 --warps 16
  qm_bench_of $B $D/lib $D/gen r16w16u4$pass 4096:4096 4096:6144 --m 12,16 $R16 --warps 16 --unroll 4
  qm_bench_of $B $D/lib $D/gen r16w8$pass 4096:4096 4096:6144 --m 12,16 $R16 --warps 8
done
date
python3 $D/bench/ab3_summary.py $OUT/ab.jsonl old new oldu4 newu4 oldu8 ws8u8 ws8 r16w16 r16w16u4 r16w8 | tee $OUT/ab_summary.txt
