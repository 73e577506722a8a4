"""TokenStrip: per-token colours follow values, unknown tokens marked not dropped."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor

from rnnviz.ui import theme
from rnnviz.ui.token_strip import UNKNOWN_TIP, TokenStrip


@pytest.fixture
def strip(qtbot):
    w = TokenStrip()
    qtbot.addWidget(w)
    w.resize(400, 120)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_colors_follow_values(strip):
    strip.set_tokens(list("abc"))
    assert all(c.alpha() == 0 for c in strip.token_colors())
    strip.set_values(np.array([-1.0, 0.0, 1.0]), "diverging")
    cols = strip.token_colors()
    assert [c.name() for c in cols] == [theme.value_color(v, "diverging").name() for v in (-1, 0, 1)]
    assert len({c.name() for c in cols}) == 3
    # negative is bluish, positive reddish
    assert cols[0].blue() > cols[0].red() and cols[2].red() > cols[2].blue()
    strip.set_values(np.array([1.0, 0.0, -1.0]), "diverging")
    assert [c.name() for c in strip.token_colors()] == [cols[2].name(), cols[1].name(), cols[0].name()]
    assert strip.mode() == "diverging"


def test_colours_while_typing_equal_a_fresh_colouring(strip):
    """Only the values after the unchanged prefix are mapped again; the colours always equal
    those of mapping every value afresh: typing, an edit at the start, values viewing a buffer
    that is then overwritten in place, another kind, the free kind's moving levels, NaN."""
    def expect(v, kind):
        return [QColor(*c).name(QColor.NameFormat.HexArgb)
                for c in theme.value_rgba(v, kind, theme.levels_for(kind, v)).tolist()]

    def shown():
        return [c.name(QColor.NameFormat.HexArgb) for c in strip.token_colors()]

    rng = np.random.default_rng(2)
    buf = np.tanh(rng.normal(size=40))
    for T in range(1, 41):  # typing at the end
        strip.set_tokens(list("x" * T))
        strip.set_values(buf[:T], "diverging")
        assert shown() == expect(buf[:T], "diverging")
    buf[:5] = -buf[:5]  # an edit at the start rewrites the same buffer in place
    strip.set_values(buf, "diverging")
    assert shown() == expect(buf, "diverging")
    v = (buf + 1.0) / 2.0
    for kind in ("sequential", "free"):
        strip.set_values(v, kind)
        assert shown() == expect(v, kind)
    v = np.r_[v[:-1], 5.0]  # a new largest value moves the free levels: every colour changes
    strip.set_values(v, "free")
    assert shown() == expect(v, "free")
    v[3] = np.nan
    strip.set_values(v, "free")
    assert shown() == expect(v, "free") and strip.token_colors()[3].name() == "#808080"


def test_sequential_values_and_clear(strip):
    strip.set_tokens(list("ab"))
    strip.set_values([0.0, 1.0], "sequential")
    cols = strip.token_colors()
    assert cols[0].name() == theme.sequential_map().map(0.0, mode="qcolor").name()
    strip.set_values(None)
    assert all(c.alpha() == 0 for c in strip.token_colors())
    assert strip.mode() is None


def test_shading_alpha(strip):
    strip.set_tokens(list("abcd"))
    strip.set_shading(np.array([0.0, 0.25, 1.0, 2.0]))
    alphas = [c.alphaF() for c in strip.token_colors()]
    assert alphas == pytest.approx([0.0, 0.25, 1.0, 1.0], abs=0.01)
    assert strip.mode() == "shading"


def test_unknown_tokens_marked_not_dropped(strip):
    toks = ["the", "zorblax", "cat"]
    strip.set_tokens(toks, unknown=[False, True, False])
    assert strip.tokens() == toks
    assert strip.unknown_flags() == [False, True, False]
    assert UNKNOWN_TIP in strip.token_tooltip(1)
    assert UNKNOWN_TIP not in strip.token_tooltip(0)
    # the unknown token still has a box and the strip renders
    assert strip.token_rect(1).width() > 0
    img = strip.grab().toImage()
    r = strip.token_rect(1)
    below = strip.canvas.mapTo(strip, r.bottomLeft()) 
    c = img.pixelColor(below.x() + 3, below.y() + 2)
    assert c.red() > 150 and c.green() < 80  # red bar under the unknown token


def test_spans_reproduce_line_breaks(strip):
    text = "the cat\nsat"
    spans = [(0, 3), (4, 7), (8, 11)]
    strip.set_tokens(["the", "cat", "sat"], spans=spans, text=text)
    r0, r1, r2 = (strip.token_rect(i) for i in range(3))
    assert r0.top() == r1.top()
    assert r2.top() > r1.top()
    assert r1.left() > r0.right() + 2  # a space gap


def test_newline_token_breaks_line(strip):
    strip.set_tokens(list("ab\ncd"))
    assert strip.token_rect(3).top() > strip.token_rect(1).top()


def test_bad_lengths_raise(strip):
    strip.set_tokens(list("abc"))
    with pytest.raises(ValueError, match="one value per token"):
        strip.set_values(np.zeros(4))
    with pytest.raises(ValueError, match="unknown"):
        strip.set_tokens(list("abc"), unknown=[True])


