#!/bin/bash
# v9 experiment on the GPU machine (one call, ~5 min): correctness of the
# v9 cubin, A/B of the v8 cubin against v9 (64- and 128-column blocks),
# sweeps of the 128-column kernels, and the streaming-read ceiling.
#   exp_v9.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ gen_v8/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee $OUT/device.txt
B=$D/bin/qm-dqgemm-bench; C=$D/gen/dqgemm_sm_90.cubin; MF=$D/gen/manifest.txt
C8=$D/gen_v8/dqgemm_sm_90.cubin; M8=$D/gen_v8/manifest.txt
S="4096:6144 4096:4096 4096:28672 14336:4096"
echo "== check =="
timeout 200 $D/bin/qm-dqgemm-check $C $MF > $OUT/check.log 2>&1; echo "check exit $?"
grep -E "FAIL|SUMMARY" $OUT/check.log | tail -8; echo "runs through 128-column kernels: $(grep -c _n128 $OUT/check.log)"
echo "== A/B =="
for tag in v8 v9w0 v9w1 v8b v9w1b; do
  case $tag in v8*) a="$C8 $M8";; v9w0) a="$C $MF --wide 0";; v9w1*) a="$C $MF --wide 1";; esac
  $B $a $S --m 1,8,16 | sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl || echo "bench $tag failed"
done
echo "== sweep =="
for w in 0 1; do for sa in 0 1; do
  $B $C $MF $S --m 1,8,16 --wide $w --stream-a $sa --sweep | sed "s/^{/{\"tag\": \"w${w}sa$sa\", /" >> $OUT/sweep.jsonl
done; done
if [ -n "$CEILING" ]; then
  echo "== read ceiling =="
  $B $C $MF $S --read-ceiling $D/bench/read_ceiling_sm_90.cubin > $OUT/ceiling.jsonl
fi
python3 $D/bench/exp_v9_summary.py $OUT
