"""The "Sequence shapes" tab: which inputs and outputs a recurrent network uses, with live demos.

* :class:`ShapeDiagram`: a small picture of one shape — one-to-many, many-to-one, many-to-many,
  encoder-decoder, bidirectional. Input boxes (x_t) at the bottom, cells (h_t) in the middle,
  output boxes (ŷ_t) on top; used inputs and outputs are filled, unused ones are dashed
  outlines; arrows are the recurrent connections (and, for one-to-many, the fed-back samples).
* :class:`~rnnviz.ui.generate_view.GenerateView`: one-to-many generation with a temperature.
* :class:`ReversalDemo`: an encoder-decoder that writes its input backwards (a shipped model,
  ``resources/lessons/reversal_gru.npz``, or one trained here in a few seconds).
* :class:`LookaheadDemo`: a many-to-many task where the future matters (output the symbol two
  steps *later*): a unidirectional GRU stays at chance, a bidirectional one learns it.

Demo training runs in a Python thread (NumPy releases the GIL in its kernels); a 10 Hz timer on
the GUI thread shows its progress. :meth:`ShapesView.shutdown` stops and joins it.
"""
from __future__ import annotations

import html
import threading
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QSizePolicy, QSplitter, QVBoxLayout, QWidget)

from rnnviz import demos, resources
from rnnviz.ui import theme
from rnnviz.ui.examples import EXAMPLES
from rnnviz.ui.generate_view import GenerateView
from rnnviz.ui.lazy import built_on_first_use
from rnnviz.ui.plot_legend import legend_above

#: Okabe-Ito colours (colour-blind safe): inputs, outputs
INPUT_COLOR = QColor("#0072B2")
OUTPUT_COLOR = QColor("#E69F00")
BACKWARD_COLOR = QColor("#009E73")

SHAPE_INFO = {
    "one_to_many": ("one-to-many", "one input, then each output is fed back in: generating text or music "
                                   "from a seed"),
    "many_to_one": ("many-to-one", "read everything, answer once from the last state h_T: sentiment of a "
                                   "sentence"),
    "many_to_many": ("many-to-many", "an output at every step: the next character, or a tag per word"),
    "encoder_decoder": ("encoder-decoder", "read all of the input, then write an output of another length: "
                                           "translation, reversal"),
    "bidirectional": ("bidirectional", "a forward and a backward network; each output sees the past and "
                                       "the future"),
}
SHAPE_ORDER = ("one_to_many", "many_to_one", "many_to_many", "encoder_decoder", "bidirectional")
#: where each shape can be tried: the demo box below the diagrams, or (href) an Examples menu entry
SHAPE_TRY = {
    "one_to_many": "Try it below, left: type a seed and press Generate.",
    "encoder_decoder": "Try it below, right: type symbols A-H and read what the decoder writes back.",
    "bidirectional": "Try it below, right: press Train and watch the unidirectional tagger stay at chance "
                     "while the bidirectional one learns.",
    "many_to_one": "It runs live in the Memory tab with sentiment_lstm: "
                   "<a href='{sentiment}'>open a sentiment example</a> and watch P(positive) per word.",
    "many_to_many": "It runs live in the Memory tab with brackets_lstm: "
                    "<a href='{next_char}'>open a next-character example</a> and hover a character to see "
                    "the top-5 guesses for the next one.",
}
HINT = "Click a diagram to see what it is for and where to try it."
REVERSAL_MODEL = "reversal_gru.npz"


def lesson_models_dir() -> Path:
    return resources.resources_dir() / "lessons"