def test_click_and_hover_signals(strip, qtbot):
    strip.set_tokens(list("hello"))
    strip.grab()
    r = strip.token_rect(2)
    with qtbot.waitSignal(strip.step_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(strip.canvas, Qt.MouseButton.LeftButton, pos=r.center())
    assert blocker.args == [2]


def test_cursor(strip):
    strip.set_tokens(list("hello"))
    strip.set_cursor(4)
    assert strip.cursor() == 4
    strip.set_tokens(list("hi"))
    assert strip.cursor() is None


def test_empty_and_large(strip):
    strip.set_tokens([])
    strip.set_values(np.zeros(0))
    assert strip.token_colors() == []
    strip.grab()
    T = 20000
    strip.set_tokens(list("abcd " * (T // 5)))
    strip.set_values(np.linspace(-1, 1, T))
    assert len(strip.token_colors()) == T
    strip.grab()


def test_render_png(strip, tmp_path):
    strip.set_tokens(["the", "zorblax", "sat", "\n", "on"], unknown=[False, True, False, False, False])
    strip.set_values(np.array([-0.9, 0.1, 0.5, 0.0, 0.9]))
    assert strip.grab().save(str(tmp_path / "strip.png"))


def _reference_layout(labels, gaps, tokens, width, fm):
    """Box rects by the plain text-layout rules, one token at a time (the test's oracle):
    a box wraps when it would cross the right margin (unless it is first on its row), a
    line-break token ends its row, a line break in the text starts a new row, a space in the
    text adds a space's width."""
    from rnnviz.ui.token_strip import _GAP, _LINE_GAP, _MARGIN, _PAD_X, _PAD_Y

    h = fm.height() + 2 * _PAD_Y
    space = fm.horizontalAdvance(" ")
    x, y, rects = _MARGIN, _MARGIN, []
    for i, label in enumerate(labels):
        w = fm.horizontalAdvance(label) + 2 * _PAD_X
        if gaps[i] == "\n" and i > 0:
            x, y = _MARGIN, y + h + _LINE_GAP
        elif gaps[i] == " " and i > 0:
            x += space
        if x + w > width - _MARGIN and x > _MARGIN:
            x, y = _MARGIN, y + h + _LINE_GAP
        rects.append(QRect(x, y, w, h))
        x += w + _GAP
        if tokens[i] == "\n":
            x, y = _MARGIN, y + h + _LINE_GAP
    return rects


def _random_text(rng, n_words):
    words = ["a", "the", "cat", "sat", "on", "mat", "extraordinarily", "(x)", "\u00e9t\u00e9", "bracket"]
    seps = [" "] * 8 + ["\n", "  ", " \n", "\n\n", "\n "]
    return "".join(rng.choice(words) + rng.choice(seps) for _ in range(n_words))


@pytest.mark.parametrize("seed", range(6))
def test_wrapped_layout_matches_the_text_layout_rules(strip, seed):
    """Word tokens with spaces and line breaks between them, line-break tokens, long boxes that
    must wrap: the boxes are where the one-token-at-a-time rules put them, after a full layout
    and after appending, deleting and editing in place (the incremental layout)."""
    from PySide6.QtGui import QFontMetrics

    rng = np.random.default_rng(seed)
    width = int(rng.integers(90, 420))
    strip.resize(width, 200)
    fm = QFontMetrics(strip.canvas.font())
    text = _random_text(rng, 60)

    def show(text):
        import re

        spans = [m.span() for m in re.finditer(r"\n|[^\s]+", text)]
        tokens = [text[a:b] for a, b in spans]
        strip.set_tokens(tokens, spans=spans, text=text)
        want = _reference_layout(strip._labels, strip._gaps, tokens, strip.scroll.viewport().width(), fm)
        assert strip.canvas.rects == want
        for i in rng.choice(len(tokens), size=min(8, len(tokens)), replace=False).tolist():
            assert strip.canvas.index_at(want[i].center()) == i
        return tokens

    show(text)
    for _ in range(12):  # typing, deleting and editing: the incremental layout equals the rules
        op = rng.integers(3)
        if op == 0:
            text = text + _random_text(rng, 1)
        elif op == 1:
            text = text[: max(0, len(text) - int(rng.integers(1, 6)))]
        else:
            k = int(rng.integers(0, max(1, len(text))))
            text = text[:k] + rng.choice(["\n", " ", "zz ", "\n\n"]) + text[k:]
        show(text)


def test_layout_of_character_tokens_with_line_breaks(strip):
    from PySide6.QtGui import QFontMetrics

    strip.resize(150, 200)
    tokens = list("ab\ncd\n\n efghijklmnopqrstuvwxyz abcdefghij\n")
    strip.set_tokens(tokens)
    fm = QFontMetrics(strip.canvas.font())
    want = _reference_layout(strip._labels, strip._gaps, tokens, strip.scroll.viewport().width(), fm)
    assert strip.canvas.rects == want
    assert len({r.top() for r in want}) > 4
    assert strip.canvas.index_at(QPoint(0, 0)) is None  # the margin is no box


def test_appending_after_an_indented_word_pushed_to_the_next_row(strip, qtbot):
    """'a', a line break, then a space and a long word that fits a row only without the space:
    the word goes down a row. Typing after it must not push it down once more."""
    import re

    from PySide6.QtGui import QFontMetrics

    from rnnviz.ui.token_strip import _MARGIN, _PAD_X

    fm = QFontMetrics(strip.canvas.font())
    word = "extraordinarily"
    w = fm.horizontalAdvance(word) + 2 * _PAD_X
    width = 2 * _MARGIN + w + max(1, fm.horizontalAdvance(" ") - 1)  # fits, but not indented
    strip.resize(width + strip.width() - strip.scroll.viewport().width(), 200)
    qtbot.waitUntil(lambda: strip.scroll.viewport().width() == width, timeout=2000)

    def show(text):
        spans = [m.span() for m in re.finditer(r"\n|[^\s]+", text)]
        tokens = [text[a:b] for a, b in spans]
        strip.set_tokens(tokens, spans=spans, text=text)
        assert strip.canvas.rects == _reference_layout(strip._labels, strip._gaps, tokens, width, fm)

    show("a\n " + word)
    show("a\n " + word + " b")  # the incremental layout (appended)
    show("a\n " + word + " b c")
