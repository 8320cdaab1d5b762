#!/usr/bin/env bash
# Full perplexity evaluation of tinyllama on the CPU (not a test: ~1150
# windows of 512 tokens), compared with ../shared/models/reference_ppl.json
# (fp32, tolerance 0.1%). CI runs the 3-window subset
# test/Execution/tinyllama-ppl-subset.test instead.
#   bench/cpu_eval_ppl.sh [MODEL] [extra quant-run args, e.g. --batch 2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${QM_SHARED_DIR:-$ROOT/../shared}"
MODEL="${1:-$SHARED/models/tinyllama.onnx}"
shift || true
D="$SHARED/data"
OUT="${QM_PPL_OUT:-cpu_eval_ppl.txt}"
"$ROOT/build/bin/quant-run" "$MODEL" --tokenizer "$SHARED/models/tokenizer.json" \
  --eval-ppl "$D/wikitext2-test.txt,$D/austen/persuasion.txt+$D/austen/northangerabbey.txt,$D/manpages-test.txt" \
  "$@" | tee "$OUT"
python3 - "$OUT" "$SHARED/models/reference_ppl.json" <<'PY'
import json, re, sys
ref = json.load(open(sys.argv[2]))["tinyllama"]["fp32"]
names = {"wikitext2-test.txt": "wikitext2", "northangerabbey.txt": "austen-heldout",
         "manpages-test.txt": "manpages-test"}
ok = True
for line in open(sys.argv[1]):
    m = re.match(r"(\S+): ppl ([0-9.]+)", line)
    if not m:
        continue
    key = next(v for k, v in names.items() if m.group(1).endswith(k))
    ours, r = float(m.group(2)), ref[key]
    rel = abs(ours - r) / r
    ok &= rel <= 1e-3
    print(f"{key}: ours {ours:.3f}, reference {r:.3f}, rel diff {rel:.2e} ({'ok' if rel <= 1e-3 else 'FAIL'})")
sys.exit(0 if ok else 1)
PY
