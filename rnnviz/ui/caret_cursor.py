"""The time cursor follows the text caret: one rule for the live panel and the compare columns.

The text arrives with the caret (:meth:`CaretCursor.set_text`); once it is applied the panel
calls :meth:`CaretCursor._place_cursor`, which puts the cursor on the token being typed. A step
the person picked (a hover, a click: ``_cursor_pinned``) is kept while the edits come after it,
typing at the end included; an edit before it moves the cursor to the edit. Moving the caret
without an edit (arrow keys, a click in the text) moves the cursor to the token before it.
"""
from __future__ import annotations

import bisect
from operator import itemgetter

from rnnviz.ui.coalesce import CoalescedText


def step_at_caret(result, caret: int) -> int | None:
    """The token of ``result`` (a :class:`~rnnviz.analysis.live.LiveResult`, or None) just
    before character index ``caret`` (the one being typed), or None when there is none."""
    if result is None or result.steps == 0:
        return None
    k = bisect.bisect_left(result.spans, int(caret), key=itemgetter(0))
    return min(max(k - 1, 0), result.steps - 1)


def placed_cursor(cursor: int | None, pinned: bool, steps: int, step: int | None,
                  changed_from: int) -> tuple[int | None, bool]:
    """The cursor and whether it stays pinned, once a text of ``steps`` steps is applied.

    ``cursor``/``pinned``: the cursor before, and whether the person put it there; ``step``:
    the token at the caret (None: text set by the program); ``changed_from``: the first step
    the edit changed. Typing at the end (or text set by the program) puts the cursor on the
    last token; typing inside the text puts it on the typed token. A pinned cursor on a step
    still there stays, unless the edit changed that step or one before it."""
    if steps == 0:
        return None, pinned
    kept = pinned and cursor is not None and cursor < steps
    if step is None or step >= steps - 1:  # at the end
        return (cursor, pinned) if kept else (steps - 1, False)
    if kept and changed_from > cursor:  # the edit came after the picked step
        return cursor, pinned
    return step, False


class CaretCursor(CoalescedText):
    """Mixin for a panel whose text comes with the caret. Call :meth:`_init_caret_cursor` in
    ``__init__``; provide ``_caret_result()`` (the result the caret indexes into) and
    ``set_cursor(step)`` (which sets ``_cursor_pinned`` unless ``step`` is the last)."""

    def _init_caret_cursor(self) -> None:
        self._init_coalescing()
        self._cursor: int | None = None
        # the person put the cursor on a step before the last (hover, click): it stays there
        # while typing after it; otherwise it follows the caret (at the end: the last token)
        self._cursor_pinned = False
        self._caret: int | None = None  # the caret of the pending text, as a character index

    def set_text(self, text: str, caret: int | None = None) -> None:
        """Remember ``text`` (applied on the next turn of the event loop). ``caret``: the text
        caret's character index after the edit, or None for text set by the program (the
        cursor then follows the end, as it does for typing at the end)."""
        self._caret = caret
        super().set_text(text)

    def step_at_caret(self, caret: int) -> int | None:
        """The token just before character index ``caret`` (the one being typed), or None."""
        return step_at_caret(self._caret_result(), caret)

    def follow_caret(self, caret: int) -> None:
        """Move the cursor to the token at ``caret`` (the caret moved without an edit)."""
        if self._pending:
            return  # an edit: the cursor is placed when the text is applied
        step = self.step_at_caret(caret)
        if step is not None:
            self.set_cursor(step)
            self._cursor_pinned = False  # the caret put it there: the next edit places it again

    def _place_cursor(self, caret: int | None, steps: int, changed_from: int) -> None:
        """Place the cursor once a text of ``steps`` steps is applied (see :func:`placed_cursor`);
        ``caret``: the caret that came with the text."""
        step = None if caret is None else self.step_at_caret(caret)
        self._cursor, self._cursor_pinned = placed_cursor(self._cursor, self._cursor_pinned, steps,
                                                          step, changed_from)
