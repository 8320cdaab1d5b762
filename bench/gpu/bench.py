#!/usr/bin/env python3
"""Dequant-GEMM benchmark on one GPU: quant-mlir's generated kernels vs cuBLAS
fp16 (torch.matmul) vs PyTorch's int4 kernel (torch._weight_int4pack_mm), plus
the memory floor (weight + scale + activation + output bytes over the measured
device-to-device copy bandwidth).

Weights rotate over enough copies that none sits in L2; every timing is a
CUDA graph of many launches, median over replays. Prints a table and writes
JSON naming the card.

usage: bench.py --ours-bin BIN --cubin CUBIN --manifest TXT --out JSON
                [--shapes 4096:6144,...] [--m 1,8,...]
"""
import argparse, json, subprocess, sys, time

import torch

SHAPES = [(4096, 6144), (4096, 4096), (4096, 28672), (14336, 4096),
          (8192, 28672), (28672, 8192)]
MS = [1, 8, 16, 32, 64, 128, 256, 1024]
GROUP = 128


def graph_time_us(fn_list, replays=25):
    """fn_list: callables, one launch each; captured in one graph."""
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for f in fn_list[:3]:
            f()
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for f in fn_list:
            f()
    g.replay()
    torch.cuda.synchronize()
    times = []
    for _ in range(replays):
        e0 = torch.cuda.Event(enable_timing=True)
        e1 = torch.cuda.Event(enable_timing=True)
        e0.record()
        g.replay()
        e1.record()
        e1.synchronize()
        times.append(e0.elapsed_time(e1) * 1000.0 / len(fn_list))
    times.sort()
    del g
    return times[len(times) // 2]


def copy_bandwidth():
    n = 1 << 30
    a = torch.empty(n, dtype=torch.uint8, device="cuda")
    b = torch.empty_like(a)
    a.random_(0, 255)
    for _ in range(3):
        b.copy_(a)
    torch.cuda.synchronize()
    ts = []
    for _ in range(20):
        e0 = torch.cuda.Event(enable_timing=True)
        e1 = torch.cuda.Event(enable_timing=True)
        e0.record()
        b.copy_(a)
        e1.record()
        e1.synchronize()
        ts.append(e0.elapsed_time(e1) / 1000.0)
    ts.sort()
    del a, b
    torch.cuda.empty_cache()
    return 2 * n / ts[len(ts) // 2]  # bytes read + written per second


def copies_for(nbytes, l2):
    return max(2, -(-4 * l2 // nbytes))


def bench_cublas(K, N, Ms, l2):
    res = {}
    wbytes = K * N * 2
    nc = copies_for(wbytes, l2)
    ws = [torch.randn(K, N, device="cuda", dtype=torch.float16) * 0.02
          for _ in range(nc)]
    for M in Ms:
        x = torch.randn(M, K, device="cuda", dtype=torch.float16)
        out = torch.empty(M, N, device="cuda", dtype=torch.float16)
        reps = nc * max(1, 32 // nc)
        fns = [(lambda w=ws[r % nc]: torch.matmul(x, w, out=out))
               for r in range(reps)]
        res[M] = graph_time_us(fns)
    del ws
    torch.cuda.empty_cache()
    return res


def bench_int4pack(K, N, Ms, l2):
    res = {}
    try:
        wq = torch.randint(0, 16, (N, K), dtype=torch.int32, device="cuda")
        packed_u8 = (wq[:, ::2] << 4 | wq[:, 1::2]).to(torch.uint8)
        wp = torch._convert_weight_to_int4pack(packed_u8, 8)
        sz = torch.rand(K // GROUP, N, 2, device="cuda", dtype=torch.bfloat16)
        wbytes = K * N // 2
        nc = copies_for(wbytes, l2)
        wps = [wp.clone() for _ in range(nc)]
        del wq, packed_u8
        for M in Ms:
            x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
            reps = nc * max(1, 32 // nc)
            fns = [(lambda w=wps[r % nc]: torch._weight_int4pack_mm(
                x, w, GROUP, sz)) for r in range(reps)]
            res[M] = graph_time_us(fns)
        del wps
    except Exception as e:  # report, never hide
        print(f"torch._weight_int4pack_mm failed for {K}x{N}: {e}",
              file=sys.stderr)
    torch.cuda.empty_cache()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours-bin", required=True)
    ap.add_argument("--cubin", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shapes", default=",".join(f"{k}:{n}" for k, n in SHAPES))
    ap.add_argument("--m", default=",".join(map(str, MS)))
    ap.add_argument("--ours-extra", default="")
    ap.add_argument("--no-pdl-column", type=int, default=1,
                    help="also time ours without PDL (column 'no PDL')")
    args = ap.parse_args()
    shapes = [tuple(map(int, s.split(":"))) for s in args.shapes.split(",")]
    Ms = [int(m) for m in args.m.split(",")]
    props = torch.cuda.get_device_properties(0)
    l2 = props.L2_cache_size
    card = props.name
    bw = copy_bandwidth()
    print(f"card: {card}, SMs {props.multi_processor_count}, L2 {l2 >> 20} MiB,"
          f" measured d2d copy bandwidth {bw / 1e12:.3f} TB/s", flush=True)

    def run_ours(extra):
        cmd = [args.ours_bin, args.cubin, args.manifest] + \
            [f"{k}:{n}" for k, n in shapes] + ["--m", args.m] + extra + \
            (args.ours_extra.split() if args.ours_extra else [])
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stdout, p.stderr, file=sys.stderr)
            raise SystemExit(f"our benchmark failed (exit {p.returncode})")
        res = {}
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                res[(r["K"], r["N"], r["M"])] = r
        print(f"ours {' '.join(extra)}: {time.time() - t0:.1f} s", flush=True)
        return res

    # With programmatic dependent launch (the default: each launch of the
    # graph may start fetching weights while the previous one finishes, and
    # waits for it before reading activations) and without.
    ours = run_ours(["--pdl", "1"])
    ours_nopdl = run_ours(["--pdl", "0"]) if args.no_pdl_column else {}

    rows = []
    for K, N in shapes:
        cb = bench_cublas(K, N, Ms, l2)
        i4 = bench_int4pack(K, N, Ms, l2)
        for M in Ms:
            G = K // GROUP
            nbytes = K * N // 2 + G * N * 2 + M * K * 2 + M * N * 2
            floor_us = nbytes / bw * 1e6
            o = ours.get((K, N, M), {})
            o0 = ours_nopdl.get((K, N, M), {})
            rows.append(dict(K=K, N=N, M=M, floor_us=floor_us,
                             ours_us=o.get("us"), ours_kernel=o.get("kernel"),
                             ours_nsplit=o.get("nsplit"),
                             ours_cluster=o.get("cluster"),
                             ours_nopdl_us=o0.get("us"),
                             cublas_fp16_us=cb.get(M),
                             torch_int4_us=i4.get(M)))
        print(f"peers done for {K}x{N}", flush=True)

    def f(v):
        return f"{v:9.2f}" if v is not None else "      n/a"
    hdr = (f"{'K x N':>12} {'M':>5} {'floor':>9} {'ours':>9} {'cuBLAS':>9} "
           f"{'int4mm':>9} {'%floor':>7} {'vs cuBLAS':>9} {'vs int4':>8} "
           f"{'no PDL':>9}")
    lines = [f"card: {card}; copy bandwidth {bw / 1e12:.3f} TB/s; times in us "
             "(median, CUDA graph, weights rotated past L2); 4-bit sym g128; "
             "ours with PDL (no PDL: last column)",
             hdr]
    for r in rows:
        o, c, i = r["ours_us"], r["cublas_fp16_us"], r["torch_int4_us"]
        pct = f"{100 * r['floor_us'] / o:6.1f}%" if o else "    n/a"
        sc = f"{c / o:8.2f}x" if o and c else "      n/a"
        si = f"{i / o:7.2f}x" if o and i else "     n/a"
        lines.append(f"{r['K']:>6}x{r['N']:<6} {r['M']:>4} {f(r['floor_us'])} "
                     f"{f(o)} {f(c)} {f(i)} {pct} {sc} {si} "
                     f"{f(r['ours_nopdl_us'])}")
    table = "\n".join(lines)
    print(table)
    with open(args.out, "w") as fh:
        json.dump(dict(card=card, sms=props.multi_processor_count, l2_bytes=l2,
                       copy_bandwidth_Bps=bw, torch=torch.__version__,
                       config="4-bit symmetric, group 128, f16 activations "
                              "(int4mm: bf16, asymmetric scales+zeros)",
                       rows=rows, table=table), fh, indent=1)


if __name__ == "__main__":
    main()
