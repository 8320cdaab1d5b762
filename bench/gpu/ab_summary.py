#!/usr/bin/env python3
"""Same-call A/B summary of qm-dqgemm-bench JSON lines tagged OLD + pass and
NEW + pass (passes a and b, e.g. v16a, v16b, v17a, v17b): per (K, N, M)
the four times, then the old and new plans (kernel, splits, row blocks).
usage: ab_summary.py FILE OLD NEW"""
import json
import sys

path, old, new = sys.argv[1:4]
rows = [json.loads(l) for l in open(path)]
for cell in sorted({(x["K"], x["N"], x["M"]) for x in rows}):
    d = {x["tag"]: x for x in rows if (x["K"], x["N"], x["M"]) == cell}
    tags = (old + "a", old + "b", new + "a", new + "b")
    plan = lambda x: "%s s%d%s" % (x["kernel"][10:], x["nsplit"],
                                   " z%d" % x["grid"][2] if x["grid"][2] > 1
                                   else "")
    print(cell, " ".join(f"{t}={d[t]['us']:.2f}" for t in tags if t in d),
          "|", plan(d[old + "a"]), "->", plan(d[new + "a"]))
