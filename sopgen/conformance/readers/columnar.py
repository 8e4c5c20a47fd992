"""The columnar CSV reader: polars parses the whole file in a streaming query.

Only the rows it flags are read again as raw text and handed to the shared validator, so it
gives the same rows and problems as the exact reader at a fraction of the cost. Row numbers
are physical lines: a file whose records may span lines is left to the exact reader.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from sopgen.conformance.readers.bounds import Bounds
from sopgen.conformance.readers.columns import _RAW_COLUMNS, REQUIRED
from sopgen.conformance.readers.csvlayout import _CsvLayout
from sopgen.conformance.readers.dateorder import DateEvidence, evidence_of_times, readings
from sopgen.conformance.readers.model import _FRAME_COLUMNS, _TEXT_COLUMNS, RowProblem, _as_categorical, _empty_frame, _FileResult
from sopgen.conformance.readers.validate import _Source, _validate
from sopgen.conformance.readers.values import in_range, _clean, _guess_format, _plain_step_expr, _time_expr
from sopgen.textsafe import CONTROL_PATTERN


def _line_query(path: Path, layout: _CsvLayout) -> pl.LazyFrame:
    return pl.scan_csv(
        path,
        glob=False,  # 'log[1].csv' is that file, not a pattern
        has_header=False,
        separator="\x00",
        quote_char=None,
        schema={"line": pl.String},
        skip_lines=layout.header_lines,
        row_index_name="i",
        encoding="utf8",
    )


def _csv_query(path: Path, layout: _CsvLayout, quotes: bool = True) -> pl.LazyFrame:
    """quotes=False: a file with no quote character at all, parsed by polars as is; a line with
    too many fields makes polars refuse it, and `_PlainBytes.prove` the rest (no blank line
    skipped, no line short of fields), so record i is physical line i."""
    width = len(layout.header.names)
    return pl.scan_csv(
        path,
        glob=False,  # 'log[1].csv' is that file, not a pattern
        has_header=True,
        separator=layout.separator,
        quote_char='"' if quotes else None,
        skip_lines=layout.header_lines - 1,
        new_columns=[f"c{i}" for i in range(width)],
        infer_schema=False,
        truncate_ragged_lines=quotes,
        row_index_name="i",
        encoding="utf8",
    )


def _raw_query(base: pl.LazyFrame, layout: _CsvLayout) -> pl.LazyFrame:
    """i, joined (all cells, for the blank test), nfields (null: counted separately) and the
    raw canonical columns.

    Without quotes a line is a record and its fields are split from it once (one scan);
    with quotes polars' CSV parser gives the values and `_field_counts` the counts.
    """
    width = len(layout.header.names)
    sep = layout.separator
    missing = pl.lit(None, dtype=pl.String)
    if not layout.has_quotes and "line" in base.collect_schema().names():
        line = pl.col("line")
        split = base.select(
            pl.col("i"),
            line.str.replace_all(sep, "", literal=True).alias("joined"),
            (line.str.count_matches(sep, literal=True) + 1).cast(pl.Int64).alias("nfields"),
            line.str.split_exact(sep, max(width - 1, 0)).alias("parts"),
        ).unnest("parts")
        cols = [(pl.col(f"field_{layout.header.index[c]}") if c in layout.header.index else missing).alias(c) for c in _RAW_COLUMNS]
        return split.select(pl.col("i"), pl.col("joined"), pl.col("nfields"), *cols)
    cols = [(pl.col(f"c{layout.header.index[c]}") if c in layout.header.index else missing).alias(c) for c in _RAW_COLUMNS]
    return base.select(
        pl.col("i"),
        pl.concat_str([pl.col(f"c{i}") for i in range(width)], ignore_nulls=True).alias("joined"),
        pl.lit(None, dtype=pl.Int64).alias("nfields"),
        *cols,
    )


def _field_counts(path: Path, layout: _CsvLayout, cell_bytes: int) -> pl.Series | None:
    """Fields per line of a quoted CSV, or None when a record may span lines.

    A line with an odd number of quote characters opens a quoted field that continues on
    the next line (or is malformed), and a line longer than a cell may be (`sel_kb`) may hold
    an oversized cell: such files go to the exact reader, which words both.
    """
    sep = re.escape(layout.separator)
    line = pl.col("line")
    counts = (
        _line_query(path, layout)
        .select(
            ((line.str.count_matches('"', literal=True) % 2 == 1) | (line.str.len_bytes() > cell_bytes)).alias("odd"),
            # Quoted fields (quote at the start of a field) may hold separators: drop them.
            (line.str.replace_all(rf'(^|{sep})"(?:[^"]|"")*"', "$1").str.count_matches(sep) + 1)
            .fill_null(1)
            .cast(pl.Int64)
            .alias("nfields"),
        )
        .collect(engine="streaming")
    )
    if counts["odd"].any():
        return None
    return counts["nfields"]


def _read_csv_polars(
    file: str, path: Path, layout: _CsvLayout, timezone: str, categorical: bool = False, lines: bool = False, bounds: Bounds | None = None
) -> _FileResult | None:
    """The columnar reader; None when the file needs the exact reader.

    One streaming query parses every row with the time format most rows use; rows it cannot
    accept as they are are flagged, read again as raw text and given to `_validate`. A row
    longer than a cell may be (`sel_kb`) sends the file to the exact reader, which names the cell.
    """
    bounds, source = bounds or Bounds.of(None), _Source(file, None, layout.header, layout.separator)
    ignored = {file: list(layout.header.ignored)} if layout.header.ignored else {}
    width = len(layout.header.names)
    counts: pl.Series | None = None
    proven = False
    proof = None if lines else layout.plain
    if proof is not None and proof.has_cr:
        return _read_csv_polars(file, path, layout, timezone, categorical, lines=True, bounds=bounds)  # nothing to prove
    if layout.has_quotes:
        counts = _field_counts(path, layout, bounds.cell_bytes)
        if counts is None:
            return None
        base = _csv_query(path, layout)
    elif lines:
        base = _line_query(path, layout)
    else:
        # Fastest: polars' own CSV parser, trusted only where the byte counts prove every line
        # is one record with exactly `width` fields (`_PlainBytes.prove`); otherwise split
        # the lines ourselves.
        base = _csv_query(path, layout, quotes=False)
    raw = _raw_query(base, layout)
    sample = _sample_values(path, layout)
    times = _Times(_guess_format(sample["mulai"], timezone), _guess_format(sample["selesai"] or sample["mulai"], timezone), timezone)
    parsed: pl.DataFrame | None = None
    try:
        if categorical and not lines:
            query = _as_written_query(base, layout, times, field_bytes=proof is not None)
            parsed = query.collect(engine="streaming")
            if not _texts_are_plain(parsed):
                parsed = None
        clean = parsed is not None  # as written, every text value seen free of control characters
        if parsed is None:
            query = _trimming_query(raw, layout, times, categorical=categorical, field_bytes=proof is not None or lines)
            parsed = query.collect(engine="streaming")
    except pl.exceptions.NoDataError:
        return _FileResult(_empty_frame(), [], 0, ignored)
    except pl.exceptions.ComputeError:
        if proof is None:
            raise
        parsed = None  # a line with more fields than the header
    if proof is not None:
        proven = parsed is not None and proof.prove(parsed.height, width, int(parsed["nbytes"].sum()))
        if not proven:
            del parsed
            return _read_csv_polars(file, path, layout, timezone, categorical, lines=True, bounds=bounds)
    assert parsed is not None
    bounds.check_rows(file, parsed.height)
    if "nbytes" in parsed.columns and (parsed["nbytes"].max() or 0) > bounds.cell_bytes:
        return None  # a row that may hold an oversized cell: the exact reader names it
    c = pl.col
    if counts is not None:
        if parsed.height != counts.len():
            return None  # polars split records differently from lines: exact reader
        parsed = parsed.with_columns(c("flagged") | (counts != width))
    blank_count = int(parsed["blank"].sum())
    bad_idx = parsed.filter(c("flagged") & ~c("blank"))["i"]
    if blank_count or bad_idx.len():
        good = parsed.filter(~c("blank") & ~c("flagged")).select(_FRAME_COLUMNS)
    else:
        good = parsed.select(_FRAME_COLUMNS)  # shares the columns: no copy of a big frame
    del parsed
    problems: list[RowProblem] = []
    dates = times.evidence(good)
    if bad_idx.len():
        again, problems, again_blank, dates = _read_flagged(raw, bad_idx, counts, proven, layout, replace(source, prior=dates), timezone, categorical)
        blank_count += again_blank  # whitespace-only rows, which the as-written query flags
        if again.height:
            good = pl.concat([good, again]).sort("row")
    return _FileResult(good, problems, blank_count, ignored, clean=clean, dates=readings(file, None, dates), evidence=dates)


def _read_flagged(
    raw: pl.LazyFrame,
    bad_idx: pl.Series,
    counts: pl.Series | None,
    proven: bool,
    layout: _CsvLayout,
    source: _Source,
    timezone: str,
    categorical: bool,
) -> tuple[pl.DataFrame, list[RowProblem], int, DateEvidence]:
    """The flagged rows (`bad_idx`) read again as raw text and given to `_validate`: their
    good rows, the problems, the blank count and the evidence of the file's date order. nfields comes from `counts` for a quoted
    file and is the header's width where the byte counts proved every line full."""
    c = pl.col
    width = len(layout.header.names)
    first_line = layout.header_lines + 1
    again_raw = (
        raw.filter(c("i").is_in(bad_idx.implode()))
        .with_columns((c("i").cast(pl.Int64) + first_line).alias("row"))
        .collect(engine="streaming")
    )
    if counts is not None:
        again_raw = again_raw.with_columns(counts.gather(again_raw["i"]).alias("nfields"))
    elif proven:
        again_raw = again_raw.with_columns(pl.lit(width, dtype=pl.Int64).alias("nfields"))
    again, problems, again_blank, _, dates = _validate(again_raw.drop("i"), source, timezone)
    if categorical:
        again = _as_categorical(again)
    return again, problems, again_blank, dates


