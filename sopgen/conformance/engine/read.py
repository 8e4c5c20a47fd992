"""Reading the logs into the one frame the engine checks.

Each file is read on its own, so a file that cannot be read becomes a `FileError` and the
others are still checked; the rows of all files are then one frame with a file index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from sopgen.conformance.engine.model import FileError


@dataclass
class LogInput:
    """The logs as read: the rows, and what the accounting and the reports need besides."""

    frame: pl.DataFrame | None  # fi, sheet, row, sop, case, step, actor, start, end, output; taken by the engine
    files: list[str]
    file_errors: list[FileError]
    problems: list[Any]  # readers.RowProblem
    blank: list[int]  # blank rows per file
    notes: list[str]
    ignored: dict[str, list[str]]
    merged: list[int]  # XES lifecycle events merged into another row, per file


# The rows as the engine takes them (and as a partition of them holds them).
ROW_SCHEMA: dict[str, Any] = {
    "fi": pl.Int32,
    "sheet": pl.String,
    "row": pl.Int64,
    "sop": pl.Categorical,
    "case": pl.Categorical,
    "step": pl.Int32,
    "actor": pl.Categorical,
    "start": pl.Datetime("us"),
    "end": pl.Datetime("us"),
    "output": pl.Categorical,
    "timeless": pl.Boolean,
}
_FRAME_COLS = ("sheet", "row", "sop", "case", "step", "actor", "start", "end", "output", "timeless")


def read_input(paths: Sequence[str | Path], timezone: str, limits: Any = None, names: Sequence[str] | None = None) -> LogInput:
    """Every file read with the readers (its own errors kept apart), the rows concatenated.

    names: what the reports call each path (default: `shown_path` of it)."""
    from sopgen.conformance.readers import LogFileError, read_frames

    frames: list[pl.DataFrame] = []
    files: list[str] = []
    errors: list[FileError] = []
    problems: list[Any] = []
    notes: list[str] = []
    ignored: dict[str, list[str]] = {}
    blank: list[int] = []
    merged: list[int] = []
    for k, p in enumerate(paths):
        file = names[k] if names is not None else shown_path(str(p))
        p = Path(p) if names is not None else Path(file)
        try:
            result = read_frames([p], timezone, categorical=True, limits=limits, names=[file])
        except LogFileError as err:
            errors.append(FileError(err.file, err.message))
            continue
        except OSError as err:
            errors.append(FileError(file, f"berkas log '{file}' tidak bisa dibuka ({err.strerror or err})"))
            continue
        fi = len(files)
        files.append(file)
        frame = result.frame
        result.frame = None  # type: ignore[assignment]  # the only reference: freed when narrowed
        frames.append(
            frame.select(pl.lit(fi, dtype=pl.Int32).alias("fi"), *[pl.col(c).cast(pl.Int32) if c == "step" else pl.col(c) for c in _FRAME_COLS])
        )
        del frame
        problems.extend(result.problems)
        notes.extend(result.notes)
        ignored.update(result.ignored_columns)
        blank.append(result.blank_rows)
        merged.append(result.merged_rows)
    if frames:
        frame = pl.concat(frames, rechunk=False) if len(frames) > 1 else frames[0]
        frame = frame.with_columns(pl.col("sheet").cast(pl.String))
    else:
        frame = pl.DataFrame(schema=ROW_SCHEMA)
    return LogInput(frame, files, errors, problems, blank, notes, ignored, merged)


def shown_path(file: str) -> str:
    """A path as a report shows it: relative to where the command runs when it is inside
    that folder (a supervisor's report should not carry /home/... of the machine)."""
    import os

    if not os.path.isabs(file):
        return file
    try:
        rel = os.path.relpath(file)
    except ValueError:
        return file
    return file if rel.startswith("..") else rel
