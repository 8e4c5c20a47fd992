"""The engine's public types: the kinds of finding, the result of a check and its parts.

Everything a report or a caller reads lives here, apart from how it is computed, so the
rule modules and the reports share one vocabulary."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import polars as pl

from sopgen.source.model import Sop

KINDS = (
    "time_exceeded",
    "output_missing",
    "output_mismatch",
    "wrong_actor",
    "out_of_order",
    "step_skipped",
    "step_unfinished",
    "unknown_step",
    "unknown_sop",
    "case_incomplete",
    "rework",
    "time_missing",
    "invalid_row",
    "duplicate_row",
)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
# What each kind means for a supervisor, in the report's words.
KIND_LABELS = {
    "time_exceeded": "Melebihi waktu",
    "output_missing": "Tanpa output",
    "output_mismatch": "Output tidak sesuai",
    "wrong_actor": "Pelaksana tidak sesuai",
    "out_of_order": "Urutan tidak sesuai alur",
    "step_skipped": "Langkah dilewati",
    "step_unfinished": "Langkah tidak dicatat selesai",
    "unknown_step": "Langkah tidak dikenal",
    "unknown_sop": "SOP tidak dikenal",
    "case_incomplete": "Kasus belum selesai",
    "rework": "Pengerjaan ulang",
    "time_missing": "Tanpa jam (hanya tanggal)",
    "invalid_row": "Baris tidak sah",
    "duplicate_row": "Baris ganda",
}
INFO_KINDS = frozenset({"case_incomplete", "rework", "time_missing"})
DATA_KINDS = frozenset({"invalid_row", "duplicate_row"})
VIOLATION_KINDS = tuple(k for k in KINDS if k not in INFO_KINDS and k not in DATA_KINDS)
TIME_KINDS = frozenset({"time_exceeded"})
# The order of several findings on one row, as a reader takes them in: what is wrong with the
# row itself, then the loop back the row makes (rework), and last that the case stops there
# (case_incomplete). Otherwise the order of KINDS (the spec's table).
ROW_ORDER = tuple(k for k in KINDS if k != "case_incomplete") + ("case_incomplete",)

# The findings frame: internal columns first (fi: file index, sop_i: SOP index, -1 unknown).
FINDINGS_SCHEMA: dict[str, Any] = {
    "fi": pl.Int32,
    "sheet": pl.String,
    "row": pl.Int64,
    "kind": pl.UInt8,
    "sop_i": pl.Int32,
    "sop": pl.String,
    "case": pl.String,
    "step": pl.Int64,
    "actor": pl.String,
    "minutes": pl.Float64,
    "standard_minutes": pl.Float64,
    "count": pl.Int64,
    "message": pl.String,
}


class CheckError(ValueError):
    """A usage problem (unknown SOP in the filter, bad period); the message is Indonesian."""


@dataclass(frozen=True)
class Finding:
    kind: str
    sop: str | None
    case: str | None
    step: int | None
    file: str
    row: int
    message: str
    sheet: str | None = None
    actor: str | None = None
    minutes: float | None = None
    standard_minutes: float | None = None
    count: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "sop": self.sop,
            "case": self.case,
            "step": self.step,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "actor": self.actor,
            "message": self.message,
        }
        if self.kind in TIME_KINDS:
            out["minutes"] = self.minutes
            out["standard_minutes"] = self.standard_minutes
        if self.kind == "rework":
            out["count"] = self.count
        return out


@dataclass(frozen=True)
class FileError:
    """A log file that could not be read at all; its rows are not counted."""

    file: str
    message: str


@dataclass(frozen=True)
class RowAccounting:
    """Where every data row of the logs went: the parts add up to `data_rows`."""

    data_rows: int
    blank: int
    invalid: int
    duplicate: int
    outside_selection: int  # another SOP than those chosen, or a case outside the period
    checked: int
    merged: int = 0  # XES lifecycle events merged into the row of their step execution

    @property
    def balanced(self) -> bool:
        return self.blank + self.invalid + self.duplicate + self.outside_selection + self.checked + self.merged == self.data_rows

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.data_rows,
            "checked": self.checked,
            "invalid": self.invalid,
            "duplicate": self.duplicate,
            "outside_selection": self.outside_selection,
            "blank": self.blank,
            "merged": self.merged,
        }


class FindingsStore:
    """Where the findings of a check are, sorted as reported (FINDINGS_SCHEMA): in memory,
    one frame (this class), or on disk, one sorted file per partition merged as they are
    read (`sopgen.conformance.spill.SpilledFindings`, a log bigger than memory)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame

    @property
    def height(self) -> int:
        return self._frame.height

    def frame(self) -> pl.DataFrame:
        """All findings in one frame (for tests and small checks; reports read `chunks`)."""
        return self._frame

    def head(self, n: int) -> pl.DataFrame:
        return self._frame.head(n)

    def chunks(self, size: int) -> Iterator[pl.DataFrame]:
        """The findings in order, at most `size` at a time."""
        for offset in range(0, self._frame.height, size):
            yield self._frame.slice(offset, size)

    def close(self) -> None:
        """Nothing to remove: the frame goes with the result."""