@dataclass(frozen=True)
class _Times:
    """How the columnar reader parses the start and end columns."""

    start: tuple[str, str]  # a `_TIME_FORMATS` entry
    end: tuple[str, str]
    timezone: str

    def evidence(self, good: pl.DataFrame) -> DateEvidence:
        """The order of the numeric dates of rows read as they are: day first could read
        them, so they show day-first or ambiguous dates only (`dateorder`)."""
        return evidence_of_times(good, (("start", self.start[1]), ("end", self.end[1])))


def _rows_query(cells: pl.LazyFrame, layout: _CsvLayout, times: _Times, text, field_bytes: bool) -> pl.LazyFrame:
    """cells (i, blank, nfields, the canonical columns, and nbytes if wanted) parsed into the
    reader's rows: i, blank, flagged (rows `_validate` must look at), row, `_FRAME_COLUMNS`
    and nbytes.

    Stages keep each expression computed once per row (a streaming query does not share
    common subexpressions across columns)."""
    c = pl.col
    width = len(layout.header.names)
    return (
        cells.with_columns(
            _plain_step_expr(c("langkah")).alias("step"),
            _time_expr(c("mulai"), times.start, times.timezone).alias("start"),
            _time_expr(c("selesai"), times.end, times.timezone).alias("end"),
        )
        .select(
            c("i"),
            c("blank"),
            (
                c("nfields").is_not_null() & (c("nfields") != width)
                | pl.any_horizontal([c(col).is_null() for col in REQUIRED])
                | c("step").is_null()
                | ~in_range(c("start")).fill_null(False)
                | ~in_range(c("end")).fill_null(True)
                | (c("selesai").is_not_null() & c("end").is_null())
                | (c("end") < c("start")).fill_null(False)
                # A column read as dates only: the validator marks its rows timeless.
                | pl.lit("date" in (times.start[0], times.end[0]))
            ).alias("flagged"),
            (c("i").cast(pl.Int64) + layout.header_lines + 1).alias("row"),
            text(c("sop")),
            text(c("kasus")).alias("case"),
            c("step"),
            text(c("pelaksana")).alias("actor"),
            c("start"),
            c("end"),
            text(c("output").fill_null("")),
            text(c("catatan").fill_null("")).alias("note"),
            pl.lit(False).alias("timeless"),
            text(c("pegawai")).alias("person"),
            *([c("nbytes")] if field_bytes else []),
        )
    )


