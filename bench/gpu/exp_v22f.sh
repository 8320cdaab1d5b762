#!/bin/bash
# v22f (one call, H100, ~3 min): uneven splits. A launch's length is set by
# its slowest blocks' weight stream after the release (v22d), and the
# blocks that start last are the highest block indices (blocks enter the
# SMs in index order as the previous launch's blocks leave): split s of a
# column block is block y = s. With a longer first split (chunks per split
# rounded up, the kernel's `min(sps, rest)` gives the last split the
# remainder) the late blocks have less to stream. Same kernels as the
# table (forced by flags), chunks per split as the table (control) and
# longer. Two alternating passes.
#   exp_v22f.sh <carry dir> <outdir>   (carry: bin/ lib/ gen22/ bench/)
set -o pipefail
D=$1; OUT=$2
source $D/bench/device_lib.sh
qm_device; date
export QM_GEN=$D/gen22
SW="--swap 1 --stream-a 1"
X2="--wide 1 --swap 1 --stream-a 1 --split-n 0 --stream-k 0"
for pass in a b; do
  qm_sw table$pass 4096:4096 4096:6144 14336:4096 --m 1,4,8,16
  qm_sw w16$pass 4096:4096 --m 1,4,8 $SW --warps 16 --cps-list 4,5,6
  qm_sw w8r8$pass 4096:4096 --m 16 --swap 2 --stream-a 1 --warps 8 --cps-list 4,5,6
  qm_sw w8$pass 4096:6144 --m 1,4,8,16 $SW --warps 8 --cps-list 4,5,6
  qm_sw x2u8$pass 14336:4096 --m 16 $X2 --warps 8 --unroll 8 --cps-list 7,8,10
  qm_sw w16u4$pass 14336:4096 --m 4,8 $SW --warps 16 --unroll 4 --cps-list 7,8,9
done
date
python3 - $OUT/sweep.jsonl <<'PY' | tee $OUT/summary.txt
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
best = {}
for x in rows:
    tag = x["tag"][:-1]
    key = (x["K"], x["N"], x["M"], tag, x["kernel"].split("direct_")[-1],
           x["nsplit"], x["variant"])
    best[key] = min(best.get(key, 1e9), x["us"])
for k in sorted(best):
    print(*k, "%.2f" % best[k])
PY
