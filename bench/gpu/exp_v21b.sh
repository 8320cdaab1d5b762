#!/bin/bash
# v21b (one call, H100, ~6 min): warp-private activation copies and one
# warp barrier per chunk (`wsync=1` kernels) against the v20 cubin
# (`quant-gpu-gen --no-warp-sync`, byte-identical to it) with the same
# runtime: the quick correctness suite with the new cubin, a same-call A/B
# of the table's plans (two alternating passes), then timelines of the
# small shapes' plans with the new kernels (the v21a diagnosis).
#   build/bin/quant-gpu-gen -o carry/gen --chip=sm_90 \
#     --trace-twins=b4_sym_direct_m8_w16_s3_g_a_sw,b4_sym_direct_m8_w8_s3_g_a_sw,b4_sym_direct_m16_w4_s3_g_a
#   build/bin/quant-gpu-gen -o carry/gen_old --chip=sm_90 --no-warp-sync
#   exp_v21b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_old/ bench/)
set -o pipefail
D=$1; OUT=$2
export PYTHONUNBUFFERED=1
source $D/bench/device_lib.sh
qm_start --quick
B=$D/bin/qm-dqgemm-bench
S4="4096:4096 4096:6144 14336:4096 4096:28672"
for pass in a b; do
  qm_bench_of $B $D/lib $D/gen_old old$pass $S4 --m 1,2,4,8,12,16
  qm_bench_of $B $D/lib $D/gen new$pass $S4 --m 1,2,4,8,12,16
done
date
python3 $D/bench/ab_summary.py $OUT/ab.jsonl old new | tee $OUT/ab_summary.txt
for pass in a b; do
  qm_bench_of $B $D/lib $D/gen_old old$pass 8192:28672 28672:8192 --m 1,8,16
  qm_bench_of $B $D/lib $D/gen new$pass 8192:28672 28672:8192 --m 1,8,16
done
python3 $D/bench/ab_summary.py $OUT/ab.jsonl old new | grep -E "^\((8192|28672)" | tee -a $OUT/ab_summary.txt
date
T=$OUT/trace.jsonl
qm_sw trace 4096:4096 4096:6144 --m 1,8,16 --trace $T
python3 $D/bench/trace_summary.py $T > $OUT/trace_summary.txt
grep -E "^==|phases" $OUT/trace_summary.txt
gzip -f $T
date
# Whether another plan now wins at M = 8 / 16 on the small shapes (every
# variant, new cubin; cut at 2.5 min).
timeout 150 bash -c "source $D/bench/device_lib.sh; D=$D; OUT=$OUT; qm_sw sweep 4096:4096 4096:6144 --m 8,16 --sweep"
python3 $D/bench/sweep_summary.py $OUT/sweep.jsonl --top 4 --table > $OUT/sweep_summary.txt 2>&1
head -60 $OUT/sweep_summary.txt
date
