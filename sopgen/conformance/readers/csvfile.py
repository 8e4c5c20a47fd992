"""CSV logs: the columnar reader where the file allows it, else the exact reader.

The exact reader walks records with Python's csv module, tracking physical lines, so a
quoted field spanning lines does not shift later rows' numbers.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl

from sopgen.conformance.readers import columnar, csvrecords
from sopgen.conformance.readers.bounds import Bounds
from sopgen.conformance.readers.controls import refuse_controls
from sopgen.conformance.readers.columns import _RAW_COLUMNS, _map_header
from sopgen.conformance.readers.csvlayout import _csv_layout, _sniff_separator, header_missing
from sopgen.conformance.readers.filecheck import _check_text, _nul_error, _require_file, _scan_utf8, _utf8_error
from sopgen.conformance.readers.model import LogFileError, RowProblem, _as_categorical, _FileResult
from sopgen.conformance.readers.dateorder import MONTH_FIRST, readings
from sopgen.conformance.readers.validate import _raw_frame, _Source, _validate
from sopgen.source.limits import Limits


def read_csv_frame(
    path: str | Path, timezone: str = "Asia/Jakarta", *, engine: str = "auto", categorical: bool = False, limits: Limits | None = None
) -> tuple[pl.DataFrame, list[RowProblem]]:
    """A CSV log as a frame of good rows plus the problems of the others.

    Columns: row (Int64, 1-based physical line where the record starts), sop (null when
    absent), case, step (Int64), actor, start, end (datetime[us], naive local; end null if
    open), output and note ("" when empty). engine "auto" uses the columnar polars reader
    and falls back to the exact Python reader for files it cannot split line by line
    (quoted fields holding line breaks, malformed quoting); "python" forces the latter.
    categorical=True gives sop, case, actor, output and note as pl.Categorical: 4 bytes a
    row instead of 16 or more, what keeps ten million rows well inside 2 GB. limits: the
    `[batas]` of the project (default: `sopgen.source.limits.DEFAULT`).
    """
    result = _read_csv(str(path), Path(path), timezone, engine, categorical, Bounds.of(limits))
    refuse_controls(str(path), result)
    return result.frame, result.problems


def _read_csv(file: str, path: Path, timezone: str, engine: str = "auto", categorical: bool = False, bounds: Bounds | None = None) -> _FileResult:
    if engine not in ("auto", "polars", "python"):
        raise ValueError(f"engine '{engine}' tidak dikenal; pilih auto, polars atau python")
    bounds = bounds or Bounds.of(None)
    _require_file(file, path)
    bounds.check_file_size(file, path)
    layout = _csv_layout(file, path, bounds)
    if layout is not None and "lifecycle" in layout.header.index:
        layout = None  # start and complete events are paired by the exact reader
    if layout is not None and engine != "python":
        try:
            result = columnar._read_csv_polars(file, path, layout, timezone, categorical, bounds=bounds)
        except pl.exceptions.PolarsError as err:
            if "utf-8" in str(err).lower() or "utf8" in str(err).lower():
                _scan_utf8(file, path)
            if engine == "polars":
                raise
            result = None
        # A file proven to write the month first (`dateorder`) is read again by the exact
        # reader, which reads all of it so; the columnar reader read only its flagged rows so.
        if result is not None and all(r.order != MONTH_FIRST for r in result.dates):
            return result
    result = _read_csv_python(file, path, timezone, bounds)
    if categorical:
        result.frame = _as_categorical(result.frame)
    return result


def _read_csv_python(file: str, path: Path, timezone: str, bounds: Bounds) -> _FileResult:
    """The exact reader: Python's csv module, record by record, tracking physical lines."""
    data = path.read_bytes()
    _check_text(file, data[:4096])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _utf8_error(file, data, err) from None
    del data
    if "\x00" in text:
        raise _nul_error(file)
    lines = io.StringIO(text, newline="").readlines()
    del text
    header_lines = 0
    separator: str | None = None
    m = re.fullmatch(r"sep=(.)", lines[0].strip()) if lines else None
    if m:
        separator = m.group(1)
        header_lines = 1
    if len(lines) <= header_lines or not lines[header_lines].strip():
        raise LogFileError(file, f"berkas log '{file}' tidak punya baris kepala tabel (baris {header_lines + 1} kosong); baris pertama harus berisi nama kolom")
    separator = separator or _sniff_separator(lines[header_lines])
    records = csvrecords.records(lines, header_lines, separator, bounds)
    try:
        _, names, _ = next(records)
    except StopIteration:
        raise LogFileError(file, f"berkas log '{file}' kosong; baris pertama harus berisi nama kolom") from None
    if names is None:
        raise LogFileError(file, f"berkas log '{file}': kepala tabel tidak terbaca (tanda kutip tidak ditutup atau sel terlalu besar)")
    bounds.check_columns(file, len(names))
    header = _map_header(names)
    if header.missing:
        raise header_missing(file, header, lines, header_lines, separator if m else None)
    rows: list[int] = []
    joined: list[str | None] = []
    nfields: list[int] = []
    broken: list[RowProblem] = []
    values: dict[str, list[str | None]] = {c: [] for c in _RAW_COLUMNS}
    index = [(c, header.index.get(c)) for c in _RAW_COLUMNS]
    for line, fields, problem in records:
        if fields is None:
            broken.append(RowProblem(file, line, None, problem or ""))
            continue
        rows.append(line)
        joined.append("".join(fields))
        nfields.append(len(fields))
        for c, i in index:
            values[c].append(fields[i] if i is not None and i < len(fields) else None)
        if len(rows) > bounds.rows:
            bounds.check_rows(file, len(rows) + len(broken))
    raw = _raw_frame(rows, joined, nfields, values)
    frame, problems, blank, merged, dates = _validate(raw, _Source(file, None, header, separator), timezone)
    problems = sorted(problems + broken, key=lambda p: p.row) if broken else problems
    ignored = {file: list(header.ignored)} if header.ignored else {}
    return _FileResult(frame, problems, blank, ignored, merged=merged, dates=readings(file, None, dates), evidence=dates)
