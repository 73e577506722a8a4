"""Numeric CSV/TSV time series: a defensive reader and a sliding-window dataset (NumPy only).

:func:`read_numeric_table` reads a file of numbers, one row per time step and one column per
variable, into a :class:`Table`:

- the delimiter is sniffed from the first lines (comma, tab or semicolon; with a semicolon a
  decimal comma ``1,5`` is read as 1.5);
- the first line is a header when none of its cells is a number (names are kept; a missing
  name becomes ``"column N"``);
- blank lines are skipped; every other problem raises :class:`rnnviz.errors.RnnvizError`
  naming the file, the line and the column: an empty cell, ``NaN``/``inf``, text in a numeric
  column, a row with a different number of cells, a header and no data.

:class:`SeriesDataset` cuts a table into windows for many-to-many regression
(``kind="regression_each"``): ``x`` (T, B, D) are the input columns at rows ``s..s+T-1`` and
``y`` (T, B, K) the target columns ``horizon`` rows later. Columns are normalised (z-score with
the training rows' mean and standard deviation); :attr:`SeriesDataset.normalisation` is a
JSON-serialisable dict to show the user and store with the model.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnviz.data._checks import as_rng, check_float, check_int
from rnnviz.data.tasks import Batch
from rnnviz.data.textfile import MAX_TEXT_BYTES, Progress, read_text_file, report, scaled
from rnnviz.errors import DataError, RnnvizError

DELIMITERS = (",", "\t", ";")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon"}
_BLOCK_ROWS = 20_000
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_LINES = 50
MAX_CELL_CHARS = 1 << 20


def _is_number(cell: str, decimal: str = ".") -> bool:
    """True if ``cell`` is a finite number (``NaN``/``inf`` are not)."""
    s = cell.strip()
    if decimal == ",":
        s = s.replace(",", ".")
    try:
        return math.isfinite(float(s))
    except ValueError:
        return False


def _sample_lines(text: str) -> list[str]:
    sample = text[:_SAMPLE_CHARS]
    lines = sample.split("\n")
    if len(text) > _SAMPLE_CHARS and len(lines) > 1:
        lines = lines[:-1]  # drop a partial last line
    return [ln for ln in lines if ln.strip()][:_SAMPLE_LINES]


def _sample_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter, skipinitialspace=True))
    except csv.Error:
        return []


def sniff_delimiter(text: str, suffix: str = "", columns: int | None = None) -> tuple[str, str]:
    """Guess ``(delimiter, decimal)`` of a CSV/TSV text from its first lines.

    A delimiter that splits every sample line into the same number (> 1) of cells wins,
    preferring (in order) ``columns`` cells when given, the most cells that are numbers, then
    tab for ``.tsv`` files, then comma, tab, semicolon. No such delimiter: the one splitting
    the first line most (so ragged rows are reported sensibly), or comma for one column.
    """
    lines = _sample_lines(text)
    order = ("\t", ",", ";") if suffix.lower() == ".tsv" else DELIMITERS
    best, best_score = None, None
    for rank, d in enumerate(order):
        rows = _sample_rows(lines, d)
        if not rows:
            continue
        counts = {len(r) for r in rows}
        if len(counts) != 1 or next(iter(counts)) < 2:
            continue
        n = next(iter(counts))
        decimal = "," if d == ";" and _decimal_comma(rows) else "."
        cells = [c for r in rows[1:] for c in r] or rows[0]
        numeric = sum(_is_number(c, decimal) for c in cells) / max(1, len(cells))
        score = (columns is not None and n == columns, round(numeric, 3), -rank)
        if best_score is None or score > best_score:
            best, best_score = (d, decimal), score
    if best is not None:
        return best
    first = lines[0] if lines else ""
    widest = max(order, key=lambda d: (len(_sample_rows([first], d)[0]) if first and _sample_rows([first], d) else 0))
    rows = _sample_rows([first], widest) if first else []
    if rows and len(rows[0]) > 1:
        return widest, ("," if widest == ";" and _decimal_comma(_sample_rows(lines, widest)) else ".")
    return ",", "."


def _decimal_comma(rows: list[list[str]]) -> bool:
    cells = [c.strip() for r in rows for c in r]
    with_comma = [c for c in cells if "," in c]
    return bool(with_comma) and all(_is_number(c.replace(",", "."), ".") for c in with_comma) \
        and not any("." in c for c in cells if _is_number(c))


def iter_csv_rows(text: str, delimiter: str, name: str, progress: Progress | None = None):
    """Yield ``(line_number, cells)`` for the non-blank rows of ``text`` (1-based line numbers).

    ``progress`` is reported every few thousand rows as the fraction of characters parsed.
    csv errors (an unclosed quote swallowing the file, a huge cell) become RnnvizError.
    """
    buf = io.StringIO(text)
    total = max(1, len(text))
    if '"' not in text:  # fast path: no quoting, one record per line
        for line_number, line in enumerate(buf, 1):
            if line_number % 16384 == 0:
                report(progress, buf.tell() / total, name)
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if len(line) > MAX_CELL_CHARS and all(len(c) > MAX_CELL_CHARS for c in line.split(delimiter)):
                raise RnnvizError(f"{name}: line {line_number} is longer than {MAX_CELL_CHARS} characters "
                                  "with no delimiter; is this a CSV file?")
            yield line_number, [c.lstrip(" ") for c in line.split(delimiter)]
        report(progress, 1.0, name)
        return
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        reader = csv.reader(buf, delimiter=delimiter, skipinitialspace=True)
        n = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise RnnvizError(
                    f"{name}: line {reader.line_num}: cannot split it into cells ({exc}); "
                    "check for an unclosed quote \"") from None
            n += 1
            if n % 4096 == 0:
                report(progress, buf.tell() / total, name)
            if not row or all(not c.strip() for c in row):
                continue
            yield reader.line_num, row
    finally:
        csv.field_size_limit(old_limit)
    report(progress, 1.0, name)


def _quote(cell: str, limit: int = 40) -> str:
    cell = cell.strip()
    return repr(cell if len(cell) <= limit else cell[:limit] + "…")


@dataclass
class Table:
    """A numeric table read from a CSV/TSV file.

    Attributes:
        columns: C column names (from the header, else ``"column 1"`` ...).
        data: float64 ``(N, C)``, every value finite.
        has_header: whether the first line was a header.
        delimiter: ``","``, ``"\\t"`` or ``";"``.
        path: the file it came from ("" when built in memory).
        encoding: the file's text encoding.
        decimal: ``"."`` or ``","`` (decimal comma, with ``;`` delimiters).
    """

    columns: list[str]
    data: np.ndarray
    has_header: bool
    delimiter: str
    path: str = ""
    encoding: str = "UTF-8"
    decimal: str = "."

    @property
    def n_rows(self) -> int:
        return int(self.data.shape[0])

    @property
    def n_columns(self) -> int:
        return int(self.data.shape[1])

    def column_index(self, column, field_name: str = "column") -> int:
        """Index of ``column`` given by name (str) or 0-based index (int); RnnvizError otherwise."""
        if isinstance(column, (bool, np.bool_)):
            raise RnnvizError(f"{field_name}: expected a column name or index, got {column!r}")
        if isinstance(column, (int, np.integer)):
            i = int(column)
            if not -self.n_columns <= i < self.n_columns:
                raise RnnvizError(f"{field_name}: column index {i} is out of range; the table has "
                                  f"{self.n_columns} column(s): {', '.join(self.columns)}")
            return i % self.n_columns
        if isinstance(column, str):
            if column in self.columns:
                return self.columns.index(column)
            raise RnnvizError(f"{field_name}: no column named {column!r}; the columns are "
                              f"{', '.join(repr(c) for c in self.columns)}")
        raise RnnvizError(f"{field_name}: expected a column name or index, got {type(column).__name__}")

    def describe(self) -> dict:
        """JSON-serialisable facts: rows, columns, header, delimiter and per-column statistics."""
        d = self.data
        with np.errstate(over="ignore", invalid="ignore"):
            mean, std = d.mean(axis=0), d.std(axis=0)
        return {
            "rows": self.n_rows, "columns": list(self.columns), "has_header": self.has_header,
            "delimiter": DELIMITER_NAMES.get(self.delimiter, self.delimiter), "decimal": self.decimal,
            "encoding": self.encoding,
            "mean": [float(v) for v in mean], "std": [float(v) for v in std],
            "min": [float(v) for v in d.min(axis=0)], "max": [float(v) for v in d.max(axis=0)],
        }


def _column_label(columns: list[str] | None, j: int) -> str:
    if columns is not None and columns[j] != f"column {j + 1}":
        return f"column {j + 1} ({columns[j]!r})"
    return f"column {j + 1}"


def _convert_block(block: list[list[str]], lines: list[int], name: str, columns: list[str] | None,
                   decimal: str, header_hint: bool) -> np.ndarray:
    """Rows of cell strings -> float64 (R, C); the first bad cell raises RnnvizError."""
    try:
        cells = [[c.replace(",", ".") for c in row] for row in block] if decimal == "," else block
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.array(cells, dtype=object).astype(np.float64)
        if out.ndim == 2 and np.isfinite(out).all():
            return out
    except (ValueError, OverflowError, TypeError):
        pass
    for r, row in enumerate(block):
        for j, cell in enumerate(row):
            if _is_number(cell, decimal):
                continue
            where = f"{name}: line {lines[r]}, {_column_label(columns, j)}"
            s = cell.strip()
            low = s.lower().lstrip("+-")
            if not s:
                raise RnnvizError(f"{where} is empty; every cell must hold a number — fill it in or "
                                  "delete the row")
            if low in ("nan", "na", "n/a", "null", "none", "missing", "?", "-", "--"):
                raise RnnvizError(f"{where} holds {_quote(cell)}, a missing value (NaN); every cell must "
                                  "hold a number — fill it in or delete the row")
            if low in ("inf", "infinity"):
                raise RnnvizError(f"{where} holds {_quote(cell)}, which is not a finite number; "
                                  "replace it with a number")
            try:
                float(s.replace(",", ".") if decimal == "," else s)
                too_large = True
            except ValueError:
                too_large = False
            if too_large:
                raise RnnvizError(f"{where} holds {_quote(cell)}, which is too large to be a finite "
                                  "number; rescale the column")
            hint = ("; if this line is a header, give every column a name that is not a number"
                    if header_hint and lines[r] == lines[0] and r == 0 else
                    "; the column must hold only numbers — clean the file or choose other columns")
            raise RnnvizError(f"{where} holds text {_quote(cell)}, not a number{hint}")
    raise RnnvizError(f"{name}: could not read the numbers")  # pragma: no cover - defensive


_FAST_CHUNK_CHARS = 4 << 20


def _offset_after_line(text: str, line_number: int) -> int:
    """Character offset just after the ``line_number``-th (1-based) newline."""
    pos = -1
    for _ in range(line_number):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text)
    return pos + 1


def _fast_numeric(text: str, start: int, delimiter: str, n_cols: int, progress, name: str):
    """Parse clean numeric text with NumPy's C reader in ~4 MB chunks; None if anything is off
    (the caller then re-reads with the slow path, which names the bad line and column)."""
    chunks = []
    total = max(1, len(text))
    pos = start
    while pos < len(text):
        end = text.find("\n", min(len(text), pos + _FAST_CHUNK_CHARS))
        end = len(text) if end < 0 else end + 1
        piece = text[pos:end]
        if piece.strip():
            try:
                arr = np.loadtxt(io.StringIO(piece), delimiter=delimiter, dtype=np.float64, ndmin=2,
                                 comments=None, quotechar=None)
            except (ValueError, OverflowError, TypeError):
                return None
            if arr.shape[1] != n_cols or not np.isfinite(arr).all():
                return None
            chunks.append(arr)
        pos = end
        report(progress, pos / total, name)
    if not chunks:
        return None
    return np.concatenate(chunks, axis=0) if len(chunks) > 1 else chunks[0]


def read_numeric_table(path, progress: Progress | None = None, min_columns: int = 1,
                       max_bytes: int = MAX_TEXT_BYTES) -> Table:
    """Read a numeric CSV/TSV file (see the module docstring) into a :class:`Table`.

    Args:
        path: the file. progress: optional ``progress(fraction) -> bool`` (False cancels).
        min_columns: refuse tables with fewer columns, e.g. 2 when the user wants separate
            input and target columns (a single column is fine for forecasting a series).
        max_bytes: size cap of the file.

    Raises:
        RnnvizError naming the file, and the line and column where a cell is bad.
    """
    min_columns = check_int("min_columns", min_columns, minimum=1)
    text, encoding = read_text_file(path, max_bytes=max_bytes, progress=scaled(progress, 0.0, 0.4),
                                    with_encoding=True)
    return table_from_text(text, str(Path(path)), encoding=encoding, suffix=Path(path).suffix,
                           progress=scaled(progress, 0.4, 1.0), min_columns=min_columns)


def table_from_text(text: str, name: str, encoding: str = "UTF-8", suffix: str = "",
                    progress: Progress | None = None, min_columns: int = 1) -> Table:
    """Parse the text of a numeric CSV/TSV file (see :func:`read_numeric_table`); ``name`` is
    used in messages."""
    delimiter, decimal = sniff_delimiter(text, suffix)
    rows = iter_csv_rows(text, delimiter, name, progress)
    first = next(rows, None)
    if first is None:
        raise RnnvizError(f"{name}: holds only blank lines; it needs rows of numbers, one per time step")
    line0, cells0 = first
    n_cols = len(cells0)
    has_header = all(not _is_number(c, decimal) for c in cells0) and any(c.strip() for c in cells0)
    columns = ([" ".join(c.split())[:80] or f"column {j + 1}" for j, c in enumerate(cells0)] if has_header
               else [f"column {j + 1}" for j in range(n_cols)])
    if has_header and len(set(columns)) != len(columns):
        seen: dict[str, int] = {}
        for j, c in enumerate(columns):
            seen[c] = seen.get(c, 0) + 1
            if seen[c] > 1:
                columns[j] = f"{c} ({seen[c]})"
    if n_cols < min_columns:
        raise RnnvizError(
            f"{name}: has {n_cols} column(s) but needs at least {min_columns} (separate input and target "
            f"columns); add columns, or forecast the single column from its own past")
    if '"' not in text and decimal == ".":
        start = 0
        if has_header:
            start = _offset_after_line(text, line0)
        fast = _fast_numeric(text, start, delimiter, n_cols, progress, name)
        if fast is not None and fast.shape[0] > 0:
            return Table(columns=columns, data=fast, has_header=has_header, delimiter=delimiter, path=name,
                         encoding=encoding, decimal=decimal)
        rows = iter_csv_rows(text, delimiter, name, progress)  # slow path: find and name the bad cell
        next(rows, None)
    blocks: list[np.ndarray] = []
    block: list[list[str]] = [] if has_header else [cells0]
    lines: list[int] = [] if has_header else [line0]

    def flush():
        if block:
            blocks.append(_convert_block(block, lines, name, columns if has_header else None, decimal,
                                         header_hint=not has_header))
            block.clear()
            lines.clear()

    for line, cells in rows:
        if len(cells) != n_cols:
            first_what = "the header" if has_header else f"line {line0}"
            raise RnnvizError(
                f"{name}: line {line} has {len(cells)} cell(s) but {first_what} has {n_cols} "
                f"({DELIMITER_NAMES[delimiter]}-separated); every row needs the same number of columns")
        block.append(cells)
        lines.append(line)
        if len(block) >= _BLOCK_ROWS:
            flush()
    flush()
    if not blocks:
        raise RnnvizError(f"{name}: has a header line ({', '.join(columns)}) but no data rows; "
                          "add rows of numbers below it")
    data = np.concatenate(blocks, axis=0) if len(blocks) > 1 else blocks[0]
    return Table(columns=columns, data=data, has_header=has_header, delimiter=delimiter, path=name,
                 encoding=encoding, decimal=decimal)


def _resolve_columns(table: Table, columns, field_name: str) -> list[int]:
    if isinstance(columns, (str, int, np.integer)) and not isinstance(columns, bool):
        columns = [columns]
    if not isinstance(columns, (list, tuple)):
        raise RnnvizError(f"{field_name}: expected a list of column names or indices, got {type(columns).__name__}")
    if not columns:
        raise RnnvizError(f"{field_name}: choose at least one column")
    idx = [table.column_index(c, field_name) for c in columns]
    if len(set(idx)) != len(idx):
        raise RnnvizError(f"{field_name}: a column is chosen twice")
    return idx


class SeriesDataset:
    """Sliding windows over a numeric :class:`Table` for many-to-many regression.

    ``x[t, b] = table[s_b + t, input_columns]`` and ``y[t, b] = table[s_b + t + horizon,
    target_columns]`` (normalised), shapes (T, B, D) and (T, B, K), float32, ``kind
    "regression_each"``. The first ``1 - val_fraction`` of the rows (in time order) are for
    training, the rest for validation, so validation never sees the future of training windows'
    past; the normalisation uses the training rows only.

    Args:
        table: a :class:`Table` (e.g. from :func:`read_numeric_table`).
        input_columns: names or indices; default every column.
        target_columns: names or indices; default the last column. With one column both default
            to it: forecast the series ``horizon`` steps ahead from its own past.
        window: default sequence length T of :meth:`batch` (>= 1).
        horizon: steps ahead to predict (>= 0; 0 only when no target is also an input).
        normalise: z-score each used column with the training rows' mean and std (a constant
            column gets std 1).
        val_fraction: fraction of rows, at the end, held out for validation (0 <= f < 1;
            0 validates on the training rows).
    """

    target = "regression_each"

    def __init__(self, table: Table, input_columns=None, target_columns=None, window: int = 50,
                 horizon: int = 1, normalise: bool = True, val_fraction: float = 0.2) -> None:
        if not isinstance(table, Table):
            raise RnnvizError(f"table: expected a Table from read_numeric_table, got {type(table).__name__}")
        name = table.path or "table"
        self.table = table
        if input_columns is None:
            input_columns = list(range(table.n_columns))
        if target_columns is None:
            target_columns = [table.n_columns - 1]
        self.input_idx = _resolve_columns(table, input_columns, "input_columns")
        self.target_idx = _resolve_columns(table, target_columns, "target_columns")
        self.window = check_int("window", window, minimum=1)
        self.horizon = check_int("horizon", horizon, minimum=0)
        val_fraction = check_float("val_fraction", val_fraction, minimum=0.0, maximum=1.0, max_exclusive=True)
        if self.horizon == 0 and set(self.input_idx) & set(self.target_idx):
            raise RnnvizError("horizon: 0 would ask the model to copy a target column it is given as input; "
                              "use horizon >= 1 or targets that are not inputs")
        n = table.n_rows
        need = self.window + self.horizon
        n_val = int(round(n * val_fraction))
        if val_fraction > 0 and n_val < need:
            n_val = need  # the validation tail must hold one window
        n_train = n - n_val if val_fraction > 0 else n
        if n_train < need:
            have = max(n_train, 0)
            most = max(1, (n // (2 if val_fraction > 0 else 1)) - self.horizon)
            raise RnnvizError(
                f"window: {name} has {n} rows; a window of {self.window} steps predicting {self.horizon} ahead "
                f"needs {need} training rows{' and as many for validation' if val_fraction > 0 else ''}, "
                f"there are {have}; use a window of at most {most} (or more rows, or val_fraction 0)")
        used = sorted(set(self.input_idx) | set(self.target_idx))
        train = table.data[:n_train]
        with np.errstate(over="ignore", invalid="ignore"):
            if normalise:
                mean = train[:, used].mean(axis=0)
                std = train[:, used].std(axis=0)
                std = np.where(std > 1e-12 * np.maximum(1.0, np.abs(mean)), std, 1.0)
            else:
                mean = np.zeros(len(used))
                std = np.ones(len(used))
            self._mean = np.zeros(table.n_columns)
            self._std = np.ones(table.n_columns)
            self._mean[used] = mean
            self._std[used] = std
            scaled_data = ((table.data - self._mean) / self._std).astype(np.float32)
        bad = [j for j in used if not (np.isfinite(scaled_data[:, j]).all() and np.isfinite(self._mean[j])
                                       and np.isfinite(self._std[j]))]
        if bad:
            j = bad[0]
            raise RnnvizError(
                f"{name}: column {table.columns[j]!r} holds values too large to train on (largest "
                f"|value| {np.abs(table.data[:, j]).max():.3g}); rescale the column"
                + ("" if normalise else " or turn normalisation on"))
        self._x = scaled_data[:, self.input_idx]
        self._y = scaled_data[:, self.target_idx]
        self.n_train = n_train
        self.n_val = n - n_train if val_fraction > 0 else n
        self._val_start = n_train if val_fraction > 0 else 0
        self.input_size = len(self.input_idx)
        self.output_size = len(self.target_idx)
        self.normalisation = {
            "method": "zscore" if normalise else "none",
            "columns": [table.columns[j] for j in used],
            "mean": [float(v) for v in mean],
            "std": [float(v) for v in std],
            "input_columns": [table.columns[j] for j in self.input_idx],
            "target_columns": [table.columns[j] for j in self.target_idx],
            "window": self.window, "horizon": self.horizon,
        }

    # ------------------------------------------------------------------ windows
    def _range(self, validation: bool) -> tuple[int, int]:
        if validation:
            return self._val_start, self._val_start + self.n_val
        return 0, self.n_train

    def n_windows(self, T: int | None = None, validation: bool = False) -> int:
        """Number of distinct start positions of a window of ``T`` steps (default ``window``)."""
        T = self.window if T is None else check_int("length", T, minimum=1)
        lo, hi = self._range(validation)
        return max(0, hi - lo - T - self.horizon + 1)

    def _windows(self, starts: np.ndarray, T: int) -> Batch:
        idx = starts[None, :] + np.arange(T)[:, None]
        return Batch(x=self._x[idx], y=self._y[idx + self.horizon], kind=self.target,
                     info={"horizon": self.horizon, "input_columns": self.normalisation["input_columns"],
                           "target_columns": self.normalisation["target_columns"]})

    def problem(self, T: int | None, B: int, validation: bool = False) -> str:
        """Why ``B`` windows of ``T`` steps (``None``: ``window``) cannot be drawn from the training
        (or validation) rows, naming the setting to change and to what ("length: ..." or
        "batch: ..."); "" when they can. The one check of :meth:`batch`, the training loop and
        the command line."""
        T = self.window if T is None else check_int("length", T, minimum=1)
        B = check_int("batch", B, minimum=1)
        part = "validation" if validation else "training"
        count = self.n_windows(T, validation)
        if count < 1:
            lo, hi = self._range(validation)
            return (f"length: the {part} rows ({hi - lo}) are too few for one window of {T} steps predicting "
                    f"{self.horizon} ahead; set the length to at most {max(1, hi - lo - self.horizon)}")
        if B > count:
            return (f"batch: the batch size {B} is larger than the {count} {part} windows of {T} steps; "
                    f"set the batch size to at most {count} (or a shorter length)")
        return ""

    def batch(self, T: int | None, B: int, rng=None, validation: bool = False) -> Batch:
        """``B`` random windows of ``T`` steps (``None``: ``window``) from the training (or
        validation) rows: x float32 (T, B, D), y float32 (T, B, K); :class:`DataError` with
        :meth:`problem`'s message when the rows do not hold them."""
        T = self.window if T is None else check_int("length", T, minimum=1)
        problem = self.problem(T, B, validation)
        if problem:
            raise DataError(problem)
        lo, _ = self._range(validation)
        starts = lo + as_rng(rng).choice(self.n_windows(T, validation), size=B, replace=False)
        return self._windows(np.asarray(starts, dtype=np.int64), T)

    def validation_batch(self, T: int | None = None, max_windows: int = 256) -> Batch:
        """Evenly spaced validation windows (deterministic), at most ``max_windows``."""
        T = self.window if T is None else check_int("length", T, minimum=1)
        max_windows = check_int("max_windows", max_windows, minimum=1)
        problem = self.problem(T, 1, validation=True)
        if problem:
            raise DataError(problem)
        count = self.n_windows(T, validation=True)
        lo, _ = self._range(True)
        starts = lo + np.unique(np.linspace(0, count - 1, min(count, max_windows)).astype(np.int64))
        return self._windows(starts, T)

    # ------------------------------------------------------------------ units
    def denormalise(self, y: np.ndarray) -> np.ndarray:
        """Targets or predictions (..., K) in normalised units -> the table's units."""
        y = np.asarray(y, dtype=np.float64)
        if y.shape[-1:] != (self.output_size,):
            raise RnnvizError(f"y: expected a last axis of {self.output_size} targets, got shape {y.shape}")
        return y * self._std[self.target_idx] + self._mean[self.target_idx]

    def model_kwargs(self) -> dict:
        """Keyword arguments for :class:`rnnviz.engine.model.SequenceModel`."""
        return {"input_size": self.input_size, "output_size": self.output_size, "target": self.target,
                "encoding": "raw", "normalisation": dict(self.normalisation)}

    def describe(self) -> dict:
        """Facts to show: rows for training/validation, windows, columns and normalisation."""
        return {"rows": self.table.n_rows, "training_rows": self.n_train, "validation_rows": self.n_val,
                "training_windows": self.n_windows(), "validation_windows": self.n_windows(validation=True),
                "normalisation": dict(self.normalisation)}
