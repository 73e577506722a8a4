"""Help menu content: the equations of each cell, the keyboard shortcuts, and the About box.

The equations come from :data:`rnnviz.lessons.EQUATIONS` (the same symbols the views use:
h_t, c_t, i_t, f_t, g_t, o_t, r_t, z_t, n_t, ||dL/dh_t||); the shortcut list is built from the
window's :class:`~rnnviz.ui.actions.ActionRegistry`, so it can never disagree with the menus.
"""
from __future__ import annotations

import html
import platform
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from rnnviz.lessons import EQUATIONS

#: the cells whose equations the Help ▸ Equations dialog shows, in order
CELL_EQUATIONS = ("rnn", "gru", "lstm", "cell_path", "bptt", "clip", "bidirectional", "shapes", "sampling")

_SUB_BRACED = re.compile(r"([^\s_{}])_\{([^}]*)\}")
_SUB = re.compile(r"([^\s_{}>])_([A-Za-z0-9]+)")
_SUP_BRACED = re.compile(r"\^\(([^)]*)\)")
_SUP = re.compile(r"\^([A-Za-z0-9]+)")


def math_html(line: str) -> str:
    """One equation line as HTML: ``h_{t-1}`` -> h<sub>t-1</sub>, ``x^(l)`` -> x<sup>(l)</sup>."""
    s = html.escape(line, quote=False)
    s = _SUB_BRACED.sub(r"\1<sub>\2</sub>", s)
    s = _SUB.sub(r"\1<sub>\2</sub>", s)
    s = _SUP_BRACED.sub(r"<sup>(\1)</sup>", s)
    s = _SUP.sub(r"<sup>\1</sup>", s)
    return s


def equations_html(keys=CELL_EQUATIONS, heading_level: int = 3) -> str:
    """HTML of the equation blocks ``keys`` (titles and one line per equation)."""
    parts = []
    for key in keys:
        title, lines = EQUATIONS[key]
        parts.append(f"<h{heading_level}>{html.escape(title)}</h{heading_level}>")
        rows = []
        for line in lines:
            eq, _, note = line.partition("\t")
            rows.append(f"<tr><td style='padding-right:14px'>{math_html(eq.strip())}</td>"
                        f"<td><i>{html.escape(note.strip())}</i></td></tr>")
        parts.append("<table style='font-family: serif; font-size: 11pt'>" + "".join(rows) + "</table>")
    parts.append("<p><small>σ = logistic sigmoid, ⊙ = element-wise product. The heatmaps use these "
                 "names: h, c and the gates i, f, g, o (LSTM) or r, z, n (GRU); the Training tab plots "
                 "||dL/dh<sub>t</sub>||.</small></p>")
    return "\n".join(parts)


def shortcut_rows(registry) -> list[tuple[str, str, str]]:
    """(shortcut, action text, action id) for every action of ``registry`` that has a shortcut."""
    rows = []
    for action_id in registry.ids():
        act = registry[action_id]
        keys = act.shortcuts()
        if not keys:
            continue
        seq = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        rows.append((seq, act.text().replace("&&", "\0").replace("&", "").replace("\0", "&"), action_id))
    return rows


def shortcuts_html(registry) -> str:
    rows = "".join(f"<tr><td style='padding-right:16px'><b>{html.escape(k)}</b></td><td>{html.escape(t)}</td>"
                   f"<td style='color:gray'>{html.escape(i)}</td></tr>" for k, t, i in shortcut_rows(registry))
    return ("<h3>Keyboard shortcuts</h3><table>" + rows + "</table>"
            "<p>In the text box the usual editing keys work too (Undo, Redo, Cut, Copy, Paste, "
            "Select all). Space starts and pauses training while the Training tab is shown.</p>")


def versions() -> dict[str, str]:
    """Version of rnnviz and of everything it runs on."""
    import numpy
    import pyqtgraph
    import PySide6
    from PySide6 import QtCore

    from rnnviz import __version__

    return {"rnnviz": __version__, "Python": platform.python_version(), "NumPy": numpy.__version__,
            "PySide6": PySide6.__version__, "Qt": QtCore.qVersion(), "pyqtgraph": pyqtgraph.__version__,
            "platform": platform.platform(terse=True)}


def about_html() -> str:
    v = versions()
    rows = "".join(f"<tr><td style='padding-right:12px'>{html.escape(k)}</td><td>{html.escape(x)}</td></tr>"
                   for k, x in v.items())
    return (f"<h3>rnnviz {html.escape(v['rnnviz'])}</h3>"
            "<p>See inside recurrent neural networks while they run and train: a NumPy RNN / GRU / LSTM "
            "engine with exact backpropagation through time, and views of every hidden state, cell "
            "state, gate and per-step gradient norm.</p><table>" + rows + "</table>")


class HelpDialog(QDialog):
    """A non-modal dialog showing rich text (equations or shortcuts)."""

    def __init__(self, title: str, body_html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(body_html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.resize(640, 560)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def html(self) -> str:
        return self.browser.toHtml()

    def plain_text(self) -> str:
        return self.browser.toPlainText()


def show_equations(window) -> HelpDialog:
    dlg = getattr(window, "_equations_dialog", None)
    if dlg is None:
        dlg = window._equations_dialog = HelpDialog("Equations of each cell", equations_html(), window)
    dlg.show()
    dlg.raise_()
    return dlg


def show_shortcuts(window) -> HelpDialog:
    dlg = getattr(window, "_shortcuts_dialog", None)
    if dlg is None:
        dlg = window._shortcuts_dialog = HelpDialog("Keyboard shortcuts", "", window)
    dlg.browser.setHtml(shortcuts_html(window.actions))
    dlg.show()
    dlg.raise_()
    return dlg


def show_about(window) -> None:
    QMessageBox.about(window, "About rnnviz", about_html())
