"""Training inside the app vs the headless loop, and the GUI's event-loop stall while training.

    python benchmarks/train.py [--task adding --length 50 --cell lstm --hidden 64 --batch 64
                                --steps 300 --repeats 3 --mode process|thread|both]

1. Steps per second: the same TrainConfig trained (a) headless — ``for s in train(config)`` —
   and (b) in a shown TrainingPanel with every live view redrawn (<= 30 Hz) while the app's
   TrainingWorker trains (in a child process by default; ``--mode thread`` for the old
   in-process thread). Runs are interleaved (headless, app, headless, app, ...) and the medians
   compared: ``ratio = app / headless`` (target >= 0.85). The app's rate counts from Start to
   the end of the run, so it includes the start-up (printed separately as "first step after").
   As a person would, the benchmark waits ``--settle`` seconds between showing the panel and
   pressing Start (the panel starts a spare training process when shown, so Start is instant).
2. Event-loop stall: during the app runs a 10 ms single-shot QTimer is re-armed every time it
   fires; its lateness (actual interval - 10 ms) is how long the GUI could not respond.
   Prints p50 / p99 / max (target p99 <= 50 ms).

Runs offscreen by default (QT_QPA_PLATFORM=offscreen unless already set), with one BLAS thread
like the app and ``rnnviz train`` (a training child process inherits it). Figures only, no
pass/fail: the machine may be shared.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from rnnviz.app import limit_blas_threads  # noqa: E402

limit_blas_threads()  # one BLAS thread, as the app and `rnnviz train` use (before NumPy loads)
import numpy as np  # noqa: E402


def headless(config) -> float:
    from rnnviz.training.loop import train

    t0 = time.perf_counter()
    n = 0
    for snap in train(config):
        n = snap.step
    return n / (time.perf_counter() - t0)


def in_app(app, config, lateness: list[float], settle: float = 1.5) -> tuple[float, float, float]:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    from rnnviz.ui.training_panel import TrainingPanel

    panel = TrainingPanel()
    panel.resize(1600, 900)
    panel.show()
    panel.set_config(config)
    end = time.perf_counter() + settle
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)

    probe = QTimer()
    probe.setSingleShot(True)
    probe.setTimerType(probe.timerType().PreciseTimer)
    clock = QElapsedTimer()

    def fired():
        lateness.append(max(0.0, clock.nsecsElapsed() / 1e6 - 10.0))
        clock.restart()
        probe.start(10)

    probe.timeout.connect(fired)
    t0 = time.perf_counter()
    first = []
    panel.toggle_start()
    panel.worker.snapshots.connect(lambda _b: first or first.append(time.perf_counter() - t0))
    clock.start()
    probe.start(10)
    # block in a real event loop, as the app does (no polling loop competing for the CPU)
    loop = QEventLoop()
    panel.state_changed.connect(lambda st: loop.quit() if st in ("finished", "failed", "stopped") else None,
                                Qt.ConnectionType.QueuedConnection)
    QTimer.singleShot(600_000, loop.quit)  # a safety net, not expected
    if panel.state() not in ("finished", "failed", "stopped"):
        loop.exec()
    dt = time.perf_counter() - t0
    probe.stop()
    if panel.state() != "finished":
        print(f"  the run ended {panel.state()}: {panel.banner_text()}")
    steps = len(panel.history)
    redraws = panel.redraw_count
    panel.shutdown()
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return steps / dt, redraws / dt, first[0] if first else float("nan")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", default="adding")
    ap.add_argument("--length", type=int, default=50)
    ap.add_argument("--cell", default="lstm")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mode", default="process",
                    help="where the app trains: process (the app's default), thread, or both "
                         "(process,thread: interleaved under the same load)")
    ap.add_argument("--settle", type=float, default=1.5,
                    help="seconds between showing the panel and pressing Start")
    args = ap.parse_args(argv)
    modes = ["process", "thread"] if args.mode == "both" else args.mode.split(",")
    if any(m not in ("process", "thread") for m in modes):
        ap.error(f"--mode: expected process, thread or both, got {args.mode!r}")

    from PySide6.QtWidgets import QApplication

    from rnnviz.training import worker as worker_mod
    from rnnviz.training.config import TrainConfig

    app = QApplication.instance() or QApplication([])
    config = TrainConfig(task=args.task, length=args.length, cell=args.cell, hidden=(args.hidden,),
                         batch=args.batch, steps=args.steps, val_every=max(5, args.steps // 40),
                         metrics_every=max(5, min(25, args.steps // 80)), val_batch=max(64, min(256, 2 * args.batch)))
    config.validate()
    print(f"task {config.task} T={config.length} cell {config.cell} hidden {config.hidden_sizes} "
          f"batch {config.batch} steps {config.steps} (val every {config.val_every}, metrics every "
          f"{config.metrics_every}); {args.repeats} interleaved repeats; app trains in a {' / '.join(modes)}")
    # warm-up (imports, first-call costs)
    headless(config.replace(steps=5))
    hl = []
    rates = {m: [] for m in modes}
    lateness = {m: [] for m in modes}
    for r in range(args.repeats):
        hl.append(headless(config))
        line = f"  repeat {r + 1}: headless {hl[-1]:.1f} steps/s"
        for m in modes:
            worker_mod.DEFAULT_MODE = m
            n0 = len(lateness[m])
            rate, n_draw, first = in_app(app, config, lateness[m], args.settle)
            rates[m].append(rate)
            late_r = np.asarray(lateness[m][n0:])
            p99 = f"{np.percentile(late_r, 99):.1f}" if late_r.size else "-"
            line += (f"; in app ({m}) {rate:.1f} steps/s (first step after {first * 1000:.0f} ms, "
                     f"views redrawn {n_draw:.1f}/s, stall p99 {p99} ms)")
        print(line)
    worker_mod.discard_spare()
    h = statistics.median(hl)
    for m in modes:
        a = statistics.median(rates[m])
        pairs = statistics.median(x / y for x, y in zip(rates[m], hl))
        late = np.asarray(lateness[m])
        print(f"[{m}] steps/s headless {h:.1f}, in app with live views {a:.1f}: ratio {a / h:.3f} "
              f"(median of per-repeat ratios {pairs:.3f}; target >= 0.85)")
        if late.size:
            print(f"[{m}] event-loop stall (10 ms timer lateness, {late.size} samples): p50 "
                  f"{np.percentile(late, 50):.1f} ms, p99 {np.percentile(late, 99):.1f} ms, max {late.max():.1f} ms "
                  f"(target p99 <= 50 ms)")


if __name__ == "__main__":
    main()
