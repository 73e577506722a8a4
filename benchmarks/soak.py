"""Soak test: train with every live view for N minutes while typing, and report memory growth
and Qt warnings.

    python benchmarks/soak.py                       # 20 minutes, 10,000 keystrokes
    python benchmarks/soak.py --minutes 1 --keys 500

The main window trains in its Training tab (the panel's default task, an LSTM) while the text box
of the Memory tab receives keystrokes spread evenly over the run (sentences, backspaces, and a
clear every few hundred characters); the window switches between the two tabs every few seconds
so both sets of live views keep redrawing, and autosave runs every 10 s. Prints the resident
memory (VmRSS) after warm-up and at the end, its growth (target <= 50 MB), the peak, and the
number of Qt warnings caught by ``qInstallMessageHandler`` (target 0), with each distinct text.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SENTENCES = ["The bank was steep, so I slid down it. ", "f(a, (b + c) * [d]) ", "I love eating \"pasta\" ",
             "the food was terrible but the service was amazing ", "((()())) [x] {y} "]


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--keys", type=int, default=10_000)
    ap.add_argument("--warmup", type=float, default=10.0, help="seconds before the baseline memory reading")
    ap.add_argument("--switch", type=float, default=5.0, help="seconds between tab switches")
    args = ap.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="rnnviz-soak-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")   # keep the user's settings out
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
    from rnnviz.app import limit_blas_threads

    limit_blas_threads()
    from PySide6.QtCore import QtMsgType, QTimer, qInstallMessageHandler
    from PySide6.QtTest import QTest
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    warnings: Counter = Counter()

    def handler(mode, context, message):
        if mode in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            warnings[message] += 1

    qInstallMessageHandler(handler)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("rnnviz-soak")
    from rnnviz.ui.main_window import MainWindow

    w = MainWindow(restore=False)
    w.resize(1400, 900)
    w.show()
    w.files.autosave.set_interval(10, remember=False)
    panel = w.training
    panel.steps_spin.setValue(10**8)
    w.tabs.setCurrentWidget(panel)
    panel.start()

    duration = args.minutes * 60.0
    t0 = time.monotonic()
    keys_sent = 0
    typed = 0
    state = {"baseline": None, "peak": 0.0, "sentence": 0, "pos": 0, "switches": 0}

    def type_some() -> None:
        nonlocal keys_sent, typed
        elapsed = time.monotonic() - t0
        due = min(args.keys, int(args.keys * elapsed / duration) + 1)
        te = w.text_edit
        while keys_sent < due:
            if typed >= 300:
                te.clear()
                typed = 0
            if keys_sent % 17 == 16:
                QTest.keyClick(te, Qt.Key.Key_Backspace)
                typed = max(0, typed - 1)
            else:
                s = SENTENCES[state["sentence"] % len(SENTENCES)]
                QTest.keyClicks(te, s[state["pos"]])
                state["pos"] += 1
                if state["pos"] >= len(s):
                    state["pos"] = 0
                    state["sentence"] += 1
                typed += 1
            keys_sent += 1

    def switch() -> None:
        w.tabs.setCurrentIndex(0 if w.tabs.currentIndex() != 0 else 1)
        state["switches"] += 1

    def sample() -> None:
        r = rss_mb()
        state["peak"] = max(state["peak"], r)
        if state["baseline"] is None and time.monotonic() - t0 >= args.warmup:
            state["baseline"] = r

    typer = QTimer()
    typer.timeout.connect(type_some)
    typer.start(20)
    switcher = QTimer()
    switcher.timeout.connect(switch)
    switcher.start(int(args.switch * 1000))
    sampler = QTimer()
    sampler.timeout.connect(sample)
    sampler.start(500)
    QTimer.singleShot(int(duration * 1000), app.quit)
    app.exec()
    typer.stop()
    switcher.stop()
    sampler.stop()
    # finish the keystrokes (if the machine was too slow to keep up) and settle
    while keys_sent < args.keys:
        type_some()
        app.processEvents()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    end = rss_mb()
    steps = len(panel.history)
    last = panel.history.steps[-1] if panel.history.steps else 0
    w.close()
    base = state["baseline"] if state["baseline"] is not None else end
    growth = end - base
    # the offscreen platform plugin says this once per shown top-level window; not the app's
    platform = {m: k for m, k in warnings.items() if "propagateSizeHints" in m}
    n_warn = sum(k for m, k in warnings.items() if m not in platform)
    print(f"soak: {args.minutes:g} min, {keys_sent} keystrokes, {state['switches']} tab switches, "
          f"{last} training steps ({steps} in the history), {w.files.autosave.save_count} autosaves")
    print(f"memory: baseline {base:.1f} MB (after {args.warmup:g} s), end {end:.1f} MB, growth {growth:+.1f} MB "
          f"(target <= 50), peak {state['peak']:.1f} MB")
    print(f"Qt warnings: {n_warn} (target 0)" + (f"; plus {sum(platform.values())} from the offscreen platform "
                                                   "plugin (propagateSizeHints)" if platform else ""))
    for msg, k in warnings.most_common(10):
        if msg not in platform:
            print(f"  {k} x {msg}")
    return 0 if growth <= 50 and n_warn == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
