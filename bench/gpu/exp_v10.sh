#!/bin/bash
# v10 experiment on the GPU machine (one call, ~3 min): correctness of the
# v10 cubin, then v9 and v10 tables on the four shapes (same runtime
# binaries) and the whole-slice (`_s9`) kernels at exact splits.
#   exp_v10.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v9/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench; C=$D/gen/dqgemm_sm_90.cubin; MF=$D/gen/manifest.txt
C9=$D/gen_v9/dqgemm_sm_90.cubin; M9=$D/gen_v9/manifest.txt
S4="4096:6144 4096:4096 4096:28672 14336:4096"; SS="4096:6144 4096:4096"
echo "== check =="
timeout 150 $D/bin/qm-dqgemm-check $C $MF > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY" $OUT/check.log | tail -8; echo "runs through _s9 kernels: $(grep -c _s9 $OUT/check.log)"
run() { tag=$1; shift; $B "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/exp.jsonl || echo "bench $tag failed"; }
echo "== A/B + deep =="
run v9 $C9 $M9 $S4 --m 1,8,16
run v10 $C $MF $S4 --m 1,8,16
for sa in 0 1; do
  run d1sa$sa $C $MF $SS --m 1,8,16 --deep 1 --stream-a $sa --cps-list 1,2,3,4,8
  run d0sa$sa $C $MF $SS --m 1,8,16 --deep 0 --stream-a $sa --cps-list 1,2,4
  run d1sa${sa}L $C $MF 4096:28672 14336:4096 --m 1,8,16 --deep 1 --stream-a $sa --cps-list 1,2,4,7,8
done
run d1nopdl $C $MF $SS --m 1,8,16 --deep 1 --stream-a 0 --cps-list 2,4 --pdl 0
run v9b $C9 $M9 $S4 --m 1,8,16
run v10b $C $MF $S4 --m 1,8,16
python3 $D/bench/exp_v10_summary.py $OUT/exp.jsonl
