"""Reading a user's file as text, defensively (NumPy-free, no Qt).

:func:`read_text_file` is the one place a user's text, CSV or TSV file is read. It accepts
UTF-8, UTF-8 with a byte-order mark and UTF-16 (little or big endian) with a byte-order mark;
anything else raises :class:`rnnviz.errors.RnnvizError` with a one-line message that starts
with the file's path and says what is wrong and what to do, e.g.::

    notes.bin: contains NUL bytes — looks like a binary file, not text; choose a .txt or .csv file
    latin1.txt: is not UTF-8 or UTF-16 text (invalid byte 0xe9 at offset 17); save it as UTF-8

Large files are read in chunks; a ``progress(fraction) -> bool`` callback is called after each
chunk with the fraction read so far (0..1) and may return ``False`` to cancel, which raises
:class:`Cancelled` (an ``RnnvizError``), so the GUI can load 100 MB in a background thread,
show progress and stop.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

from rnnviz.errors import RnnvizError

#: Default size cap for a text or CSV file (bytes).
MAX_TEXT_BYTES = 256 * 1024 * 1024
CHUNK_BYTES = 1 << 20

_BOMS = (
    (b"\xff\xfe\x00\x00", None, "UTF-32"),
    (b"\x00\x00\xfe\xff", None, "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 with BOM"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
)
# C0 control characters that never appear in ordinary text (tab, newlines, form feed,
# vertical tab and escape are allowed).
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_CONTROL_CHARS = {c: None for c in _CONTROL_BYTES}

Progress = Callable[[float], object]


class Cancelled(RnnvizError):
    """Loading was cancelled by the progress callback (the GUI shows no error dialog for it)."""


def human_bytes(n: int) -> str:
    """``1536 -> '1.5 KB'`` (powers of 1024, one decimal)."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


def report(progress: Progress | None, fraction: float, name: str) -> None:
    """Call ``progress(fraction)``; raise :class:`Cancelled` if it returns ``False``."""
    if progress is None:
        return
    if progress(min(1.0, max(0.0, float(fraction)))) is False:
        raise Cancelled(f"{name}: loading cancelled")


def scaled(progress: Progress | None, start: float, stop: float) -> Progress | None:
    """A callback mapping 0..1 onto ``start..stop`` of ``progress`` (None stays None)."""
    if progress is None:
        return None
    return lambda f: progress(start + (stop - start) * f)


def _open_binary(path: Path):
    return open(path, "rb")  # module-level name so tests can simulate OS errors


def special_file_kind(mode: int) -> str | None:
    """What a non-regular file is ("a named pipe (FIFO)", "a device", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def check_readable(path) -> Path:
    """``path`` as a Path that exists and is a regular file; RnnvizError naming it otherwise.

    Folders, named pipes (FIFOs), devices (``/dev/zero``) and sockets are refused before
    anything is opened: reading one could wait forever or never end.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise RnnvizError(f"path: expected a file path, got {type(path).__name__}")
    p = Path(path)
    if str(path) == "":
        raise RnnvizError("path: no file given")
    try:
        mode = os.stat(p).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise RnnvizError(f"{p}: file not found; check the name and folder") from None
    except OSError as exc:  # name too long, bad characters, a symlink loop
        raise RnnvizError(f"{p}: cannot open ({exc.strerror or exc})") from None
    except ValueError as exc:  # embedded NUL in the path
        raise RnnvizError(f"{path!r}: not a valid file name ({exc})") from None
    kind = special_file_kind(mode)
    if kind == "a folder":
        raise RnnvizError(f"{p}: is a folder, not a file; choose a file inside it")
    if kind is not None:
        raise RnnvizError(f"{p}: is {kind}, not a regular file; rnnviz reads only ordinary files "
                          "(save the data to a file and open that)")
    return p


def os_error_message(name: str, exc: OSError) -> str:
    """One-line message for an OSError raised while reading ``name``."""
    if isinstance(exc, PermissionError):
        return f"{name}: permission denied; check the file's permissions or copy it somewhere you can read"
    if isinstance(exc, FileNotFoundError):
        return f"{name}: file not found; check the name and folder"
    if isinstance(exc, IsADirectoryError):
        return f"{name}: is a folder, not a file; choose a file inside it"
    return f"{name}: cannot read ({exc.strerror or exc})"


