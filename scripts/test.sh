#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything and
# runs every test (lit + FileCheck, gtest through lit, end-to-end numerics).
# Ends with one line "N passed, N failed". GPU tests report UNSUPPORTED where
# no GPU is found and are not counted.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QM_BUILD_DIR:-$ROOT/build}"
if ! bash "$ROOT/scripts/setup.sh"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
LOG="$BUILD/lit-results.log"
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" "$BUILD/test/Unit" ${QM_LIT_ARGS:-} 2>&1 | tee "$LOG"
passed=$(grep -cE '^(PASS|XFAIL): ' "$LOG")
failed=$(grep -cE '^(FAIL|XPASS|UNRESOLVED|TIMEOUT): ' "$LOG")
# lit -s prints only failures per test; count passes from its summary.
summary_passed=$(grep -E '^\s*Passed\s*:' "$LOG" | awk -F: '{s+=$2} END {print s+0}')
summary_xfail=$(grep -E '^\s*Expectedly Failed\s*:' "$LOG" | awk -F: '{s+=$2} END {print s+0}')
summary_failed=$(grep -E '^\s*(Failed|Unexpectedly Passed|Unresolved|Timed Out)\s*:' "$LOG" | awk -F: '{s+=$2} END {print s+0}')
passed=$((summary_passed + summary_xfail))
[ "$summary_failed" -gt "$failed" ] && failed=$summary_failed
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
