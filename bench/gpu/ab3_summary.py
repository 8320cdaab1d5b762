#!/usr/bin/env python3
"""Same-call comparison of qm-dqgemm-bench JSON lines tagged TAG + pass
(passes a, b): per (K, N, M) and tag the best of the passes, with the plan
(kernel without its qm_dqgemm_b4_sym_direct_ prefix, splits, cluster size).
usage: ab3_summary.py FILE TAG..."""
import json
import sys

path, tags = sys.argv[1], sys.argv[2:]
rows = [json.loads(l) for l in open(path)]
for cell in sorted({(x["K"], x["N"], x["M"]) for x in rows}):
    d = {x["tag"]: x for x in rows if (x["K"], x["N"], x["M"]) == cell}
    out = []
    for t in tags:
        v = [d[t + p]["us"] for p in "ab" if t + p in d]
        if v:
            x = d[t + "a"]
            name = x["kernel"].split("direct_")[-1]
            out.append("%s=%.2f(%s s%d c%d)" % (t, min(v), name, x["nsplit"],
                                               x["cluster"]))
    print(cell, " ".join(out))