class ShapeDiagram(QWidget):
    """A drawing of one sequence shape; click it to select it (``clicked(shape)``)."""

    clicked = Signal(str)

    def __init__(self, shape: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if shape not in SHAPE_INFO:
            raise ValueError(f"shape must be one of {', '.join(SHAPE_INFO)}, got {shape!r}")
        self.shape = shape
        self.selected = False
        name, what = SHAPE_INFO[shape]
        self.setToolTip(f"{name}: {what}.\nBottom row: inputs x_t (blue = used, dashed = not used or fed back);\n"
                        "middle: the cell at each step, arrows carry h_t forward (green arrows: backward\n"
                        "direction); top: outputs ŷ_t (orange = used, dashed = ignored). Click to try it.")
        self.setMinimumSize(170, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_selected(self, on: bool) -> None:
        self.selected = on
        self.update()

    def mousePressEvent(self, ev) -> None:  # noqa: N802
        self.clicked.emit(self.shape)
        super().mousePressEvent(ev)

    # ------------------------------------------------------------------ layout of the picture
    def columns(self) -> list[dict]:
        """One dict per drawn step: input ("used" | "fed" | None), output ("used" | "unused" | None),
        and part ("enc" | "dec" | None)."""
        n = 4
        s = self.shape
        if s == "one_to_many":
            return [dict(input="used" if t == 0 else "fed", output="used") for t in range(n)]
        if s == "many_to_one":
            return [dict(input="used", output="used" if t == n - 1 else "unused") for t in range(n)]
        if s in ("many_to_many", "bidirectional"):
            return [dict(input="used", output="used") for _ in range(n)]
        return ([dict(input="used", output=None, part="enc") for _ in range(3)]
                + [dict(input="fed", output="used", part="dec") for _ in range(3)])

    def paintEvent(self, ev) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fg = pal.color(QPalette.ColorRole.WindowText)
        base = pal.color(QPalette.ColorRole.Base)
        if self.selected:
            p.setPen(QPen(theme.accent_color(), 3))
            p.setBrush(base)
            p.drawRoundedRect(QRectF(self.rect()).adjusted(2, 2, -2, -2), 6, 6)
        name, _ = SHAPE_INFO[self.shape]
        f = QFont(self.font())
        f.setBold(True)
        p.setFont(f)
        p.setPen(fg)
        p.drawText(QRectF(0, 4, self.width(), 18), Qt.AlignmentFlag.AlignHCenter, name)
        p.setFont(self.font())

        cols = self.columns()
        n = len(cols)
        bidir = self.shape == "bidirectional"
        w, h = self.width(), self.height()
        box = min(24.0, (w - 20) / (n * 1.6))
        gap = (w - 20 - n * box) / max(1, n - 1) if n > 1 else 0
        xs = [10 + k * (box + gap) for k in range(n)]
        y_out, y_cell, y_in = 28.0, h / 2 - box / 2 - (box * 0.35 if bidir else 0), h - box - 8
        y_back = y_cell + box * 1.15

        def arrow(a: QPointF, b: QPointF, color: QColor, dashed: bool = False) -> None:
            pen = QPen(color, 1.6, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            p.setPen(pen)
            p.drawLine(a, b)
            d = b - a
            length = max(1e-6, (d.x() ** 2 + d.y() ** 2) ** 0.5)
            ux, uy = d.x() / length, d.y() / length
            head = QPainterPath(b)
            head.lineTo(b - QPointF(6 * ux - 3.5 * uy, 6 * uy + 3.5 * ux))
            head.lineTo(b - QPointF(6 * ux + 3.5 * uy, 6 * uy - 3.5 * ux))
            head.closeSubpath()
            p.fillPath(head, color)

        def rect(x, y, color: QColor | None, dashed: bool, label: str) -> None:
            r = QRectF(x, y, box, box)
            p.setPen(QPen(fg if color is None else color.darker(130), 1.3,
                          Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine))
            p.setBrush(Qt.BrushStyle.NoBrush if dashed or color is None else color)
            p.drawRoundedRect(r, 3, 3)
            if label:
                p.setPen(fg if dashed or color is None else QColor("white"))
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, label)

        for k, c in enumerate(cols):
            x = xs[k]
            cell_color = QColor(pal.color(QPalette.ColorRole.Button))
            rect(x, y_cell, cell_color, False, "")
            p.setPen(fg)
            p.drawText(QRectF(x, y_cell, box, box), Qt.AlignmentFlag.AlignCenter,
                       "s" if c.get("part") == "dec" else "h")
            if bidir:
                rect(x, y_back, cell_color, False, "")
                p.setPen(BACKWARD_COLOR)
                p.drawText(QRectF(x, y_back, box, box), Qt.AlignmentFlag.AlignCenter, "h\u2190")
            if c["input"]:
                fed = c["input"] == "fed"
                rect(x, y_in, None if fed else INPUT_COLOR, fed, "x" if not fed else "")
                arrow(QPointF(x + box / 2, y_in), QPointF(x + box / 2, (y_back if bidir else y_cell) + box + 1),
                      fg, dashed=fed)
            if c["output"]:
                used = c["output"] == "used"
                rect(x, y_out, OUTPUT_COLOR if used else None, not used, "ŷ" if used else "")
                arrow(QPointF(x + box / 2, y_cell), QPointF(x + box / 2, y_out + box + 1), fg, dashed=not used)
            if k + 1 < n:
                enc_to_dec = c.get("part") == "enc" and cols[k + 1].get("part") == "dec"
                arrow(QPointF(x + box, y_cell + box / 2), QPointF(xs[k + 1] - 1, y_cell + box / 2),
                      theme.accent_color() if enc_to_dec else fg)
                if bidir:
                    arrow(QPointF(xs[k + 1], y_back + box / 2), QPointF(x + box + 1, y_back + box / 2),
                          BACKWARD_COLOR)
            if c["input"] == "fed" and k > 0 and cols[k - 1]["output"]:
                # the previous output, fed back as this step's input
                arrow(QPointF(xs[k - 1] + box, y_out + box / 2), QPointF(x + box / 2 - 2, y_in - 1),
                      OUTPUT_COLOR, dashed=True)
        p.end()


# ----------------------------------------------------------------------------- demo thread
class _DemoThread:
    """Runs ``fn(progress=...)`` in a Python thread; ``poll()`` gives the latest progress."""

    def __init__(self, fn) -> None:
        self._fn = fn
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.latest: tuple | None = None
        self.result = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="rnnviz-demo", daemon=True)

    def _progress(self, *args) -> bool:
        with self._lock:
            self.latest = args
        return not self._stop.is_set()

    def _run(self) -> None:
        try:
            self.result = self._fn(progress=self._progress)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
            self.error = f"{type(exc).__name__}: {exc}"

    def start(self) -> None:
        self.thread.start()

    def running(self) -> bool:
        return self.thread.is_alive()

    def stop(self, timeout: float = 10.0) -> bool:
        self._stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
        return not self.thread.is_alive()


class _DemoBox(QGroupBox):
    """A titled box with a Train button, a progress bar and a status line; runs one demo thread."""

    message = Signal(str)

    def __init__(self, title: str, steps: int, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.steps = steps
        self.job: _DemoThread | None = None
        self.train_button = QPushButton("Train")
        self.train_button.clicked.connect(self.toggle_training)
        self.progress = QProgressBar()
        self.progress.setRange(0, steps)
        self.progress.setValue(0)
        self.progress.setToolTip("Training steps of the demo")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)

    # subclasses: _train_fn(steps, progress), _on_progress(latest), _on_done(result)
    def toggle_training(self) -> None:
        if self.job is not None and self.job.running():
            self.job.stop()
            return
        self.start_training()

    def start_training(self, steps: int | None = None) -> None:
        n = steps or self.steps
        self.progress.setRange(0, self._total(n))
        self.progress.setValue(0)
        self.job = _DemoThread(lambda progress: self._train_fn(n, progress))
        self.job.start()
        self.train_button.setText("Stop")
        self._timer.start()

    def train_now(self, steps: int | None = None) -> None:
        """Train synchronously on the GUI thread (screenshots and tests)."""
        n = steps or self.steps
        self.progress.setRange(0, self._total(n))
        self._finish(self._train_fn(n, None), None)

    def _total(self, n: int) -> int:
        return n

    def _poll(self) -> None:
        job = self.job
        if job is None:
            return
        if job.latest is not None:
            self._on_progress(job.latest)
        if not job.running():
            self._timer.stop()
            self._finish(job.result, job.error)

    def _finish(self, result, error) -> None:
        self.train_button.setText("Train again")
        if error:
            self.status.setText(f"Training failed: {html.escape(error)}")
            self.message.emit(f"Demo training failed: {error}")
            return
        if result is not None and self._stopped(result):
            # a run cut short is not what the demo shows: keep the previous model and results
            self.status.setText(f"Stopped after {self.progress.value()} of {self.progress.maximum()} steps; "
                                "kept what the demo showed before. Press Train again to train afresh.")
            self._on_stopped()
            return
        if result is not None:
            self.progress.setValue(self.progress.maximum())
            self._on_done(result)

    def _on_stopped(self) -> None:
        """A run was stopped: show the kept results again (subclasses that drew its progress)."""

    @staticmethod
    def _stopped(result) -> bool:
        """Whether the demo's run (or any of its runs) was stopped before its last step."""
        runs = result.values() if isinstance(result, dict) else [result]
        return any(getattr(run, "stopped", False) for run in runs)

    def shutdown(self) -> bool:
        self._timer.stop()
        if self.job is not None:
            return self.job.stop()
        return True

    def busy(self) -> bool:
        return self.job is not None and self.job.running()


class ReversalDemo(_DemoBox):
    """Encoder-decoder reversal: type symbols A-H, read what the decoder writes back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Encoder-decoder: write the input backwards", steps=600, parent=parent)
        self.setToolTip("A GRU encoder reads the symbols; its last state starts a GRU decoder that writes them\n"
                        "in reverse order, one at a time, feeding each back in. Output letters in bold\n"
                        "orange are right; underlined grey letters are mistakes.")
        self.model = None
        self.input_edit = QLineEdit("ABCDEF")
        self.input_edit.setToolTip("Symbols A-H (3 to 7 is what the model was trained on)")
        self.input_edit.textChanged.connect(self.update_output)
        self.ignored_label = QLabel()
        self.ignored_label.setTextFormat(Qt.TextFormat.PlainText)
        self.ignored_label.setWordWrap(True)
        self.ignored_label.setToolTip("Only the symbols A-H (or a-h) are read; the encoder never sees the others")
        self.ignored_label.hide()
        self.output_label = QLabel()
        self.output_label.setTextFormat(Qt.TextFormat.RichText)
        self.output_label.setWordWrap(True)
        self.output_label.setToolTip(self.toolTip())
        f = QFont("monospace")
        f.setStyleHint(QFont.StyleHint.Monospace)
        f.setPointSize(self.font().pointSize() + 3)
        self.output_label.setFont(f)
        g = QGridLayout(self)
        g.addWidget(QLabel("input"), 0, 0)
        g.addWidget(self.input_edit, 0, 1, 1, 2)
        g.addWidget(self.ignored_label, 1, 1, 1, 2)
        g.addWidget(QLabel("decoder writes"), 2, 0)
        g.addWidget(self.output_label, 2, 1, 1, 2)
        g.addWidget(self.train_button, 3, 0)
        g.addWidget(self.progress, 3, 1, 1, 2)
        g.addWidget(self.status, 4, 0, 1, 3)
        self.load_shipped()

    def load_shipped(self) -> bool:
        from rnnviz.engine.model import load_model
        from rnnviz.errors import RnnvizError

        path = lesson_models_dir() / REVERSAL_MODEL
        try:
            model = load_model(path)
        except (RnnvizError, OSError):
            self.status.setText("No trained model shipped: press Train (about 5 seconds).")
            self.update_output()
            return False
        self.model = model
        self.status.setText(f"Loaded {path.name} (trained on 3-7 symbols). Press Train to train one afresh.")
        self.update_output()
        return True

    def _train_fn(self, steps, progress):
        return demos.train_reversal(steps, progress=progress)

    def _on_progress(self, latest) -> None:
        step, loss, acc = latest
        self.progress.setValue(step)
        self.status.setText(f"step {step}: loss {loss:.3f}, accuracy {acc:.0%}")

    def _on_done(self, run) -> None:
        self.model = run.model
        acc = np.mean(run.accuracies[-50:]) if run.accuracies else float("nan")
        self.status.setText(f"Trained {len(run.losses)} steps: recent accuracy {acc:.0%}.")
        self.update_output()

    def reversed_output(self) -> str:
        return demos.reverse_with(self.model, self.input_edit.text()) if self.model is not None else ""

    def ignored_text(self) -> str:
        """What the label under the input says about characters the demo does not read ("" when
        every character is one of A-H)."""
        ignored = demos.ignored_reversal_chars(self.input_edit.text())
        if not ignored:
            return ""
        names = {" ": "space", "\t": "tab"}
        shown = ", ".join(names.get(ch, f"'{ch}'") for ch in ignored)
        return f"Ignored (only A-H are read): {shown}"

    def update_output(self) -> None:
        ignored = self.ignored_text()
        self.ignored_label.setText(ignored)
        self.ignored_label.setVisible(bool(ignored))
        if self.model is None:
            self.output_label.setText("<i>(no model yet)</i>")
            return
        src = "".join(ch for ch in self.input_edit.text().upper() if ch in demos.REVERSAL_SYMBOLS)
        self.output_label.setText(reversal_html(self.reversed_output(), src[::-1]))


def reversal_html(out: str, want: str, shown: int = 40) -> str:
    """What the reversal demo's label shows: the decoder's letters ``out`` (right ones in bold
    orange, mistakes underlined grey) and the score against ``want``. Past ``shown`` letters
    both are cut with an ellipsis (the score still counts all): the model was trained on 3-7
    symbols, and a label is at least as wide as its longest word, so a pasted page of them (an
    answer with no spaces) would widen the window past the screen."""
    accent = OUTPUT_COLOR.name()
    cells = [f"<b style='color:{accent}'>{got}</b>" if got == exp else f"<u style='color:gray'>{got}</u>"
             for got, exp in zip(out[:shown], want)]
    if len(out) > shown:
        cells.append(f"… ({len(out) - shown}&nbsp;more)")
    if not want:
        return " ".join(cells)
    right = sum(a == b for a, b in zip(out, want))
    answer = f"is {want}" if len(want) <= shown else f"starts {want[:shown]}…"
    return " ".join(cells) + f"&nbsp;&nbsp;<small>({right}/{len(want)} right; the answer {answer})</small>"


class LookaheadDemo(_DemoBox):
    """Output the symbol two steps later: unidirectional (chance) vs bidirectional (learns it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Many-to-many where the future matters: output the symbol 2 steps later",
                         steps=250, parent=parent)
        self.setToolTip("Two GRU taggers read random sequences of a-d and must output, at each step, the symbol\n"
                        "that comes 2 steps later. Curves: training accuracy per step; blue = unidirectional\n"
                        "(cannot see the future: stays at chance, 25%), green = bidirectional.")
        self.runs: dict[str, demos.DemoRun] = {}
        self.plot = theme.plot_widget()
        self.plot.setToolTip(self.toolTip())
        self.plot.setMinimumHeight(140)
        pi = self.plot.getPlotItem()
        pi.setLabel("bottom", "training step")
        pi.setLabel("left", "accuracy")
        pi.setYRange(0, 1.02)
        legend_above(pi)  # the bidirectional curve climbs to 100% at the right: keep it uncovered
        pi.addLine(y=0.25, pen=pg.mkPen(theme.foreground_color(), width=1, style=Qt.PenStyle.DotLine))
        self.curves = {
            "unidirectional": pi.plot([], [], pen=pg.mkPen(INPUT_COLOR, width=2), name="unidirectional"),
            "bidirectional": pi.plot([], [], pen=pg.mkPen(BACKWARD_COLOR, width=2), name="bidirectional"),
        }
        self._partial: dict[str, list] = {"unidirectional": [], "bidirectional": []}
        self.status.setText("Press Train: both taggers train on the same data (about 2 seconds).")
        g = QGridLayout(self)
        g.addWidget(self.plot, 0, 0, 1, 3)
        g.addWidget(self.train_button, 1, 0)
        g.addWidget(self.progress, 1, 1, 1, 2)
        g.addWidget(self.status, 2, 0, 1, 3)

    def _total(self, n: int) -> int:
        return 2 * n

    def _train_fn(self, steps, progress):
        runs = {}
        self._partial = {"unidirectional": [], "bidirectional": []}  # (not the previous run's curves)
        for k, (name, bi) in enumerate((("unidirectional", False), ("bidirectional", True))):
            def prog(step, loss, acc, _name=name, _k=k):
                self._partial[_name].append(acc)
                return progress(_k * steps + step, _name, acc) if progress is not None else True
            runs[name] = demos.train_lookahead(bi, steps, progress=prog)
            if runs[name].stopped:
                break
        return runs

    def _on_progress(self, latest) -> None:
        step, name, acc = latest
        self.progress.setValue(step)
        self.status.setText(f"{name}: step {step - (self.steps if name == 'bidirectional' else 0)}, "
                            f"accuracy {acc:.0%}")
        for key, accs in self._partial.items():
            self._draw(key, list(accs))

    def _draw(self, key: str, accs: list) -> None:
        if not accs:
            self.curves[key].setData([], [])
            return
        a = np.asarray(accs, float)
        k = min(10, len(a))
        smooth = np.convolve(a, np.ones(k) / k, mode="valid")
        self.curves[key].setData(np.arange(k, len(a) + 1), smooth)

    def _on_stopped(self) -> None:
        # the plot showed the stopped run's partial curves: back to the kept runs (or nothing)
        for key in self.curves:
            run = self.runs.get(key)
            self._draw(key, run.accuracies if run is not None else [])
        if not self.runs:
            self.status.setText(f"Stopped after {self.progress.value()} of {self.progress.maximum()} steps; "
                                "nothing trained yet to show. Press Train again to train.")

    def _on_done(self, runs) -> None:
        self.runs = runs
        parts = []
        for key, run in runs.items():
            self._draw(key, run.accuracies)
            parts.append(f"{key}: {np.mean(run.accuracies[-30:]):.0%}")
        self.status.setText("Recent accuracy — " + ", ".join(parts) + " (chance: 25%).")

    def final_accuracy(self, key: str) -> float:
        run = self.runs.get(key)
        return float(np.mean(run.accuracies[-30:])) if run else float("nan")


def shape_hint(shape: str | None) -> str:
    """The line under the diagrams (rich text): what ``shape`` is for and where to try it."""
    if shape is None:
        return HINT
    first = {model: next(ex.action_id for ex in EXAMPLES if ex.model == model)
             for model in (resources.SENTIMENT_MODEL, resources.DEFAULT_MODEL)}
    name, what = SHAPE_INFO[shape]
    where = SHAPE_TRY[shape].format(sentiment=first[resources.SENTIMENT_MODEL],
                                    next_char=first[resources.DEFAULT_MODEL])
    return f"<b>{html.escape(name)}</b>: {html.escape(what)}. {where}"


class ShapesView(QWidget):
    """The Sequence shapes tab: five diagrams, generation, reversal and the bidirectional demo.

    The diagrams are built with the tab; the generation box and the two demos (a plot, a model
    loaded and decoded: ~70 ms) when the tab is first shown or one of them is first used.
    """

    shape_selected = Signal(str)
    message = Signal(str)
    #: a link in the hint was clicked: open the Examples menu entry of this id ("examples.2")
    #: in the Memory tab (the window connects it)
    example_requested = Signal(str)

    generate = built_on_first_use("generate", "_ensure_parts")
    reversal = built_on_first_use("reversal", "_ensure_parts")
    lookahead = built_on_first_use("lookahead", "_ensure_parts")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure_pyqtgraph()
        self.setObjectName("shapes_view")
        self.diagrams = {s: ShapeDiagram(s) for s in SHAPE_ORDER}
        self.captions = {}
        row = QHBoxLayout()
        for s in SHAPE_ORDER:
            col = QVBoxLayout()
            d = self.diagrams[s]
            d.clicked.connect(self.try_shape)
            cap = QLabel(SHAPE_INFO[s][1])
            cap.setWordWrap(True)
            cap.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            cap.setToolTip(d.toolTip())
            self.captions[s] = cap
            col.addWidget(d)
            col.addWidget(cap)
            row.addLayout(col, 1)
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.linkActivated.connect(self.example_requested)
        self._parts: dict = {}
        self._demo_boxes: dict[str, QGroupBox] = {}
        self._model: tuple = (None, "")
        self._parts_host = QWidget()
        self._parts_layout = QVBoxLayout(self._parts_host)
        self._parts_layout.setContentsMargins(0, 0, 0, 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(row)
        lay.addWidget(self.hint)
        lay.addWidget(self._parts_host, 1)
        self.selected_shape: str | None = None

    def parts_built(self) -> bool:
        """Whether the generation box and the demos exist yet (built on first show or use)."""
        return bool(self._parts)

    def _ensure_parts(self) -> None:
        if self._parts:
            return
        generate, reversal, lookahead = GenerateView(), ReversalDemo(), LookaheadDemo()
        self._parts.update(generate=generate, reversal=reversal, lookahead=lookahead)
        for w in (generate, reversal, lookahead):
            w.message.connect(self.message)
        generate.set_model(*self._model)
        gen_box = QGroupBox("One-to-many: generate from a seed")
        gl = QVBoxLayout(gen_box)
        gl.addWidget(generate)
        gen_box.setToolTip(generate.toolTip())
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(gen_box)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(reversal)
        rl.addWidget(lookahead, 1)
        bottom.addWidget(right)
        bottom.setSizes([600, 600])
        self._demo_boxes = {"one_to_many": gen_box, "encoder_decoder": reversal, "bidirectional": lookahead}
        self._mark_demo_box()
        self._parts_layout.addWidget(bottom)
        bottom.show()  # (visible with the tab; added to a shown tab it would wait a turn)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt
        self._ensure_parts()
        super().showEvent(event)
        # a tab switch looks for a control to focus before the parts exist and may focus the
        # tab itself: the first enabled field takes the keyboard, as when the tab was built at
        # start (the seed field is disabled when the model cannot generate)
        if self.window().focusWidget() is self:
            fields = (self.generate.seed_edit, self.reversal.input_edit)
            next(f for f in fields if f.isEnabled()).setFocus(Qt.FocusReason.TabFocusReason)

    def select_shape(self, shape: str | None) -> None:
        """Highlight the diagram of ``shape`` and its demo box, and say below the diagrams what the
        shape is for and where to try it (None: none)."""
        if shape is not None and shape not in self.diagrams:
            raise ValueError(f"shape must be one of {', '.join(self.diagrams)}, got {shape!r}")
        self.selected_shape = shape
        for s, d in self.diagrams.items():
            d.set_selected(s == shape)
        self.hint.setText(shape_hint(shape))
        self._mark_demo_box()
        if shape is not None:
            self.shape_selected.emit(shape)

    def try_shape(self, shape: str) -> None:
        """A click on a diagram: select ``shape`` and put the keyboard in its demo below, if the
        tab has one (the other shapes' hint links to an example in the Memory tab)."""
        self.select_shape(shape)
        target = self.demo_field(shape)
        if target is not None:
            target.setFocus(Qt.FocusReason.MouseFocusReason)
            if isinstance(target, QLineEdit):
                target.selectAll()  # typing replaces the example input

    def demo_field(self, shape: str) -> QWidget | None:
        """The control a person uses first in the demo of ``shape`` (None: no enabled one here)."""
        field = {"one_to_many": lambda: self.generate.seed_edit,
                 "encoder_decoder": lambda: self.reversal.input_edit,
                 "bidirectional": lambda: self.lookahead.train_button}.get(shape)
        widget = field() if field is not None else None
        return widget if widget is not None and widget.isEnabled() else None

    def _mark_demo_box(self) -> None:
        """Show the selected shape's demo box title in the accent colour (the others plain)."""
        accent = theme.accent_color().name()
        for shape, box in self._demo_boxes.items():
            box.setStyleSheet(f"QGroupBox::title {{ color: {accent}; }}" if shape == self.selected_shape else "")

    def set_model(self, model, name: str = "") -> None:
        """The Memory tab's model, for generation (ignored unless it is a next-token model)."""
        self._model = (model, name)
        if self._parts:
            self.generate.set_model(model, name)

    def shutdown(self) -> bool:
        """Stop and join the demo threads. Idempotent."""
        if not self._parts:
            return True  # no demo was built, so none can run
        ok = self.reversal.shutdown()
        return self.lookahead.shutdown() and ok
