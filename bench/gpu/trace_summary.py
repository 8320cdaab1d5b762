#!/usr/bin/env python3
"""Summarize the per-block stamps of timeline twins (qm-dqgemm-bench --trace).

Each input line is one launch of a graph replay: blocks[b] = [clock64,
globaltimer] at points 0..6 (entry, before the PDL wait, after it, after
the main loop, after the in-block reduction, after the split-K arrival,
exit), then the SM id. Prints, per (shape, M, kernel, PDL, copies), the
median over the middle launches of: the launch period, when (relative to
the launch's first block start) the blocks reach each point (min / median /
max over blocks), the gap between one launch's last exit and the next
launch's first wait release, and per-block phase lengths in SM cycles.

usage: trace_summary.py TRACE.jsonl [...]
"""
import json, statistics as st, sys

PTS = ['entry', 'pre-wait', 'waited', 'loop done', 'reduced', 'arrived', 'exit']


def med(v):
    return st.median(v) if v else float('nan')


def summarize(launches):
    launches = sorted(launches, key=lambda x: x['launch'])
    mid = launches[4:-4] if len(launches) > 12 else launches
    x0 = launches[0]
    print(f"== {x0['K']}x{x0['N']} M={x0['M']} {x0['kernel'][10:]} "
          f"s{x0['nsplit']} pdl={x0['pdl']} copies={x0['copies']} "
          f"(graph median {x0['us']:.2f} us/launch, {len(launches)} launches, "
          f"{len(x0['blocks'])} blocks, {len(set(b[14] for b in x0['blocks']))} SMs)")
    gt = lambda b, i: b[2 * i + 1]
    ck = lambda b, i: b[2 * i]
    starts = {x['launch']: min(gt(b, 0) for b in x['blocks']) for x in launches}
    ends = {x['launch']: max(gt(b, 6) for b in x['blocks']) for x in launches}
    allgt = sorted({gt(b, i) for x in launches for b in x['blocks'] for i in range(7)})
    steps = [b - a for a, b in zip(allgt, allgt[1:]) if b > a]
    print(f"   globaltimer: smallest step {min(steps) if steps else 0} ns")
    per = [starts[x['launch'] + 1] - starts[x['launch']] for x in mid
           if x['launch'] + 1 in starts]
    print(f"   period (first block start to next launch's): {med(per)/1e3:.2f} us")
    rows = {i: ([], [], []) for i in range(7)}
    for x in mid:
        s0 = starts[x['launch']]
        for i in range(7):
            v = [gt(b, i) - s0 for b in x['blocks'] if gt(b, i)]
            if v:
                rows[i][0].append(min(v)); rows[i][1].append(med(v)); rows[i][2].append(max(v))
    print("   point        min    med    max  (us after the launch's first block start)")
    for i in range(7):
        if rows[i][0]:
            print(f"   {PTS[i]:10s} {med(rows[i][0])/1e3:6.2f} {med(rows[i][1])/1e3:6.2f} {med(rows[i][2])/1e3:6.2f}")
    gap = []
    for x in mid:
        r = x['launch']
        if r - 1 in ends:
            w = min(gt(b, 2) for b in x['blocks'] if gt(b, 2))
            gap.append(w - ends[r - 1])
    ovl = [starts[x['launch'] + 1] - ends[x['launch']] for x in mid if x['launch'] + 1 in starts]
    print(f"   previous launch's last exit -> first wait release: {med(gap)/1e3:.2f} us; "
          f"last exit -> next launch's first start: {med(ovl)/1e3:+.2f} us")
    ph = {}
    for x in mid:
        for b in x['blocks']:
            for i in range(6):
                j = i + 1
                if j == 5 and not ck(b, 5):
                    continue
                a = ck(b, i) if not (i == 5 and not ck(b, 5)) else ck(b, 4)
                if ck(b, j) and a:
                    ph.setdefault((i, j), []).append(ck(b, j) - a)
    print("   per-block phases, SM cycles (median / max):",
          '; '.join(f"{PTS[i]}->{PTS[j]} {med(v):.0f} / {max(v):.0f}" for (i, j), v in sorted(ph.items())))


def main():
    for path in sys.argv[1:]:
        groups = {}
        try:
            f = open(path)
        except OSError:
            continue
        for line in f:
            x = json.loads(line)
            groups.setdefault((x['K'], x['N'], x['M'], x['kernel'], x['pdl'], x['copies']), []).append(x)
        for k in groups:
            summarize(groups[k])


if __name__ == '__main__':
    main()
