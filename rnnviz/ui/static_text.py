"""Token labels drawn from a cache of laid-out text (``QStaticText``).

``QPainter.drawText`` shapes its string on every call (HarfBuzz, about 4-6 us a label). The live
views draw the same few hundred token labels on every keystroke that moves them (the text strip,
the time axes, the trajectory's point labels), so they draw ``QStaticText`` objects laid out once
per (text, font) instead: about 2 us a label, the same glyphs.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QStaticText, QTransform

_CACHE: dict[tuple[str, str], QStaticText] = {}
_MAX_ENTRIES = 20_000


def static_text(text: str, font: QFont, font_key: str | None = None) -> QStaticText:
    """The laid-out ``text`` in ``font`` (cached; pass ``font_key = font.key()`` in loops)."""
    key = (text, font.key() if font_key is None else font_key)
    st = _CACHE.get(key)
    if st is None:
        if len(_CACHE) >= _MAX_ENTRIES:
            _CACHE.clear()
        st = QStaticText(text)
        st.setTextFormat(Qt.TextFormat.PlainText)
        st.prepare(QTransform(), font)
        _CACHE[key] = st
    return st


def draw_centered(painter: QPainter, rect: QRectF, text: str, font: QFont, font_key: str) -> None:
    """Draw ``text`` centred in ``rect`` (the painter's font must be ``font``)."""
    st = static_text(text, font, font_key)
    size = st.size()
    painter.drawStaticText(QPointF(rect.x() + (rect.width() - size.width()) / 2.0,
                                   rect.y() + (rect.height() - size.height()) / 2.0), st)


def draw_top_centred(painter: QPainter, x: float, y: float, text: str, font: QFont, font_key: str) -> None:
    """Draw ``text`` with its top edge at ``y``, centred on ``x`` (the painter's font is ``font``)."""
    st = static_text(text, font, font_key)
    painter.drawStaticText(QPointF(x - st.size().width() / 2.0, y), st)

