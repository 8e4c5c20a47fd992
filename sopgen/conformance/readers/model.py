"""What the readers hand back: rows, problems, the frame of good rows, and the error for a
file that cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from sopgen.conformance.readers.dateorder import DateReading

# timeless: the row's start or end was written as a date without a time of day (no
# duration and no order judgement for it: the engine's `time_missing`). person: the pegawai
# cell (null without one); actor is the pelaksana cell, or the pegawai one when it is empty.
_FRAME_COLUMNS = ("row", "sop", "case", "step", "actor", "start", "end", "output", "note", "timeless", "person")
_FRAME_SCHEMA = {
    "row": pl.Int64,
    "sop": pl.String,
    "case": pl.String,
    "step": pl.Int64,
    "actor": pl.String,
    "start": pl.Datetime("us"),
    "end": pl.Datetime("us"),
    "output": pl.String,
    "note": pl.String,
    "timeless": pl.Boolean,
    "person": pl.String,
}

_TEXT_COLUMNS = ("sop", "case", "actor", "output", "note", "person")


@dataclass(frozen=True)
class LogRow:
    file: str  # path as given
    row: int  # 1-based physical line (CSV/JSONL) or sheet row (xlsx) where the record starts
    sheet: str | None  # xlsx sheet name
    sop: str | None
    case: str
    step: int
    actor: str
    start: datetime  # naive local time of the project
    end: datetime | None  # None: still in progress
    output: str  # "" when nothing was produced
    note: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row the readers refused. Slots: a log whose every date is wrong has a million."""

    file: str
    row: int
    sheet: str | None
    message: str  # Indonesian: what is wrong and what to do


@dataclass
class ReadResult:
    rows: list[LogRow]
    problems: list[RowProblem]
    files: list[str]
    ignored_columns: dict[str, list[str]]  # "file" or "file › sheet" -> headers not used
    total_rows: int  # data rows read: len(rows) + len(problems) + merged_rows
    blank_rows: int = 0  # rows with every cell empty: skipped, counted here only
    notes: list[str] = field(default_factory=list)  # e.g. xlsx sheets skipped, and why
    merged_rows: int = 0  # XES lifecycle events merged into the row of their execution


@dataclass
class FrameResult:
    """All rows of many logs as one frame: what the checker uses for big inputs.

    Columns: file (Categorical), sheet (Categorical, null outside xlsx) and the columns of
    `read_csv_frame`.
    """

    frame: pl.DataFrame
    problems: list[RowProblem]
    files: list[str]
    ignored_columns: dict[str, list[str]]
    total_rows: int
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)
    merged_rows: int = 0  # XES lifecycle events merged into another row (`_pair_lifecycle`)
    dates: list[DateReading] = field(default_factory=list)  # how each file's numeric dates were read, where it had to choose


class LogFileError(Exception):
    """A whole log file cannot be read; the message (Indonesian) names the file."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.message = message


@dataclass
class _FileResult:
    frame: pl.DataFrame  # _FRAME_COLUMNS, plus "sheet" for xlsx
    problems: list[RowProblem]
    blank: int
    ignored: dict[str, list[str]]
    notes: list[str] = field(default_factory=list)
    merged: int = 0  # XES lifecycle events merged into the row of their step execution
    clean: bool = False  # every text already seen free of control characters (`controls`)
    dates: list[DateReading] = field(default_factory=list)  # numeric dates read one way of two (`dateorder`)
    evidence: Any = None  # dateorder.DateEvidence of a CSV/JSONL/Parquet file: what decided its order


def _empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=_FRAME_SCHEMA)


def _as_categorical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns([pl.col(c).cast(pl.Categorical) for c in _TEXT_COLUMNS])
