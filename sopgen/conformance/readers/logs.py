"""The entry points: many log files of any format read into one frame, or into LogRows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from sopgen.conformance.readers.bounds import Bounds
from sopgen.conformance.readers.controls import refuse_controls
from sopgen.conformance.readers.csvfile import _read_csv
from sopgen.conformance.readers.dateorder import DateReading
from sopgen.conformance.readers.filecheck import _require_file
from sopgen.conformance.readers.jsonl import _read_jsonl
from sopgen.conformance.readers.model import (
    _FRAME_COLUMNS,
    FrameResult,
    LogFileError,
    LogRow,
    ReadResult,
    RowProblem,
    _as_categorical,
    _empty_frame,
    _FileResult,
)
from sopgen.conformance.readers.parquetfile import read_parquet
from sopgen.conformance.readers.xlsx import _read_xlsx
from sopgen.source.limits import Limits

_EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
EXTENSIONS = (".csv", ".jsonl", ".ndjson", ".parquet", *_EXCEL_EXTENSIONS)  # what read_logs reads


def _read_one(file: str, path: Path, timezone: str, categorical: bool = False, bounds: Bounds | None = None, keys: Sequence[str] | None = None) -> _FileResult:
    """keys: the file is a piece of a JSON Lines log, read by those keys (`jsonl._read_jsonl`)."""
    bounds = bounds or Bounds.of(None)
    _require_file(file, path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(file, path, timezone, "auto", categorical, bounds)
    if suffix in (".jsonl", ".ndjson"):
        bounds.check_file_size(file, path)
        result = _read_jsonl(file, path, timezone, bounds, keys)
    elif suffix in _EXCEL_EXTENSIONS:
        result = _read_xlsx(file, path, timezone, bounds)
    elif suffix == ".parquet":
        result = read_parquet(file, path, timezone, bounds)
    else:
        raise LogFileError(
            file,
            f"berkas log '{file}': jenis '{suffix or '(tanpa akhiran)'}' tidak dikenal; simpan sebagai .xlsx, .csv, .jsonl atau .parquet",
        )
    if categorical:
        result.frame = _as_categorical(result.frame)
    return result


def read_frames(
    paths: Sequence[str | Path],
    timezone: str = "Asia/Jakarta",
    *,
    categorical: bool = False,
    limits: Limits | None = None,
    names: Sequence[str] | None = None,
) -> FrameResult:
    """All logs as one frame (file, sheet + the `read_csv_frame` columns) and problems.

    categorical and limits as in `read_csv_frame`. names: what messages and the `file`
    column call each path (default: the path), e.g. the URI of a copy read on a Spark executor."""
    bounds = Bounds.of(limits)
    frames: list[pl.DataFrame] = []
    problems: list[RowProblem] = []
    ignored: dict[str, list[str]] = {}
    notes: list[str] = []
    files: list[str] = []
    dates: list[DateReading] = []
    blank = 0
    merged = 0
    for k, p in enumerate(paths):
        file = names[k] if names is not None else str(p)
        result = _read_one(file, Path(p), timezone, categorical, bounds)
        refuse_controls(file, result)
        merged += result.merged
        if result.merged:
            notes.append(
                f"{file}: {result.merged} peristiwa XES (lifecycle:transition) digabung ke baris pelaksanaan langkahnya: "
                "'complete' dengan 'start'-nya, transisi lain bukan pelaksanaan"
            )
        files.append(file)
        sheet = pl.col("sheet") if "sheet" in result.frame.columns else pl.lit(None, dtype=pl.String)
        frames.append(
            result.frame.select(pl.lit(file, dtype=pl.String).alias("file"), sheet.alias("sheet"), *_FRAME_COLUMNS)
        )
        problems.extend(result.problems)
        ignored.update(result.ignored)
        notes.extend(result.notes)
        dates.extend(result.dates)
        blank += result.blank
    if frames:
        frame = pl.concat(frames).with_columns(pl.col("file").cast(pl.Categorical), pl.col("sheet").cast(pl.Categorical))
    else:
        frame = _empty_frame().select(
            pl.lit(None, dtype=pl.Categorical).alias("file"), pl.lit(None, dtype=pl.Categorical).alias("sheet"), *_FRAME_COLUMNS
        )
    return FrameResult(frame, problems, files, ignored, frame.height + len(problems) + merged, blank, notes, merged, dates)


def read_logs(paths: Sequence[str | Path], timezone: str = "Asia/Jakarta", *, limits: Limits | None = None) -> ReadResult:
    """Read logs into LogRows and RowProblems; LogFileError when a whole file is unreadable."""
    result = read_frames(paths, timezone, limits=limits)
    rows = [
        LogRow(str(file), row, sheet, sop, case, step, actor, start, end, output, note)
        for file, sheet, row, sop, case, step, actor, start, end, output, note, _timeless, _person in result.frame.iter_rows()
    ]
    return ReadResult(rows, result.problems, result.files, result.ignored_columns, result.total_rows, result.blank_rows, result.notes, result.merged_rows)
