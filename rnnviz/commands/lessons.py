"""``rnnviz lessons``: list the guided lessons, one per line, id first.

``rnnviz lessons`` prints ``ID<TAB>TITLE`` lines; ``rnnviz lessons ID`` prints that lesson in
full (what it sets up, what to look at, its equations and the thing to try). Open one in the
app with ``python main.py --lesson ID`` (add ``--screenshot PATH`` to render it to a PNG).
"""
from __future__ import annotations

import argparse
import re
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", nargs="?", metavar="ID", help="show this lesson in full")


def _plain(html: str) -> str:
    return re.sub(r"</?[a-z]+>", "", html)


def describe(lesson) -> str:
    from rnnviz.lessons import equations_text

    s = lesson.setup
    parts = [f"tab: {s.tab}"]
    if s.model:
        parts.append(f"model: {s.model}")
    if s.text:
        parts.append(f"text: {s.text!r}")
    if s.compare:
        parts.append("compare mode")
    if s.train:
        parts.append("training: " + ", ".join(f"{k}={v}" for k, v in s.train.items()
                                              if k in ("task", "length", "lag", "cell", "hidden", "init",
                                                       "recurrent_scale", "clip", "bidirectional")))
    return "\n".join([
        f"{lesson.id}: {lesson.title}",
        "setup: " + "; ".join(parts),
        "",
        _plain(lesson.look),
        "",
        equations_text(lesson.equations),
        "",
        "Try: " + _plain(lesson.suggestion),
        "",
        f"Open it: python main.py --lesson {lesson.id}",
    ])


def run(args: argparse.Namespace) -> int:
    from rnnviz.lessons import LESSONS, get_lesson

    if args.lesson:
        try:
            lesson = get_lesson(args.lesson)
        except KeyError as exc:
            print(f"rnnviz lessons: error: {exc.args[0]}", file=sys.stderr)
            return 2
        print(describe(lesson))
        return 0
    for lesson in LESSONS:
        print(lesson.summary())
    return 0