def _trimming_query(raw: pl.LazyFrame, layout: _CsvLayout, times: _Times, categorical: bool, field_bytes: bool = False) -> pl.LazyFrame:
    """Every cell trimmed (an all-space cell is empty), then parsed. field_bytes: add nbytes,
    the bytes of a row's cells as written (for `_PlainBytes.prove`)."""
    c = pl.col
    cells = raw.select(
        c("i"),
        (c("joined").is_null() | (c("joined").str.strip_chars().str.len_bytes() == 0)).alias("blank"),
        c("nfields"),
        *[_clean(c(col)).alias(col) for col in _RAW_COLUMNS],
        *([c("joined").str.len_bytes().cast(pl.Int64).fill_null(0).alias("nbytes")] if field_bytes else []),
    )
    text = (lambda e: e.cast(pl.Categorical)) if categorical else (lambda e: e)  # noqa: E731
    return _rows_query(cells, layout, times, text, field_bytes)


def _as_written_query(base: pl.LazyFrame, layout: _CsvLayout, times: _Times, field_bytes: bool = False) -> pl.LazyFrame:
    """The cells parsed as written, texts straight to categories: about half the work of
    `_trimming_query`, and the same rows wherever no cell has spaces around it.

    A row is blank when every cell is empty. Padded times or steps fail to parse and are
    flagged, so `_validate` reads them (and finds whitespace-only rows blank); padded texts
    are seen in the categories (`_texts_are_plain`) and send the file to the trimming query.
    field_bytes as in `_trimming_query`.
    """
    c = pl.col
    width = len(layout.header.names)
    index = layout.header.index
    missing = pl.lit(None, dtype=pl.String)

    def cell(col: str) -> pl.Expr:
        e = c(f"c{index[col]}") if col in index else missing
        if layout.has_quotes and col in _QUOTABLE_TEXTS:  # polars reads "" as an empty text, not a null
            e = pl.when(e.str.len_bytes() > 0).then(e)
        return e

    cells = base.select(
        c("i"),
        pl.all_horizontal([c(f"c{k}").is_null() for k in range(width)]).alias("blank"),
        pl.lit(None, dtype=pl.Int64).alias("nfields"),
        *[cell(col).alias(col) for col in _RAW_COLUMNS],
        *([pl.sum_horizontal([c(f"c{k}").str.len_bytes().cast(pl.Int64) for k in range(width)]).alias("nbytes")] if field_bytes else []),
    )
    return _rows_query(cells, layout, times, lambda e: e.cast(pl.Categorical), field_bytes)


