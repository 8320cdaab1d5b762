#!/bin/bash
# v14 profile (~3 min, H100, Nsight Compute, clocks left alone): one launch
# (a warm-up launch of the bench, caches flushed by ncu, no PDL overlap) of
# the table's plans at 4096x4096 M = 1 / 8 / 16, the 16-warp M = 16 kernel,
# and the M = 16 plans of 4096x28672 and 14336x4096: speed-of-light,
# memory, occupancy, warp-state sections and per-SASS stall samples.
#   ncu_v14.sh <carry dir> <outdir>   (carry: bin/ lib/ gen/ bench/)
set -o pipefail
D=$1; OUT=$2
export LD_LIBRARY_PATH=$D/lib:$LD_LIBRARY_PATH
B=$D/bin/qm-dqgemm-bench
G="$D/gen/dqgemm_sm_90.cubin $D/gen/manifest.txt"
W=/tmp/ncu; mkdir -p $W
prof() { tag=$1; shift
  ncu --clock-control none --set full --import-source no \
      --kernel-name regex:qm_dqgemm --launch-skip 1 --launch-count 1 \
      -f -o $W/$tag $B $G "$@" > $W/$tag.log 2>&1 || { echo "ncu $tag failed"; tail -5 $W/$tag.log; }
  ncu -i $W/$tag.ncu-rep --page details --csv > $W/$tag.details.csv 2>&1
  ncu -i $W/$tag.ncu-rep --page source --csv --print-source sass > $W/$tag.sass.csv 2>&1 || true
  ncu -i $W/$tag.ncu-rep --page raw --csv > $W/$tag.raw.csv 2>&1
  echo "== $tag: $(grep -m1 -o 'qm_dqgemm[a-z0-9_]*' $W/$tag.details.csv)"
  python3 $D/bench/ncu_summary.py $W/$tag.details.csv $W/$tag.raw.csv $W/$tag.sass.csv
}
prof m1 4096:4096 --m 1
prof m8 4096:4096 --m 8
prof m16w16 4096:4096 --m 16 --swap 0 --warps 16 --stream-a 1 --deep 0 --cps-list 4
prof m16 4096:4096 --m 16
prof wide16 4096:28672 --m 16
prof deep16 14336:4096 --m 16
tar czf $OUT/ncu_v14.tgz -C $W .
ls -la $OUT
