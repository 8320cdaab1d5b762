"""Summary of exp_v10.sh: per (K, N, M) the v9 / v10 table times and the
best few whole-slice (deep) and fitted-S3 plans."""
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
for c in sorted({(x['K'], x['N'], x['M']) for x in r}):
    d = [x for x in r if (x['K'], x['N'], x['M']) == c]
    base = {x['tag']: x for x in d if x['tag'] in ('v9', 'v10', 'v9b', 'v10b')}
    print(c, ' '.join(f"{t}={base[t]['us']:.2f}" for t in ('v9', 'v9b', 'v10', 'v10b') if t in base),
          base['v10']['kernel'][10:] if 'v10' in base else '')
    rest = sorted((x for x in d if x['tag'] not in base), key=lambda x: x['us'])
    for x in rest[:6]:
        print(f"    {x['us']:7.2f} {x['tag']:9s} {x['kernel'][10:]:32s} s{x['nsplit']} smem={x['smem']} pdl={x['pdl']}")
