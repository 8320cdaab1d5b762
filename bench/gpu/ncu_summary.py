#!/usr/bin/env python3
"""Summarize one Nsight Compute profile (ncu_v14.sh): the headline metrics of
the details page, the warp stall reasons of the raw page and the SASS lines
with the most stall samples of the source page.
usage: ncu_summary.py DETAILS.csv RAW.csv [SASS.csv]"""
import csv, re, sys

KEEP = {
    'GPU Speed Of Light Throughput': None,
    'Memory Workload Analysis': ['Memory Throughput', 'L1/TEX Hit Rate',
                                 'L2 Hit Rate', 'Mem Busy', 'Max Bandwidth',
                                 'Mem Pipes Busy'],
    'Launch Statistics': ['Registers Per Thread', 'Grid Size', 'Block Size',
                          'Dynamic Shared Memory Per Block', 'Waves Per SM'],
    'Occupancy': ['Achieved Occupancy', 'Theoretical Occupancy',
                  'Achieved Active Warps Per SM'],
    'Scheduler Statistics': None,
    'Warp State Statistics': None,
    'Instruction Statistics': ['Executed Instructions', 'Issued Instructions'],
}


def rows(path):
    with open(path, newline='') as f:
        return [r for r in csv.reader(f) if r]


def details(path):
    rs = rows(path)
    hdr = next((i for i, r in enumerate(rs) if 'Metric Name' in r), None)
    if hdr is None:
        print('  (no details)', rs[:3])
        return
    h = rs[hdr]
    si, mi, ui, vi = (h.index(x) for x in ('Section Name', 'Metric Name',
                                            'Metric Unit', 'Metric Value'))
    for r in rs[hdr + 1:]:
        if len(r) <= vi:
            continue
        sec, name = r[si], r[mi]
        if sec in KEEP and (KEEP[sec] is None or name in KEEP[sec]):
            print(f'  {sec[:22]:22} {name[:40]:40} {r[vi]:>12} {r[ui]}')


def raw(path):
    rs = rows(path)
    if len(rs) < 3:
        return
    h, vals = rs[0], rs[-1]
    pat = re.compile(r'smsp__average_warps_issue_stalled_(\w+)_per_issue_active\.ratio$')
    st = []
    for n, v in zip(h, vals):
        m = pat.match(n)
        if m:
            try:
                st.append((float(v.replace(',', '')), m.group(1)))
            except ValueError:
                pass
    st.sort(reverse=True)
    print('  stalls per issued instruction:',
          ', '.join(f'{n} {v:.2f}' for v, n in st if v >= 0.05))
    for want in ('dram__bytes_read.sum', 'lts__t_bytes.sum',
                 'sm__cycles_elapsed.avg', 'gpu__time_duration.sum',
                 'smsp__inst_executed.sum', 'l1tex__data_pipe_lsu_wavefronts_mem_shared.sum'):
        if want in h:
            print(f'  {want} = {vals[h.index(want)]} {rs[1][h.index(want)]}')


def sass(path, thr=0.8):
    """Stall samples by reason, then the SASS lines holding >= thr % of them
    (and every barrier), with their two largest reasons."""
    try:
        rs = rows(path)
    except OSError:
        return
    hdr = next((i for i, r in enumerate(rs) if 'Source' in r), None)
    if hdr is None:
        print('  (no source page)', ' '.join(map(str, rs[:2]))[:200])
        return
    h, body = rs[hdr], rs[hdr + 1:]
    ci = h.index('Warp Stall Sampling (All Samples)')
    ex = h.index('Instructions Executed')
    sc = [i for i, n in enumerate(h)
          if n.startswith('stall_') and 'Not Issued' not in n]
    val = lambda r, i: float(r[i] or 0) if i < len(r) else 0.0
    tot = sum(val(r, ci) for r in body) or 1
    base = int(body[0][0], 16)
    reasons = {}
    for r in body:
        for i in sc:
            reasons[h[i][6:]] = reasons.get(h[i][6:], 0) + val(r, i)
    print(f'  SASS lines {len(body)}, stall samples {tot:.0f}:',
          ' '.join(f'{k} {100 * v / tot:.1f}%' for k, v in
                   sorted(reasons.items(), key=lambda x: -x[1])
                   if v / tot > 0.01))
    for r in body:
        v = val(r, ci)
        if 100 * v / tot >= thr or 'BAR.SYNC' in r[1]:
            top = sorted(((val(r, i), h[i][6:]) for i in sc), reverse=True)[:2]
            print(f'   {int(r[0], 16) - base:05x} {100 * v / tot:5.1f}% '
                  f'exec {r[ex]:>6} {r[1].strip()[:58]:58} '
                  f'{top[0][1]} {top[0][0]:.0f}, {top[1][1]} {top[1][0]:.0f}')


details(sys.argv[1])
raw(sys.argv[2])
if len(sys.argv) > 3:
    sass(sys.argv[3])