_QUOTABLE_TEXTS = ("sop", "kasus", "pelaksana", "pegawai", "output", "catatan")


def _texts_are_plain(parsed: pl.DataFrame) -> bool:
    """No text value (of the few distinct ones) has spaces around it, is only spaces or holds
    a control character (`controls`: then the file is read by the trimming query and its rows
    are looked at one by one)."""
    for col in _TEXT_COLUMNS:
        values = parsed.get_column(col).unique().cast(pl.String).drop_nulls()
        if values.len() and ((values.str.strip_chars() != values).any() or values.str.contains(CONTROL_PATTERN).any()):
            return False
    return True


def _sample_values(path: Path, layout: _CsvLayout, limit: int = 500) -> dict[str, list[str]]:
    """Start and end texts of the first rows, to guess the time format most rows use."""
    out: dict[str, list[str]] = {"mulai": [], "selesai": []}
    with open(path, "rb") as fh:
        head = fh.read(1 << 18)
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    lines = text.splitlines()[layout.header_lines : layout.header_lines + limit]
    for fields in csv.reader(lines, delimiter=layout.separator, quotechar='"'):
        for col in out:
            i = layout.header.index.get(col)
            if i is not None and i < len(fields) and fields[i].strip():
                out[col].append(fields[i])
    return out
