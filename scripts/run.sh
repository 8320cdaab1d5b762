#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, then runs the
# whole job on a model (default ../shared/models/tinyllama.onnx):
#   import -> calibrate + quantize -> perplexity before/after -> compile an
#   ahead-of-time CPU artifact -> generate text with it -> report.
#
#   scripts/run.sh [model.onnx]
#
# Settings (environment): QM_METHOD=gptq|rtn|awq|awq+gptq (default gptq),
# QM_BITS=4, QM_GROUP=128, QM_CALIB=<text files> (default
# ../shared/data/brown.txt), QM_CALIB_SAMPLES=128 (windows of 512 tokens),
# QM_ORDER=per-layer|true-sequential|one-shot (per-layer: the reference GPTQ
# order, calibrated one decoder layer at a time on cached hidden states),
# QM_EVAL_WINDOWS=20 (windows of 512 tokens per evaluation text; 400 is the
# full protocol), QM_TOKENIZER (default tokenizer.json next to the model),
# QM_OUT=out/<model name>. The report is printed and written to
# $QM_OUT/report.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QM_BUILD_DIR:-$ROOT/build}"
SHARED="$(realpath -m "$ROOT/../shared")"
MODEL="$(realpath "${1:-$SHARED/models/tinyllama.onnx}")"
NAME="$(basename "$MODEL" .onnx)"
METHOD="${QM_METHOD:-gptq}"
BITS="${QM_BITS:-4}"
GROUP="${QM_GROUP:-128}"
CALIB="${QM_CALIB:-$SHARED/data/brown.txt}"
SAMPLES="${QM_CALIB_SAMPLES:-128}"
ORDER="${QM_ORDER:-per-layer}"
WINDOWS="${QM_EVAL_WINDOWS:-20}"
TOKENIZER="${QM_TOKENIZER:-$(dirname "$MODEL")/tokenizer.json}"
OUT="${QM_OUT:-$ROOT/out/$NAME}"
D="$SHARED/data"
EVAL="${QM_EVAL:-$D/austen/persuasion.txt+$D/austen/northangerabbey.txt,$D/manpages-test.txt}"

[ -f "$MODEL" ] || { echo "run.sh: error: model '$MODEL' not found" >&2; exit 1; }
[ -f "$TOKENIZER" ] || { echo "run.sh: error: tokenizer '$TOKENIZER' not found (set QM_TOKENIZER)" >&2; exit 1; }
bash "$ROOT/scripts/setup.sh"
B="$BUILD/bin"
mkdir -p "$OUT"
Q="$OUT/$NAME.$METHOD-w${BITS}g$GROUP.mlirbc"
step() { echo; echo "== $*"; }
now() { date +%s.%N; }

step "1/5 import $MODEL"
t0=$(now)
"$B/quant-translate" --import-onnx "$MODEL" --emit-bytecode -o "$OUT/$NAME.mlirbc"
t_import=$(python3 -c "print(round($(now) - $t0, 2))")
echo "imported in ${t_import}s"

step "2/5 quantize: $METHOD w${BITS}g$GROUP, calibration $SAMPLES x 512 tokens of $(basename "$CALIB") ($ORDER)"
t0=$(now)
"$B/quant-quantize" "$MODEL" -o "$Q" --method="$METHOD" --bits="$BITS" --group-size="$GROUP" \
  --calib="$CALIB" --calib-samples="$SAMPLES" --order="$ORDER" --tokenizer="$TOKENIZER" | tail -2
t_quant=$(python3 -c "print(round($(now) - $t0, 2))")

step "3/5 perplexity, $WINDOWS windows of 512 tokens per text (fp32, then quantized)"
"$B/quant-run" "$MODEL" --tokenizer="$TOKENIZER" --eval-ppl="$EVAL" --max-windows="$WINDOWS" | tee "$OUT/ppl-fp32.txt"
"$B/quant-run" "$Q" --tokenizer="$TOKENIZER" --eval-ppl="$EVAL" --max-windows="$WINDOWS" | tee "$OUT/ppl-quant.txt"

step "4/5 ahead-of-time CPU artifact of the quantized model (1x512 tokens)"
"$B/quant-compile" "$Q" --target=cpu -o "$OUT/artifact" | tail -3
ls -la "$OUT/artifact"

step "5/5 generate with the artifact"
"$B/quant-run" "$OUT/artifact" --tokenizer="$TOKENIZER" --prompt="${QM_PROMPT:-It was a truth universally}" \
  --max-new-tokens=24 --seq=512 | tee "$OUT/generate.txt"

step "report"
python3 - "$MODEL" "$Q" "$OUT" "$METHOD" "$BITS" "$GROUP" "$t_import" "$t_quant" "$WINDOWS" <<'PY'
import json, os, re, sys
model, q, out, method, bits, group, t_import, t_quant, windows = sys.argv[1:]
def ppl(path):
    name = lambda k: ("austen-heldout" if "persuasion" in k
                      else os.path.basename(k.split("+")[0]).replace(".txt", ""))
    return {name(k): float(v)
            for k, v in re.findall(r"^(\S+): ppl ([0-9.]+)", open(path).read(), re.M)}
fp, qu = ppl(os.path.join(out, "ppl-fp32.txt")), ppl(os.path.join(out, "ppl-quant.txt"))
report = {"model": model, "method": method, "bits": int(bits), "group_size": int(group),
          "onnx_bytes": os.path.getsize(model), "quantized_bytecode_bytes": os.path.getsize(q),
          "import_seconds": float(t_import), "quantize_seconds": float(t_quant),
          "eval_windows_per_text": int(windows), "ppl_fp32": fp, "ppl_quantized": qu}
json.dump(report, open(os.path.join(out, "report.json"), "w"), indent=1)
print("| text | fp32 ppl | %s w%sg%s ppl | change |" % (method, bits, group))
print("|---|---|---|---|")
for t in fp:
    print("| %s | %.3f | %.3f | %+.2f%% |" % (t, fp[t], qu.get(t, float("nan")), 100 * (qu.get(t, 0) / fp[t] - 1)))
print("\nmodel %.1f MB (.onnx) -> %.1f MB (quantized bytecode: %d-bit codes packed %d per 32-bit word,"
      " head and embeddings float)" % (report["onnx_bytes"] / 1e6, report["quantized_bytecode_bytes"] / 1e6,
                                       int(bits), 10 if int(bits) == 3 else 32 // int(bits)))
print("import %.2f s, quantize %.1f s (calibration included); report: %s/report.json"
      % (report["import_seconds"], report["quantize_seconds"], out))
PY
