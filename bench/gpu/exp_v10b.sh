#!/bin/bash
# (The `_r6` / `_r8` kernels it measures were in the default set only at
# commit a0d61f0; later generators leave them out.)
# v10 second experiment (one call, ~3 min): correctness of the cubin with
# the register-capped kernels, then v9 / v10 tables and the `_r6` / `_r8`
# kernels (6 / 8 blocks per SM) at exact splits, with and without PDL.
#   exp_v10b.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v9/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench; C=$D/gen/dqgemm_sm_90.cubin; MF=$D/gen/manifest.txt
C9=$D/gen_v9/dqgemm_sm_90.cubin; M9=$D/gen_v9/manifest.txt
S4="4096:6144 4096:4096 4096:28672 14336:4096"; SS="4096:6144 4096:4096"
echo "== check =="
timeout 150 $D/bin/qm-dqgemm-check $C $MF > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY" $OUT/check.log | tail -8; echo "runs through _r kernels: $(grep -c _r[68] $OUT/check.log) _s9: $(grep -c _s9 $OUT/check.log)"
run() { tag=$1; shift; $B "$@" | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/exp.jsonl || echo "bench $tag failed"; }
run v9 $C9 $M9 $S4 --m 1,8,16
for r in 6 8; do for sa in 0 1; do
  run r${r}sa$sa $C $MF $SS --m 1,8,16 --minb $r --stream-a $sa --cps-list 1,2,4
  run r${r}sa${sa}L $C $MF 4096:28672 14336:4096 --m 1,8,16 --minb $r --stream-a $sa --cps-list 1,2,4,7
done; done
run r8nopdl $C $MF $SS --m 1,8,16 --minb 8 --stream-a 0 --cps-list 1,2 --pdl 0
run r0sa0 $C $MF $SS --m 1,8,16 --minb 0 --stream-a 0 --cps-list 1,2,4
run r0sa1 $C $MF $SS --m 1,8,16 --minb 0 --stream-a 1 --cps-list 1,2,4
run v10 $C $MF $S4 --m 1,8,16
run v9b $C9 $M9 $S4 --m 1,8,16
python3 $D/bench/exp_v10_summary.py $OUT/exp.jsonl
