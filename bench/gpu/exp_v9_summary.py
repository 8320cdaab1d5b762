#!/usr/bin/env python3
"""Summary of exp_v9.sh: per (K, N, M) the A/B tags, the best swept
variant, and per shape the best streaming-read ceiling."""
import json, os, sys
out = sys.argv[1]
def rows(name):
    p = os.path.join(out, name)
    return [json.loads(l) for l in open(p) if l.startswith('{')] if os.path.exists(p) else []
ab, sw, ce = rows('ab.jsonl'), rows('sweep.jsonl'), rows('ceiling.jsonl')
cells = sorted({(r['K'], r['N'], r['M']) for r in ab})
tags = ['v8', 'v8b', 'v9w0', 'v9w1', 'v9w1b']
print('K x N M | ' + ' '.join(f'{t:>7}' for t in tags) + ' | best sweep (variant kernel)')
for c in cells:
    d = {r['tag']: r for r in ab if (r['K'], r['N'], r['M']) == c}
    s = [r for r in sw if (r['K'], r['N'], r['M']) == c]
    b = min(s, key=lambda r: r['us']) if s else None
    print(f'{c[0]}x{c[1]} {c[2]:>2} | ' + ' '.join(f"{d[t]['us']:7.2f}" if t in d else '      -' for t in tags) +
          (f" | {b['us']:.2f} {b['tag']} {b['variant']} {b['kernel'][10:]} s{b['nsplit']}" if b else ''))
    for t in ('v8', 'v9w1'):
        if t in d:
            print(f"    {t}: {d[t]['kernel'][10:]} nsplit={d[t]['nsplit']} cluster={d[t]['cluster']} grid={d[t]['grid']}")
print('read ceiling (best per mode):')
for (K, N) in sorted({(r['K'], r['N']) for r in ce}):
    for pdl, wf in ((1, 0), (1, 1), (0, 0)):
        s = [r for r in ce if (r['K'], r['N'], r['pdl'], r['wait_first']) == (K, N, pdl, wf)]
        if s:
            b = min(s, key=lambda r: r['us'])
            print(f"  {K}x{N} bytes={b['bytes']} pdl={pdl} wait_first={wf}: {b['us']:.2f} us (grid {b['grid']}); all: " +
                  ' '.join(f"{r['grid']}:{r['us']:.2f}" for r in s))
