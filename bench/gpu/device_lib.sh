# Shared pieces of the device scripts (v17 on), sourced after D (carry
# folder) and OUT (output folder) are set:
#   qm_device            card name and driver into $OUT/device.txt
#   qm_check [--quick]   qm-dqgemm-check of gen/ (or $QM_GEN) into
#                        $OUT/check.log (or $QM_CHECK_LOG) and its summary
#                        lines (gzip the log when done)
#   qm_start [--quick]   qm_device, then qm_check with the log gzipped,
#                        dated before and after
#   qm_count LABEL PAT... how many PASS lines of the check (its log, gzipped
#                        or not) match every PAT
#   qm_sw TAG ARGS...    qm-dqgemm-bench of gen/ (or $QM_GEN), JSON lines
#                        tagged TAG appended to $OUT/sweep.jsonl
#   qm_bench_of BIN LIB GEN TAG ARGS...
#                        the same for another build (A/B), into $OUT/ab.jsonl
#   qm_benchpy ARGS...   bench.py (ours, cuBLAS fp16, torch int4mm, the
#                        floor) of gen/ (or $QM_GEN) into $OUT/bench.json
#                        and bench.log
qm_device() {
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/device.txt
}
qm_check() {
  local g=${QM_GEN:-$D/gen} log=${QM_CHECK_LOG:-$OUT/check.log}
  LD_LIBRARY_PATH=$D/lib $D/bin/qm-dqgemm-check $g/dqgemm_sm_90.cubin \
    $g/manifest.txt "$@" > $log 2>&1
  echo "check exit $?"
  grep -E "FAIL|SUMMARY|error" $log | tail -8
}
qm_start() {
  qm_device; date
  qm_check "$@"
  gzip -f $OUT/check.log; date
}
qm_count() {
  local label=$1 log=$OUT/check.log lines; shift
  [ -f $log ] || log=$log.gz
  lines=$(zcat -f $log | grep PASS)
  for pat in "$@"; do lines=$(grep -- "$pat" <<< "$lines"); done
  echo "$label runs passed: $(grep -c . <<< "$lines")"
}
qm_sw() {
  local tag=$1 g=${QM_GEN:-$D/gen}; shift
  LD_LIBRARY_PATH=$D/lib $D/bin/qm-dqgemm-bench $g/dqgemm_sm_90.cubin $g/manifest.txt "$@" |
    sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/sweep.jsonl
}
qm_bench_of() {
  local bin=$1 lib=$2 gen=$3 tag=$4; shift 4
  LD_LIBRARY_PATH=$lib $bin $gen/dqgemm_sm_90.cubin $gen/manifest.txt "$@" |
    sed "s/^{/{\"tag\": \"$tag\", /" >> $OUT/ab.jsonl || echo "$tag bench failed"
}
qm_benchpy() {
  local g=${QM_GEN:-$D/gen}
  LD_LIBRARY_PATH=$D/lib python3 $D/bench/bench.py --ours-bin $D/bin/qm-dqgemm-bench \
    --cubin $g/dqgemm_sm_90.cubin --manifest $g/manifest.txt \
    --out $OUT/bench.json "$@" 2>&1 | tee $OUT/bench.log | tail -24
}
