"""Reading the logs into the one frame the engine checks.

Each file is read on its own, so a file that cannot be read becomes a `FileError` and the
others are still checked; the rows of all files are then one frame with a file index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
    dates: list[Any] = field(default_factory=list)  # readers.dateorder.DateReading: numeric dates read one way of two
    # Refused rows whose findings are kept elsewhere (on disk, out of core), per file index:
    # how many, and the `tally.finding_sums` of their findings.
    refused: dict[int, int] = field(default_factory=dict)
    refused_sums: dict[int, dict[str, pl.DataFrame]] = field(default_factory=dict)
    # How many of `problems` are of each file, in order: a file named twice is two files.
    problem_counts: list[int] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        """Rows the readers refused, held here or elsewhere."""
        return len(self.problems) + sum(self.refused.values())

    def add_file(self, file: str, problems: list[Any], notes: list[str], ignored: dict[str, list[str]], blank: int, merged: int, dates: list[Any]) -> None:
        """One more file read (its rows kept elsewhere: partitions on disk, Spark)."""
        self.files.append(file)
        self.problems.extend(problems)
        self.problem_counts.append(len(problems))
        self.notes.extend(notes)
        self.ignored.update(ignored)
        self.blank.append(blank)
        self.merged.append(merged)
        self.dates.extend(dates)


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


def read_input(paths: Sequence[str | Path], timezone: str, limits: Any = None, people: Any = None, names: Sequence[str] | None = None) -> LogInput:
    """Every file read with the readers (its own errors kept apart), the rows concatenated.
    people (`people.People` of pegawai.csv): a known person in a pegawai cell is the row's
    actor (`with_people`). names: what the reports call each path (default: `shown_path`
    of it)."""
    from sopgen.conformance.readers import LogFileError, read_frames

    frames: list[pl.DataFrame] = []
    files: list[str] = []
    errors: list[FileError] = []
    problems: list[Any] = []
    notes: list[str] = []
    ignored: dict[str, list[str]] = {}
    blank: list[int] = []
    merged: list[int] = []
    dates: list[Any] = []
    counts: list[int] = []
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
        if frame.get_column("person").null_count() < frame.height:
            frame = with_people(frame, people, file, notes)
        frames.append(
            frame.select(pl.lit(fi, dtype=pl.Int32).alias("fi"), *[pl.col(c).cast(pl.Int32) if c == "step" else pl.col(c) for c in _FRAME_COLS])
        )
        del frame
        problems.extend(result.problems)
        counts.append(len(result.problems))
        notes.extend(result.notes)
        ignored.update(result.ignored_columns)
        blank.append(result.blank_rows)
        merged.append(result.merged_rows)
        dates.extend(result.dates)
    if frames:
        frame = pl.concat(frames, rechunk=False) if len(frames) > 1 else frames[0]
        frame = frame.with_columns(pl.col("sheet").cast(pl.String))
    else:
        frame = pl.DataFrame(schema=ROW_SCHEMA)
    return LogInput(frame, files, errors, problems, blank, notes, ignored, merged, dates, problem_counts=counts)


def with_people(frame: pl.DataFrame, people: Any, file: str, notes: list[str]) -> pl.DataFrame:
    """The pegawai column (`person`) folded into the actor: a person of pegawai.csv did the
    row, so it is judged by that person's position and counted for them (the pelaksana cell
    says no more than the person's position does). A name pegawai.csv lacks leaves the row to
    its pelaksana cell (when that is empty the name is the actor, and an unrecognised name);
    one note per file names them. Only the few distinct names are compared in Python."""
    frame, others = fold_people(frame, people)
    note = people_note(file, others)
    if note:
        notes.append(note)
    return frame


def fold_people(frame: pl.DataFrame, people: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`with_people`'s fold, and the rows per name pegawai.csv lacks (person, len): the counts
    of pieces of one file add up to the file's (`people_note` of their sum)."""
    from sopgen.conformance.engine.normalise import norm_name

    known = {norm_name(k) for p in (people.persons if people else ()) for k in (p.nama, p.nip) if k}
    names = frame.get_column("person").cast(pl.String).unique().drop_nulls().to_list()
    mine = [n for n in names if norm_name(n) in known]
    person = pl.col("person").cast(pl.String)
    others = (
        frame.lazy()
        .filter(person.is_not_null() & ~person.is_in(mine) & (pl.col("actor").cast(pl.String) != person))
        .group_by(person)
        .len()
        .collect()
    )
    if not mine:
        return frame, others
    return frame.with_columns(pl.when(person.is_in(mine)).then(person).otherwise(pl.col("actor").cast(pl.String)).cast(pl.Categorical).alias("actor")), others


def people_note(file: str, others: pl.DataFrame) -> str | None:
    """The note of a file's names that pegawai.csv lacks (others: person, len), or None."""
    if not others.height:
        return None
    others = others.group_by("person").agg(pl.col("len").sum()).sort(["len", "person"], descending=[True, False])
    listed = ", ".join(f"'{n}' ({c} baris)" for n, c in others.head(10).iter_rows())
    more = f" dan {others.height - 10} nama lain" if others.height > 10 else ""
    return (
        f"{file}: kolom pegawai berisi nama yang tidak ada di pegawai.csv: {listed}{more}; baris itu dinilai menurut "
        "kolom pelaksana. Tambahkan mereka ke pegawai.csv (nama;nip;pelaksana) agar masuk tabel per pegawai"
    )


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
