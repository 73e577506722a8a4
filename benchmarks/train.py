"""Training inside the app vs the headless loop, and the GUI's event-loop stall while training.

    python benchmarks/train.py [--task adding --length 50 --cell lstm --hidden 64 --batch 64
                                --steps 300 --repeats 3]

1. Steps per second: the same TrainConfig trained (a) headless — ``for s in train(config)`` —
   and (b) in a shown TrainingPanel with every live view redrawn (<= 30 Hz) while a worker
   thread trains. Runs are interleaved (headless, app, headless, app, ...) and the medians
   compared: ``ratio = app / headless`` (target >= 0.85).
2. Event-loop stall: during the app runs a 10 ms single-shot QTimer is re-armed every time it
   fires; its lateness (actual interval - 10 ms) is how long the GUI could not respond.
   Prints p50 / p99 / max (target p99 <= 50 ms).

Runs offscreen by default (QT_QPA_PLATFORM=offscreen unless already set). Figures only, no
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

import numpy as np  # noqa: E402


def headless(config) -> float:
    from rnnviz.training.loop import train

    t0 = time.perf_counter()
    n = 0
    for snap in train(config):
        n = snap.step
    return n / (time.perf_counter() - t0)


def in_app(app, config, lateness: list[float]) -> tuple[float, int]:
    from PySide6.QtCore import QElapsedTimer, QTimer

    from rnnviz.ui.training_panel import TrainingPanel

    panel = TrainingPanel()
    panel.resize(1600, 900)
    panel.show()
    panel.set_config(config)
    app.processEvents()

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
    panel.toggle_start()
    clock.start()
    probe.start(10)
    while panel.state() not in ("finished", "failed", "stopped"):
        app.processEvents()
        time.sleep(0.0005)  # the event loop would block here; keep the probe honest but cheap
    dt = time.perf_counter() - t0
    probe.stop()
    steps = len(panel.history)
    redraws = panel.redraw_count
    panel.shutdown()
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return steps / dt, redraws / dt


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", default="adding")
    ap.add_argument("--length", type=int, default=50)
    ap.add_argument("--cell", default="lstm")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from rnnviz.training.config import TrainConfig

    app = QApplication.instance() or QApplication([])
    config = TrainConfig(task=args.task, length=args.length, cell=args.cell, hidden=(args.hidden,),
                         batch=args.batch, steps=args.steps, val_every=max(5, args.steps // 40),
                         metrics_every=max(5, min(25, args.steps // 80)), val_batch=max(64, min(256, 2 * args.batch)))
    config.validate()
    print(f"task {config.task} T={config.length} cell {config.cell} hidden {config.hidden_sizes} "
          f"batch {config.batch} steps {config.steps} (val every {config.val_every}, metrics every "
          f"{config.metrics_every}); {args.repeats} interleaved repeats")
    # warm-up (imports, first-call costs)
    headless(config.replace(steps=5))
    hl, ap_rates, lateness, redraws = [], [], [], []
    for r in range(args.repeats):
        hl.append(headless(config))
        rate, n_draw = in_app(app, config, lateness)
        ap_rates.append(rate)
        redraws.append(n_draw)
        print(f"  repeat {r + 1}: headless {hl[-1]:.1f} steps/s, in app {rate:.1f} steps/s "
              f"(views redrawn {n_draw:.1f} times/s)")
    h, a = statistics.median(hl), statistics.median(ap_rates)
    late = np.asarray(lateness)
    print(f"steps/s headless {h:.1f}, in app with live views {a:.1f}: ratio {a / h:.3f} (target >= 0.85)")
    if late.size:
        print(f"event-loop stall (10 ms timer lateness, {late.size} samples): p50 {np.percentile(late, 50):.1f} ms, "
              f"p99 {np.percentile(late, 99):.1f} ms, max {late.max():.1f} ms (target p99 <= 50 ms)")


if __name__ == "__main__":
    main()
