"""WrappedText: every line of its text is on screen, however and whenever the text was set."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from rnnviz.ui.wrapped_text import WrappedText

LONG = ("a text long enough to need a second and a third line in a box three hundred "
        "pixels wide, which a person must be able to read to its end")


def _window(qtbot, text: str) -> tuple[QWidget, WrappedText]:
    top = QWidget()
    lay = QVBoxLayout(top)
    box = WrappedText(text)
    lay.addWidget(box)
    lay.addWidget(QLabel("below"), 1)
    qtbot.addWidget(top)
    top.resize(300, 300)
    return top, box


def _lines_shown(box: WrappedText) -> bool:
    need = box.label.heightForWidth(box.label.width())
    return box.label.height() >= need and box.height() >= need


@pytest.mark.parametrize("when", ["before show", "after show", "while hidden"])
def test_every_line_of_a_long_text_is_shown(qtbot, when):
    top, box = _window(qtbot, LONG if when == "before show" else "short")
    top.show()
    qtbot.waitExposed(top)
    if when == "after show":
        box.setText(LONG)
    elif when == "while hidden":
        box.hide()
        box.setText(LONG)
        box.show()
    qtbot.waitUntil(lambda: box.height() > box.label.fontMetrics().height() * 2)
    assert box.label.heightForWidth(box.label.width()) > 2 * box.label.fontMetrics().height()
    assert _lines_shown(box), (box.height(), box.label.geometry())
    assert box.label.width() == box.width()


def test_a_shorter_text_keeps_the_room_while_the_width_stays(qtbot):
    top, box = _window(qtbot, LONG)
    top.show()
    qtbot.waitExposed(top)
    qtbot.waitUntil(lambda: _lines_shown(box))
    tall = box.height()
    box.setText("short")
    qtbot.wait(10)
    assert box.height() == tall
    assert box.text() == "short"
