#!/usr/bin/env python3
"""Summary of a qm-dqgemm-bench sweep whose JSON lines carry a "tag" (the
exp_v14*/v16 and final_v15/v16 scripts): per (K, N, M), each (tag, kernel,
splits, row blocks) with its min / max time over the passes, fastest first.
usage: sweep_summary.py FILE [--top N] [--all] [--table]
  --top N  the N fastest (default 6); --all: every plan, in tag order
  --table  first the best time of the tag "table" (the tile table's plan)"""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--top", type=int, default=6)
ap.add_argument("--all", action="store_true")
ap.add_argument("--table", action="store_true")
args = ap.parse_args()
rows = [json.loads(l) for l in open(args.file)]
for cell in sorted({(x["K"], x["N"], x["M"]) for x in rows}):
    by = {}
    for x in rows:
        if (x["K"], x["N"], x["M"]) == cell:
            key = (x["tag"], x["kernel"][10:], x["nsplit"], x["grid"][2])
            by.setdefault(key, []).append(x["us"])
    plans = sorted(by.items()) if args.all else \
        sorted(by.items(), key=lambda kv: min(kv[1]))[:args.top]
    head = [str(cell)]
    if args.table:
        tab = [v for (t, _, _, _), v in by.items() if t == "table"]
        head.append("table %.2f" % min(tab[0]) if tab else "")
    print(*head, " | ".join(
        f"{t}:{k} s{n}{f' z{z}' if z > 1 else ''} {min(v):.2f}/{max(v):.2f}"
        for (t, k, n, z), v in plans))
