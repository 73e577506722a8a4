"""Forward+backward speed of the rnnviz engine against PyTorch CPU, interleaved in one run.

Prints, for float32, the median time per forward+backward of rnnviz (with its full
instrumentation: traces of every gate and the per-step norms ||dL/dh_t||) and of PyTorch's
nn.LSTM / nn.GRU / nn.RNN, and the ratio rnnviz / PyTorch (<= 1.0 means rnnviz is as fast
or faster). Then the peak extra memory of a T=10,000, B=1, H=256 LSTM forward+backward.

Two thread settings, each in its own process (NumPy's BLAS reads its thread count when it loads):

* default: both libraries with their default thread pools (here 2 threads each). Interleaving
  two libraries that each keep their worker threads spinning after a call makes each one's
  spinning workers compete with the other's work on a 2-core machine, so both are slowed, and
  PyTorch more than rnnviz at B = 1 (its per-step kernels are short);
* single-threaded: BLAS and PyTorch on one thread each, so neither can disturb the other. This
  is the fair comparison of the per-step work, and how the app runs its BLAS.

    python benchmarks/engine.py [--repeats N] [--threads N] [--only TEXT] [--no-memory]

``--threads N`` runs one setting only, with N threads for both libraries.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--threads", type=int, default=None,
                    help="threads for both BLAS and torch, one setting only (default: both settings)")
    ap.add_argument("--only", default=None, help="run only the shapes whose label contains this text")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurement")
    return ap


# --threads must reach BLAS before NumPy loads (it reads the thread count then)
_THREADS = _parser().parse_known_args()[0].threads
if _THREADS:
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = str(_THREADS)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from rnnviz.engine import Recurrent  # noqa: E402

SHAPES = [  # cell, T, B, D, H
    ("lstm", 100, 32, 64, 128),
    ("gru", 100, 32, 64, 128),
    ("rnn_tanh", 100, 32, 64, 128),
    ("lstm", 200, 1, 64, 256),
    ("lstm", 1000, 1, 32, 64),
]


def bench_rnnviz(cell, T, B, D, H, rng):
    net = Recurrent(cell, D, H, seed=0, dtype=np.float32)
    x = rng.standard_normal((T, B, D)).astype(np.float32)
    d = rng.standard_normal((T, B, H)).astype(np.float32)

    def run():
        tr = net.forward(x)
        g = net.backward(tr, d)
        g.step_norms(0)
    return run


def bench_torch(cell, T, B, D, H, rng):
    import torch
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn_tanh": torch.nn.RNN}[cell]
    mod = cls(D, H)
    x = torch.tensor(rng.standard_normal((T, B, D)).astype(np.float32), requires_grad=True)
    d = torch.tensor(rng.standard_normal((T, B, H)).astype(np.float32))

    def run():
        mod.zero_grad(set_to_none=True)
        x.grad = None
        out, _ = mod(x)
        out.backward(d)
    return run


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def peak_memory_mb(T=10_000, B=1, D=32, H=256) -> float:
    net = Recurrent("lstm", D, H, dtype=np.float32)
    x = np.random.default_rng(0).standard_normal((T, B, D)).astype(np.float32)
    d = np.ones((T, B, H), np.float32)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tr = net.forward(x)
    g = net.backward(tr, d)
    g.step_norms(0)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    args = _parser().parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None and args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads() if torch is not None else "n/a"
    setting = f"{args.threads} thread(s) each" if args.threads else "default thread pools"
    print(f"[{setting}] numpy {np.__version__} (BLAS threads: "
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'default')}), torch "
          f"{getattr(torch, '__version__', 'not installed')} (threads {threads}), float32, "
          f"median of {args.repeats} interleaved rounds", flush=True)
    print(f"{'shape':34s} {'rnnviz ms':>10s} {'torch ms':>10s} {'ratio':>7s}")
    rng = np.random.default_rng(0)
    for cell, T, B, D, H in SHAPES:
        label = f"{cell} T={T} B={B} D={D} H={H}"
        if args.only and args.only not in label:
            continue
        ours = bench_rnnviz(cell, T, B, D, H, rng)
        ref = bench_torch(cell, T, B, D, H, rng) if torch is not None else None
        ours(); ref and ref()  # warm-up
        t_ours, t_ref = [], []
        for _ in range(args.repeats):  # interleave so both see the same machine state
            t_ours.append(median_time(ours, 1))
            if ref:
                t_ref.append(median_time(ref, 1))
        a = float(np.median(t_ours)) * 1e3
        if ref:
            b = float(np.median(t_ref)) * 1e3
            print(f"{label:34s} {a:10.2f} {b:10.2f} {a / b:7.2f}", flush=True)
        else:
            print(f"{label:34s} {a:10.2f} {'-':>10s} {'-':>7s}", flush=True)
    if args.threads is None:
        # the second setting in a fresh process: BLAS fixes its thread count when NumPy loads
        cmd = [sys.executable, os.path.abspath(__file__), "--threads", "1", "--no-memory",
               "--repeats", str(args.repeats)] + (["--only", args.only] if args.only else [])
        print()
        subprocess.run(cmd, check=True)
    if args.no_memory:
        return
    print(f"\npeak extra memory, LSTM T=10000 B=1 H=256 forward+backward: {peak_memory_mb():.1f} MB "
          f"(target <= 150 MB)")


if __name__ == "__main__":
    main()
