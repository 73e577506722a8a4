"""``rnnviz info FILE...``: say what a file is, with the same loaders the GUI uses.

For each file prints its one-line summary, then its details as ``  key: value`` lines (or, with
``--json``, one JSON object per file) and exits 0. For a file it cannot use (missing, a folder,
unreadable, empty, binary, not UTF-8/UTF-16, a bad CSV, a damaged/hostile model file, ...) it
prints ONE line on stderr, ``rnnviz info: error: FILE: problem; what to do``, and exits 2 — never
a traceback. With several files every file is tried; the status is 2 if any failed.
"""
from __future__ import annotations

import argparse
import json
import sys

PROG = "rnnviz info"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``rnnviz info``'s arguments on ``parser``."""
    parser.error = _one_line_error(parser)
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="a model (.npz), weights (.safetensors), text, numeric CSV/TSV or labelled CSV")
    parser.add_argument("--json", action="store_true", help="print one JSON object per file")


def _one_line_error(parser):
    def error(message: str):
        parser.exit(2, f"{parser.prog}: error: {message}\n")
    return error


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > 12:
        return "[" + ", ".join(_format_value(v) for v in value[:12]) + f", … ({len(value)} in all)]"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = list(value.items())
        shown = ", ".join(f"{k}: {_format_value(v)}" for k, v in items[:12])
        return "{" + shown + (f", … ({len(items)} in all)" if len(items) > 12 else "") + "}"
    return str(value)


def describe(path: str, as_json: bool = False) -> str:
    """The text ``rnnviz info`` prints for ``path``; raises RnnvizError for a file it cannot use."""
    from rnnviz.data.loaders import sniff_file

    info = sniff_file(path)
    if as_json:
        return json.dumps({"file": str(path), "kind": info.kind, "summary": info.summary,
                           "details": info.details}, default=str, ensure_ascii=False)
    lines = [f"{path}: {info.summary}"]
    lines += [f"  {key}: {_format_value(value)}" for key, value in info.details.items() if key != "path"]
    return "\n".join(lines)


def _print(text: str) -> None:
    try:
        print(text, flush=True)
    except UnicodeEncodeError:  # a terminal that cannot show some characters
        enc = getattr(sys.stdout, "encoding", None) or "ascii"
        print(text.encode(enc, "backslashreplace").decode(enc), flush=True)


def run(args: argparse.Namespace) -> int:
    """Describe every file; returns 0 if all could be read, else 2."""
    status = 0
    for path in args.files:
        try:
            from rnnviz.errors import RnnvizError

            try:
                text = describe(path, as_json=args.json)
            except RnnvizError as exc:
                print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
                status = 2
                continue
            except MemoryError:
                print(f"{PROG}: error: {path}: not enough memory to read it", file=sys.stderr)
                status = 2
                continue
            except RecursionError:
                print(f"{PROG}: error: {path}: too deeply nested to read", file=sys.stderr)
                status = 2
                continue
            except Exception as exc:  # a bug, not the user's fault: still one line, no traceback
                print(f"{PROG}: error: {path}: could not be read ({type(exc).__name__}: {_one_line(exc)})",
                      file=sys.stderr)
                status = 2
                continue
            _print(text)
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted", file=sys.stderr)
            return 130
    return status