@dataclass
class CheckResult:
    sops: list[Sop]
    files: list[str]
    file_errors: list[FileError]
    period: tuple[date | None, date | None]
    elapsed: bool
    accounting: RowAccounting
    store: FindingsStore  # the findings, sorted by fi, sheet, row, ROW_ORDER of kind, step
    summary: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    tally: Any = None  # engine.tally.Tally: the sums the summary was made from

    def __enter__(self) -> CheckResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove what the findings keep on disk (a check out of core); also done when the
        result is collected or the program ends."""
        self.store.close()

    @property
    def compliance(self) -> float | None:
        """Percent of checked rows without a violation; None when nothing was checked."""
        return self.summary["compliance"]["percent"]

    @property
    def findings_frame(self) -> pl.DataFrame:
        """All findings in one frame (FINDINGS_SCHEMA); reports of big checks read
        `output_chunks` instead."""
        return self.store.frame()

    @property
    def findings_count(self) -> int:
        return self.store.height

    @cached_property
    def findings(self) -> list[Finding]:
        """The findings as objects (for tests and small reports; big runs use the frame)."""
        out = []
        for r in self.findings_frame.iter_rows(named=True):
            out.append(
                Finding(
                    kind=KINDS[r["kind"]],
                    sop=r["sop"],
                    case=r["case"],
                    step=r["step"],
                    file=self.files[r["fi"]],
                    row=r["row"],
                    message=r["message"],
                    sheet=r["sheet"],
                    actor=r["actor"],
                    minutes=r["minutes"],
                    standard_minutes=r["standard_minutes"],
                    count=r["count"],
                )
            )
        return out

    def output_frame(self) -> pl.DataFrame:
        """All findings with public columns (kind and file as text), for JSON and CSV."""
        return self.public(self.findings_frame)

    def output_head(self, n: int) -> pl.DataFrame:
        """The first n findings with public columns (what the text and HTML reports list)."""
        return self.public(self.store.head(n))

    def output_chunks(self, size: int) -> Iterator[pl.DataFrame]:
        """The findings with public columns in order, at most about `size` at a time: the
        reports that list every finding never hold them all."""
        for chunk in self.store.chunks(size):
            yield self.public(chunk)

    def public(self, f: pl.DataFrame) -> pl.DataFrame:
        """Findings (FINDINGS_SCHEMA) with public columns: kind and file as text."""
        files = pl.Series("files", self.files, dtype=pl.String)
        kinds = pl.Series("kinds", list(KINDS), dtype=pl.String)
        return f.select(
            pl.lit(kinds).gather(pl.col("kind").cast(pl.Int64)).alias("kind"),
            pl.col("sop"),
            pl.col("case"),
            pl.col("step"),
            pl.lit(files).gather(pl.col("fi").cast(pl.Int64)).alias("file"),
            pl.col("sheet"),
            pl.col("row"),
            pl.col("actor"),
            pl.col("message"),
            pl.col("minutes"),
            pl.col("standard_minutes"),
            pl.col("count"),
        )
