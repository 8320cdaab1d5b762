#!/usr/bin/env python3
"""Quantization comparison: methods x bits x evaluation texts -> perplexity,
quantization time and peak memory, as JSON and a Markdown table.

  python3 bench/quant_compare.py [--model M.onnx] [--methods fp32,rtn,gptq,awq,awq+gptq]
      [--bits 4,3] [--group-size 128] [--texts austen-heldout,manpages-test,wikitext2]
      [--max-windows 400] [--calib ../shared/data/brown.txt] [--out bench/results]

Each quantized model is produced by quant-quantize (calibration included in
the measured time; peak memory is the tool's max RSS) and evaluated by
quant-run --eval-ppl with the protocol of ../shared/models/README.md. The
reference values of reference_ppl.json are printed next to ours. This is a
benchmark, not a test: it prints what it measured on this machine.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.realpath(os.path.join(ROOT, "..", "shared"))
DATA = os.path.join(SHARED, "data")
TEXTS = {
    "wikitext2": os.path.join(DATA, "wikitext2-test.txt"),
    "austen-heldout": os.path.join(DATA, "austen", "persuasion.txt") + "+" +
                      os.path.join(DATA, "austen", "northangerabbey.txt"),
    "manpages-test": os.path.join(DATA, "manpages-test.txt"),
}
METHOD_ARGS = {
    "rtn": ["--method=rtn"],
    "gptq": ["--method=gptq"],
    "gptq-actorder": ["--method=gptq", "--act-order"],
    "awq": ["--method=awq"],
    "awq+gptq": ["--method=awq+gptq"],
}


def run_measured(cmd, log):
    """Runs cmd; returns (seconds, peak RSS of that child in MiB, output)."""
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.time() - t0
    log.write("$ " + " ".join(cmd) + "\n" + out + "\n")
    log.flush()
    if proc.returncode != 0:
        sys.exit("command failed (see log): " + " ".join(cmd) + "\n" + out[-2000:])
    return seconds, usage.ru_maxrss / 1024.0, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(SHARED, "models", "tinyllama.onnx"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--methods", default="fp32,rtn,gptq,awq,awq+gptq")
    ap.add_argument("--bits", default="4,3")
    ap.add_argument("--group-size", type=int, default=128)
    ap.add_argument("--texts", default="austen-heldout,manpages-test,wikitext2")
    ap.add_argument("--max-windows", type=int, default=400)
    ap.add_argument("--calib", default=os.path.join(DATA, "brown.txt"))
    ap.add_argument("--calib-samples", type=int, default=128)
    ap.add_argument("--order", default="per-layer",
                    help="calibration order: per-layer (the reference), true-sequential or one-shot")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--extra", default="",
                    help="more quant-quantize options for every quantized config "
                         "(space-separated), e.g. '--range-steps=100'")
    ap.add_argument("--tag", default="", help="suffix of the config names")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    bindir = os.path.join(args.build, "bin")
    tokenizer = os.path.join(os.path.dirname(args.model), "tokenizer.json")
    ref_path = os.path.join(os.path.dirname(args.model), "reference_ppl.json")
    reference = {}
    if os.path.exists(ref_path):
        reference = next(iter(json.load(open(ref_path)).values()))
    texts = args.texts.split(",")
    log = open(os.path.join(args.out, "quant_compare.log"), "w")
    rows = []
    for method in args.methods.split(","):
        for bits in ([None] if method == "fp32" else [int(b) for b in args.bits.split(",")]):
            name = method if bits is None else "%s-w%dg%d%s" % (method, bits, args.group_size, args.tag)
            row = {"config": name, "method": method, "bits": bits, "group_size": args.group_size}
            if args.extra and method != "fp32":
                row["options"] = args.extra
            model = args.model
            if method != "fp32":
                model = os.path.join(args.out, name + ".mlirbc")
                cmd = [os.path.join(bindir, "quant-quantize"), args.model, "-o", model,
                       "--bits=%d" % bits, "--group-size=%d" % args.group_size,
                       "--calib=" + args.calib, "--calib-samples=%d" % args.calib_samples,
                       "--order=" + args.order,
                       "--tokenizer=" + tokenizer] + METHOD_ARGS[method] + args.extra.split()
                secs, peak, _ = run_measured(cmd, log)
                row["quantize_seconds"] = round(secs, 2)
                row["quantize_peak_mib"] = round(peak, 1)
            cmd = [os.path.join(bindir, "quant-run"), model, "--tokenizer=" + tokenizer,
                   "--eval-ppl=" + ",".join(TEXTS[t] for t in texts),
                   "--max-windows=%d" % args.max_windows, "--no-progress"]
            if args.threads:
                cmd.append("--num-threads=%d" % args.threads)
            secs, _, out = run_measured(cmd, log)
            values = [float(v) for v in re.findall(r"ppl ([0-9.]+)", out)]
            if len(values) != len(texts):
                sys.exit("could not read %d perplexities from quant-run:\n%s" % (len(texts), out))
            row["ppl"] = dict(zip(texts, values))
            row["eval_seconds"] = round(secs, 1)
            ref_key = {"fp32": "fp32", "rtn": "rtn-w%sg%d", "gptq": "gptq-w%sg%d",
                       "gptq-actorder": "gptq-w%sg%d-actorder"}.get(method, "")
            if "%" in ref_key:
                ref_key = ref_key % (bits, args.group_size)
            ref = reference.get(ref_key, {})
            row["reference"] = {t: ref[t] for t in texts if t in ref}
            rows.append(row)
            print(json.dumps(row), flush=True)

    machine = {"machine": platform.node(), "cpu": platform.processor() or platform.machine(),
               "cores": os.cpu_count(), "max_windows": args.max_windows}
    json.dump({"machine": machine, "results": rows}, open(os.path.join(args.out, "quant_compare.json"), "w"), indent=1)
    header = "| config | " + " | ".join("%s ppl (ref)" % t for t in texts) + " | quantize s | peak MiB |"
    lines = [header, "|" + "---|" * (len(texts) + 3)]
    for r in rows:
        cells = []
        for t in texts:
            ref = r["reference"].get(t)
            cells.append("%.3f%s" % (r["ppl"][t], " (%.3f)" % ref if ref else ""))
        lines.append("| %s | %s | %s | %s |" % (r["config"], " | ".join(cells),
                     r.get("quantize_seconds", "-"), r.get("quantize_peak_mib", "-")))
    if args.max_windows < 400:
        lines.append("")
        lines.append("(ref) = reference_ppl.json, full protocol (up to 400 windows); "
                     "ours used at most %d windows per text." % args.max_windows)
    table = "\n".join(lines)
    open(os.path.join(args.out, "quant_compare.md"), "w").write(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
