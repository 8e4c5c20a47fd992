"""Parquet logs: what a data platform exports, with the same column names as a CSV log.

A Parquet file is typed, but its values are still untrusted: every mapped column is turned
into the text a CSV cell would hold (a timestamp as ISO text in the project's time zone, a
date as a date, a number as digits) and checked by the same validator, so a bad value is an
invalid row with the same message, and rows are numbered by their record (1 = the first).
The row count (from the file's metadata) and the columns are bounded before any data is
read; a column of lists, structs or bytes is refused as a whole file."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from sopgen.conformance.readers.bounds import Bounds
from sopgen.conformance.readers.dateorder import readings
from sopgen.conformance.readers.columns import _RAW_COLUMNS, _map_header, _missing_message
from sopgen.conformance.readers.model import LogFileError, RowProblem, _FileResult
from sopgen.conformance.readers.validate import _Source, _validate

_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


def parquet_shape(file: str, path: Path) -> tuple[pl.Schema, int]:
    """The schema and row count from the file's metadata; a file that is not Parquet is a
    LogFileError."""
    try:
        lazy = pl.scan_parquet(path, glob=False)
        schema = lazy.collect_schema()
        rows = int(lazy.select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, OSError) as err:
        raise LogFileError(file, f"berkas log '{file}' bukan Parquet yang bisa dibaca ({_short(err)}); ekspor ulang sebagai Parquet, atau simpan sebagai .csv") from None
    return schema, rows


def _short(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:160]


def read_parquet(file: str, path: Path, timezone: str, bounds: Bounds, offset: int = 0, length: int | None = None) -> _FileResult:
    """Rows offset..offset+length of a Parquet log (all by default), validated as CSV rows are."""
    bounds.check_file_size(file, path)
    schema, total = parquet_shape(file, path)
    names = list(schema.names())
    bounds.check_columns(file, len(names))
    bounds.check_rows(file, total)
    header = _map_header(names)
    if header.missing:
        raise LogFileError(file, _missing_message(file, header))
    used = {c: names[i] for c, i in header.index.items() if c in _RAW_COLUMNS}
    for column, name in used.items():
        kind = schema[name]
        if kind.is_nested() or kind == pl.Binary or kind == pl.Object:
            raise LogFileError(
                file, f"berkas log '{file}': kolom '{name}' bertipe {kind}, bukan teks, angka atau waktu; ekspor kolom {header.label(column)} sebagai teks"
            )
    try:
        frame = pl.scan_parquet(path, glob=False).slice(offset, length).select(list(dict.fromkeys(used.values()))).collect()
    except (pl.exceptions.PolarsError, OSError) as err:
        raise LogFileError(file, f"berkas log '{file}' rusak di tengah ({_short(err)}); ekspor ulang sebagai Parquet") from None
    raw = frame.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + offset + 1).alias("row"),
        *[_as_text(pl.col(used[c]), schema[used[c]], timezone).alias(c) if c in used else pl.lit(None, dtype=pl.String).alias(c) for c in _RAW_COLUMNS],
    )
    del frame
    raw, big = _oversized(raw, file, header, bounds)
    raw = raw.with_columns(
        pl.concat_str([pl.col(c) for c in used], ignore_nulls=True).alias("joined"),
        pl.lit(len(names), dtype=pl.Int64).alias("nfields"),
    )
    good, problems, blank, merged, dates = _validate(raw, _Source(file, None, header), timezone)
    if big:
        problems = sorted(problems + big, key=lambda p: p.row)
    ignored = {file: list(header.ignored)} if header.ignored else {}
    return _FileResult(good, problems, blank, ignored, merged=merged, dates=readings(file, None, dates), evidence=dates)


def _as_text(e: pl.Expr, kind: pl.DataType, timezone: str) -> pl.Expr:
    """A typed column as the text of a CSV cell: the validator reads it as it reads a CSV."""
    if kind in _TEXT_TYPES or isinstance(kind, (pl.Categorical, pl.Enum)):
        return e.cast(pl.String)
    if isinstance(kind, pl.Datetime):
        if kind.time_zone is not None:
            e = e.dt.convert_time_zone(timezone)
        return e.dt.strftime("%Y-%m-%d %H:%M:%S")
    if kind == pl.Date:
        return e.dt.strftime("%Y-%m-%d")
    if kind == pl.Boolean:
        return e.cast(pl.String)
    return e.cast(pl.String, strict=False)


def _oversized(raw: pl.DataFrame, file: str, header, bounds: Bounds) -> tuple[pl.DataFrame, list[RowProblem]]:
    """Rows with a cell over `sel_kb`: invalid rows (never read further), as in a CSV."""
    longest = pl.max_horizontal([pl.col(c).str.len_bytes().fill_null(0) for c in _RAW_COLUMNS])
    too_big = raw.select(longest > bounds.cell_bytes).to_series()
    if not too_big.any():
        return raw, []
    problems = []
    for r in raw.filter(too_big).iter_rows(named=True):
        column = max(_RAW_COLUMNS, key=lambda c: len((r[c] or "").encode("utf-8", "surrogatepass")))
        problems.append(RowProblem(file, r["row"], None, bounds.cell_message(header.label(column), r[column])))
    return raw.filter(~too_big), problems