def read_bytes(path, max_bytes: int = MAX_TEXT_BYTES, progress: Progress | None = None) -> bytes:
    """The bytes of ``path`` read in 1 MiB chunks, at most ``max_bytes`` (else RnnvizError)."""
    p = check_readable(path)
    name = str(p)
    try:
        with _open_binary(p) as fh:
            try:
                size = os.fstat(fh.fileno()).st_size
            except (OSError, AttributeError, ValueError):
                size = 0
            if size > max_bytes:
                raise RnnvizError(
                    f"{name}: is {human_bytes(size)}, larger than the {human_bytes(max_bytes)} limit; "
                    "use a smaller file (or a sample of it)")
            chunks, total = [], 0
            report(progress, 0.0, name)
            while True:
                chunk = fh.read(CHUNK_BYTES)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:  # the file grew while we read it
                    raise RnnvizError(
                        f"{name}: is larger than the {human_bytes(max_bytes)} limit; use a smaller file")
                chunks.append(chunk)
                report(progress, total / size if size else 1.0, name)
    except OSError as exc:
        raise RnnvizError(os_error_message(name, exc)) from None
    report(progress, 1.0, name)
    return b"".join(chunks)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data`` -> ``(text, encoding description)``; see the module docstring."""
    if not data:
        raise RnnvizError(f"{name}: the file is empty; choose a file with some text in it")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            if codec is None:
                raise RnnvizError(f"{name}: is {label} text, which rnnviz does not read; save it as UTF-8")
            body = data[len(bom):]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise RnnvizError(
                    f"{name}: starts with a {label} byte-order mark but is not valid {label.split(' with')[0]} "
                    f"({exc.reason} at offset {exc.start + len(bom)}); save it again as UTF-8") from None
            _check_text_chars(text, name)
            return text, label
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise RnnvizError(
            f"{name}: contains NUL bytes (first at offset {offset}) — looks like a binary file, not text "
            "(or UTF-16 without a byte-order mark); choose a plain-text UTF-8 file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise RnnvizError(
            f"{name}: is not UTF-8 or UTF-16 text (invalid byte 0x{bad:02x} at offset {exc.start}); "
            "save it as UTF-8 (or choose a text file)") from None
    n_control = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if n_control and n_control * 10 > len(data):
        raise RnnvizError(
            f"{name}: {n_control} of its {len(data)} bytes are control characters — looks like a binary "
            "file, not text; choose a plain-text file")
    return text, "UTF-8"


def _check_text_chars(text: str, name: str) -> None:
    if "\x00" in text:
        raise RnnvizError(
            f"{name}: contains NUL characters (first at character {text.index(chr(0))}) — looks like a "
            "binary file, not text; choose a plain-text file")
    if not text:
        raise RnnvizError(f"{name}: holds only a byte-order mark and no text; choose a file with some text in it")
    n_control = len(text) - len(text.translate(_CONTROL_CHARS))
    if n_control and n_control * 10 > len(text):
        raise RnnvizError(
            f"{name}: {n_control} of its {len(text)} characters are control characters — looks like a "
            "binary file, not text; choose a plain-text file")


def read_text_file(path, max_bytes: int = MAX_TEXT_BYTES, progress: Progress | None = None,
                   normalise_newlines: bool = True, with_encoding: bool = False):
    """Read a UTF-8 / UTF-8-BOM / UTF-16-BOM text file and return it as ``str``.

    Args:
        path: the file (``str`` or ``os.PathLike``).
        max_bytes: refuse files larger than this (default 256 MiB).
        progress: optional ``progress(fraction) -> bool`` called per 1 MiB chunk (0..1);
            returning ``False`` cancels with :class:`Cancelled`.
        normalise_newlines: turn ``\\r\\n`` and lone ``\\r`` into ``\\n`` (default True).
        with_encoding: return ``(text, encoding)`` where encoding is ``"UTF-8"``,
            ``"UTF-8 with BOM"``, ``"UTF-16 LE"`` or ``"UTF-16 BE"``.

    Raises:
        RnnvizError: the message starts with the path: file not found, a folder, permission
            denied, too large, empty, NUL bytes / binary, invalid UTF-8 (byte and offset).
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise RnnvizError(f"max_bytes: expected an integer >= 1, got {max_bytes!r}")
    data = read_bytes(path, max_bytes=max_bytes, progress=progress)
    name = str(Path(path))
    text, encoding = decode_text(data, name)
    del data
    if normalise_newlines and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (text, encoding) if with_encoding else text
