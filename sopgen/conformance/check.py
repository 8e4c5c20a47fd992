"""The conformance engine: do the activity logs follow their SOPs?

`check_logs(project, sops, paths)` reads logs (xlsx, csv, jsonl; `sopgen.logread`), and
checks every row against its SOP: the time standard (in working minutes of the project's
calendar, or elapsed minutes), the standard output, the actors, and each case's path through
the flow. It returns a `CheckResult`: the findings (a polars frame, sorted by file, sheet,
row, then `ROW_ORDER` of the kinds, then step), the summary the reports print, and the
accounting of every input row.

One engine for every input size. All rows live in one polars frame; per-row rules are
expressions, lookups into the SOP are joins with small tables or gathers from dense arrays,
and the path check sorts each case's rows and compares every row with the one before it
(`shift` within the sorted case), so only rows that produce a finding become strings.

The rules (see docs/log-format.md for the words):

- A row's SOP is its `sop` value (matched on nomor, case and spaces ignored). Without one it
  belongs to the single SOP checked; when more SOPs are checked, a file with no `sop` at all
  is an error of that file and an empty `sop` cell an `unknown_sop` finding.
- Duplicates: a row equal to an earlier one in (sop, case, step, actor, start, end, output)
  is a `duplicate_row` and is not checked further.
- Actors match by id, nama or alias of the step's pelaksana, ignoring case and spacing.
- Output: a finished row with an empty output is `output_missing`. A non-empty output matches
  the standard output when it contains every word of it, compared without case and
  punctuation ("Rekap dokumen" and "rekap dokumen, bulan Oktober" both match "rekap
  dokumen,"); otherwise it is `output_mismatch`.
- Time: a finished row longer than the step's `waktu` is `time_exceeded`.
- Path: a case's rows are ordered by start (then step, file, row) and replayed from step 1.
  Each move must follow an edge of the flow. Going back along a decision's branch is rework
  (one `rework` finding per case, with the count). A move forward over steps lists the
  steps that every forward path between the two passes through; those the case never
  executed are `step_skipped` (at the row after the gap); if the case did them at another
  time, or the move goes anywhere else, the row is `out_of_order`. A row that starts before
  the row before it in the case ended is `out_of_order` too. A case whose last row is not a
  finished step that leads to the end is `case_incomplete` (information).

Compliance (`--fail-under`) is the share of checked rows without any violation finding
(time, output, actor, order, skipped step, unknown step or SOP); "within standard" is the
share of finished step executions within their `waktu`.
"""

from __future__ import annotations

import concurrent.futures
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from sopgen.source.model import END, Sop

KINDS = (
    "time_exceeded",
    "output_missing",
    "output_mismatch",
    "wrong_actor",
    "out_of_order",
    "step_skipped",
    "unknown_step",
    "unknown_sop",
    "case_incomplete",
    "rework",
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
    "unknown_step": "Langkah tidak dikenal",
    "unknown_sop": "SOP tidak dikenal",
    "case_incomplete": "Kasus belum selesai",
    "rework": "Pengerjaan ulang",
    "invalid_row": "Baris tidak sah",
    "duplicate_row": "Baris ganda",
}
INFO_KINDS = frozenset({"case_incomplete", "rework"})
DATA_KINDS = frozenset({"invalid_row", "duplicate_row"})
VIOLATION_KINDS = tuple(k for k in KINDS if k not in INFO_KINDS and k not in DATA_KINDS)
TIME_KINDS = frozenset({"time_exceeded"})
# The order of several findings on one row, as a reader takes them in: what is wrong with the
# row itself, then the loop back the row makes (rework), and last that the case stops there
# (case_incomplete). Otherwise the order of KINDS (the spec's table).
ROW_ORDER = tuple(k for k in KINDS if k != "case_incomplete") + ("case_incomplete",)
_KIND_RANK = [ROW_ORDER.index(k) for k in KINDS]  # by kind code

_MINUTE_US = 60_000_000

# Transition classes of (previous step, step); previous 0 is the start of the case.
_OK, _LOOP, _JUMP, _BAD = 0, 1, 2, 3

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


@dataclass
class CheckResult:
    sops: list[Sop]
    files: list[str]
    file_errors: list[FileError]
    period: tuple[date | None, date | None]
    elapsed: bool
    accounting: RowAccounting
    findings_frame: pl.DataFrame  # FINDINGS_SCHEMA, sorted by fi, sheet, row, ROW_ORDER of kind, step
    summary: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def compliance(self) -> float | None:
        """Percent of checked rows without a violation; None when nothing was checked."""
        return self.summary["compliance"]["percent"]

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
        """The findings with public columns (kind and file as text), for JSON and CSV."""
        f = self.findings_frame
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


# -- text normalisation ---------------------------------------------------------------------------


def norm_name(text: str) -> str:
    """How actors and SOP numbers are compared: case, accents and spacing ignored."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def norm_nomor(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def output_words(text: str) -> tuple[str, ...]:
    """The words of an output, without case and punctuation."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def output_matches(recorded: str, standard: str) -> bool:
    """A recorded output matches the standard when it holds every word of the standard."""
    want = set(output_words(standard))
    return want <= set(output_words(recorded))


# -- the flow as tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """One SOP's flow as the engine needs it: successors, loops, and forward jumps."""

    sop: Sop
    n: int
    successors: dict[int, tuple[int | str, ...]]  # 0 is the start of the case
    final: frozenset[int]  # steps with an edge to the end
    transitions: dict[tuple[int, int], tuple[int, tuple[int, ...]]]  # (prev, step) -> class, required

    @classmethod
    def of(cls, sop: Sop) -> Flow:
        n = len(sop.langkah)
        succ: dict[int, tuple[int | str, ...]] = {0: (1,)}
        loops: set[tuple[int, int]] = set()
        final = set()
        for step in sop.langkah:
            targets = []
            for e in sop.edges(step):
                targets.append(e.target)
                if e.target == END:
                    final.add(step.no)
                elif step.is_decision and isinstance(e.target, int) and e.target <= step.no:
                    loops.add((step.no, e.target))
            succ[step.no] = tuple(dict.fromkeys(targets))
        forward = {a: [b for b in ts if isinstance(b, int) and b > a] for a, ts in succ.items()}

        def reach(a: int, banned: int | None = None) -> set[int]:
            seen: set[int] = set()
            todo = [a]
            while todo:
                x = todo.pop()
                for y in forward.get(x, ()):
                    if y != banned and y not in seen:
                        seen.add(y)
                        todo.append(y)
            return seen

        reachable = {a: reach(a) for a in range(n + 1)}
        trans: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = {}
        for a in range(n + 1):
            direct = {b for b in succ.get(a, ()) if isinstance(b, int)}
            for b in range(1, n + 1):
                if b in direct:
                    trans[(a, b)] = (_LOOP if (a, b) in loops else _OK, ())
                elif b in reachable[a]:
                    between = [v for v in range(a + 1, b) if v in reachable[a] and b in reachable[v]]
                    required = tuple(v for v in between if b not in reach(a, banned=v))
                    trans[(a, b)] = (_JUMP, required)
                else:
                    trans[(a, b)] = (_BAD, ())
        return cls(sop, n, succ, frozenset(final), trans)

    def successor_text(self, a: int) -> str:
        names = ["selesai" if t == END else f"langkah {t}" for t in self.successors.get(a, ())]
        return " atau ".join(names)


# -- reading ----------------------------------------------------------------------------------------


@dataclass
class _Input:
    frame: pl.DataFrame | None  # fi, sheet, row, sop, case, step, actor, start, end, output; taken by the engine
    files: list[str]
    file_errors: list[FileError]
    problems: list[Any]  # logread.RowProblem
    blank: list[int]  # blank rows per file
    notes: list[str]
    ignored: dict[str, list[str]]
    merged: list[int]  # XES lifecycle events merged into another row, per file


_FRAME_COLS = ("sheet", "row", "sop", "case", "step", "actor", "start", "end", "output")


def _read(paths: Sequence[str | Path], timezone: str) -> _Input:
    from sopgen.conformance.readers import LogFileError, read_frames

    frames: list[pl.DataFrame] = []
    files: list[str] = []
    errors: list[FileError] = []
    problems: list[Any] = []
    notes: list[str] = []
    ignored: dict[str, list[str]] = {}
    blank: list[int] = []
    merged: list[int] = []
    for p in paths:
        file = str(p)
        try:
            result = read_frames([p], timezone, categorical=True)
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
        frame = pl.DataFrame(
            schema={
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
            }
        )
    return _Input(frame, files, errors, problems, blank, notes, ignored, merged)


# -- the engine -------------------------------------------------------------------------------------


def check_logs(
    project: Any,
    sops: Sequence[Sop],
    log_paths: Sequence[str | Path],
    *,
    period: tuple[date | None, date | None] | None = None,
    sop_filter: Sequence[str] | None = None,
    elapsed: bool = False,
    calendar: Any = None,
) -> CheckResult:
    """Check logs against validated SOPs. Reads the logs; writes nothing but the holiday
    cache of the project (`workcal.HolidayTable`).

    period: (from, to) dates, inclusive, on each case's first start; either may be None.
    sop_filter: nomor values to check (others' rows are counted as outside the selection).
    elapsed: wall-clock minutes instead of working minutes.
    Raises CheckError for a filter naming no SOP or a period that ends before it starts.
    """
    chosen = select_sops(sops, sop_filter) if sop_filter else list(sops)
    period = period or (None, None)
    if period[0] and period[1] and period[1] < period[0]:
        raise CheckError(f"periode tidak sah: --sampai {period[1].isoformat()} sebelum --dari {period[0].isoformat()}")
    building: concurrent.futures.Future | None = None
    if calendar is None and not elapsed:
        # The calendar is made in Python (on a first run, importing the holidays package takes
        # 0.25 s) while polars reads the logs with the GIL released.
        from sopgen.conformance.workcal import WorkCalendar

        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        building = pool.submit(WorkCalendar, project.config.calendar.to_calendar_config(), project.cache)
        pool.shutdown(wait=False)
    timezone = project.config.calendar.zona_waktu
    data = _read(log_paths, timezone)
    if building is not None:
        calendar = building.result()
    return _Engine(chosen, list(sops), data, period, elapsed, calendar).run()


def select_sops(sops: Sequence[Sop], wanted: Sequence[str], *, base: Path | None = None) -> list[Sop]:
    """The SOPs named by nomor (case and spaces ignored) or by the path of their YAML file.

    Raises CheckError naming a value that matches no SOP (with a "did you mean")."""
    from sopgen.source.diagnostics import did_you_mean

    by_nomor = {norm_nomor(s.nomor): s for s in sops}
    by_path = {s.path.resolve(): s for s in sops}
    chosen: list[Sop] = []
    for value in wanted:
        sop = by_nomor.get(norm_nomor(value))
        if sop is None and base is not None and value.lower().endswith((".yaml", ".yml")):
            sop = by_path.get((base / value).resolve())
        if sop is None:
            raise CheckError(f"SOP '{value}' tidak ada di proyek{did_you_mean(value, [s.nomor for s in sops])}; sebut nomor SOP")
        if sop not in chosen:
            chosen.append(sop)
    return chosen


def _sort_by_case(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows by SOP, case, start, step; ties keep input order (file, row).

    Three keys, not five: (SOP, case) and (step, input position) are each packed into one
    UInt64 (sop_i is above -2**31, the case code and the position below 2**32, the step a
    positive Int32). It sorts in two thirds of the time."""
    if frame.height == 0:
        return frame
    shift = pl.lit(1 << 32, dtype=pl.UInt64)
    case_key = (pl.col("sop_i").cast(pl.Int64) + (1 << 31)).cast(pl.UInt64) * shift + pl.col("case").to_physical().cast(pl.UInt64)
    step_key = pl.col("step").cast(pl.UInt64) * shift + pl.int_range(pl.len(), dtype=pl.UInt64)
    return frame.sort([case_key, "start", step_key])


def _sorted(frame: pl.DataFrame, keys: list[Any]) -> pl.DataFrame:
    """frame sorted by keys; ties keep input order (file, row).

    One multi-key sort with the row number as the last key, not maintain_order (a fraction of
    the time). Measured on 10M events it also peaks lower than sorting a narrow key frame and
    gathering column by column (1.7 GB against 2.1 GB for the whole check)."""
    if frame.height == 0:
        return frame
    exprs = [pl.col(k) if isinstance(k, str) else k for k in keys]
    return (
        frame.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("__i"))
        .sort([*exprs, pl.col("__i")])
        .drop("__i")
    )


def _fmt_minutes(e: pl.Expr) -> pl.Expr:
    """Minutes as the report writes them: '530', '12,5'."""
    r = e.round(1)
    return (
        pl.when(r == r.round(0))
        .then(r.cast(pl.Int64).cast(pl.String))
        .otherwise(r.cast(pl.String).str.replace(".", ",", literal=True))
    )


def _fmt_time(e: pl.Expr) -> pl.Expr:
    return e.dt.strftime("%d/%m/%Y %H:%M")


def _text(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.String)


class _Engine:
    def __init__(self, chosen: list[Sop], all_sops: list[Sop], data: _Input, period, elapsed: bool, calendar) -> None:
        self.sops = chosen
        self.all_sops = all_sops
        self.data = data
        self.period = period
        self.elapsed = elapsed
        self.calendar = calendar
        self.flows = [Flow.of(s) for s in chosen]
        self.parts: list[pl.DataFrame] = []
        self._unknown_names: dict[int, str | None] = {}
        # Dense per-step tables, index = step_offset[sop_i] + step (index 0 of each SOP unused).
        self.step_offset = []
        pos = 0
        for flow in self.flows:
            self.step_offset.append(pos)
            pos += flow.n + 1

    # -- helpers ------------------------------------------------------------------------------

    def _finding(self, frame: pl.DataFrame, kind: str, message: pl.Expr, **extra: pl.Expr) -> None:
        """Add findings from rows of frame (which has fi, sheet, row and what extra needs)."""
        if frame.height == 0:
            return
        cols = {
            "fi": pl.col("fi"),
            "sheet": pl.col("sheet"),
            "row": pl.col("row"),
            "kind": pl.lit(KIND_CODE[kind], dtype=pl.UInt8),
            "sop_i": pl.col("sop_i") if "sop_i" in frame.columns else pl.lit(-1),
            "sop": self._nomor() if "sop_i" in frame.columns else pl.lit(None, dtype=pl.String),
            "case": _text(pl.col("case")) if "case" in frame.columns else pl.lit(None, dtype=pl.String),
            "step": pl.col("step") if "step" in frame.columns else pl.lit(None, dtype=pl.Int64),
            "actor": _text(pl.col("actor")) if "actor" in frame.columns else pl.lit(None, dtype=pl.String),
            "minutes": pl.lit(None, dtype=pl.Float64),
            "standard_minutes": pl.lit(None, dtype=pl.Float64),
            "count": pl.lit(None, dtype=pl.Int64),
            "message": message,
        }
        cols.update(extra)
        # Rechunk first: polars 2.1 panics formatting two string expressions whose chunks
        # differ (as after a filtered lazy query); a finding frame is small, this is cheap.
        frame = frame.rechunk()
        out = frame.select([e.cast(FINDINGS_SCHEMA[name]).alias(name) for name, e in cols.items()])
        self.parts.append(out)

    def _table(self, values: list, dtype: Any) -> pl.Expr:
        return pl.lit(pl.Series(values or [None], dtype=dtype))

    def _per_sop(self, values: list, dtype: Any) -> pl.Expr:
        """A per-SOP value for each row (sop_i >= 0; other rows get the first SOP's).

        With one SOP it is a scalar: no ten-million-row gather for a constant."""
        if len(values) == 1:
            return pl.lit(values[0], dtype=dtype)
        return self._table(values, dtype).gather(pl.col("sop_i").clip(0, None).cast(pl.Int64))

    def _per_step(self, values: list, dtype: Any, step: pl.Expr | None = None) -> pl.Expr:
        """A per-step value (a list in the step_offset layout) for each row's step."""
        step = pl.col("step") if step is None else step
        return self._table(values, dtype).gather(self._per_sop(self.step_offset, pl.Int64) + step.cast(pl.Int64))

    def _step_values(self, fn) -> list:
        out: list = []
        for flow in self.flows:
            out.append(None)
            out.extend(fn(flow, s) for s in flow.sop.langkah)
        return out

    def _nomor(self) -> pl.Expr:
        nomor = self._per_sop([s.nomor for s in self.sops], pl.String)
        return pl.when(pl.col("sop_i") >= 0).then(nomor).otherwise(None)

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> CheckResult:
        data = self.data
        frame, data.frame = data.frame, None  # the engine owns the rows now: no second copy alive
        frame = self._resolve_sop(frame)
        frame = self._reject_files_without_sop(frame)
        blank = sum(data.blank)
        merged = sum(data.merged)
        total = frame.height + len(data.problems) + merged
        self._invalid_rows()
        before = frame.height
        if self._outside:
            frame = frame.filter(pl.col("sop_i") != -1)
        frame = self._period(frame)
        outside = before - frame.height
        frame = _sort_by_case(frame)
        frame = self._duplicates(frame)
        checked = frame.height
        if self._unknown_names:
            self._unknown_sop(frame.filter(pl.col("sop_i") < -1))
            frame = frame.filter(pl.col("sop_i") >= 0)
        known = self._steps(frame)
        del frame
        rows = self._rows(known)
        del known
        self._row_findings(rows)
        self._path(rows)
        # The summary needs these only: dropping the rest frees most of the memory of the rows.
        rows = rows.select("fi", "sop_i", "case", "step", "actor", "start", "dur_us", "late")
        findings = self._collect()
        accounting = RowAccounting(
            data_rows=total + blank,
            blank=blank,
            invalid=len(data.problems),
            duplicate=self._duplicate_count,
            outside_selection=outside,
            checked=checked,
            merged=merged,
        )
        summary = self._summary(rows, findings, accounting)
        return CheckResult(
            sops=self.sops,
            files=data.files,
            file_errors=data.file_errors,
            period=self.period,
            elapsed=self.elapsed,
            accounting=accounting,
            findings_frame=findings,
            summary=summary,
            notes=data.notes,
            ignored_columns=data.ignored,
        )

    def _reject_files_without_sop(self, frame: pl.DataFrame) -> pl.DataFrame:
        """With several SOPs chosen, a file that names no SOP anywhere (no `sop` column, no
        template sheet) cannot be checked: it is a file error, not a finding per row."""
        if len(self.sops) < 2 or frame.height == 0:
            return frame
        per_file = frame.group_by("fi").agg((pl.col("sop_i") == -2).all().alias("none"))
        bad = sorted(fi for fi, none in per_file.iter_rows() if none)
        if not bad:
            return frame
        data = self.data
        for fi in bad:
            file = data.files[fi]
            data.file_errors.append(
                FileError(
                    file,
                    f"berkas log '{file}' tidak menyebut SOP (kolom 'sop' tidak ada atau kosong), padahal {len(self.sops)} "
                    "SOP diperiksa; tambahkan kolom 'sop' berisi nomor SOP, atau pilih satu SOP dengan --sop NOMOR",
                )
            )
            data.blank[fi] = 0
            data.merged[fi] = 0
        names = {data.files[fi] for fi in bad}
        data.problems = [p for p in data.problems if p.file not in names]
        return frame.filter(~pl.col("fi").is_in(bad))

    def _invalid_rows(self) -> None:
        problems = self.data.problems
        if not problems:
            return
        index = {f: i for i, f in enumerate(self.data.files)}
        frame = pl.DataFrame(
            {
                "fi": [index[p.file] for p in problems],
                "sheet": [p.sheet for p in problems],
                "row": [p.row for p in problems],
                "message": [p.message for p in problems],
            },
            schema={"fi": pl.Int32, "sheet": pl.String, "row": pl.Int64, "message": pl.String},
        )
        self._finding(frame, "invalid_row", pl.col("message"))

    def _resolve_sop(self, frame: pl.DataFrame) -> pl.DataFrame:
        """sop_i: index of a chosen SOP; -1 another project SOP (not chosen); -2 none given
        and none to infer; below -2 an unknown nomor (kept in `_unknown_names`).

        An empty `sop` means the only chosen SOP, or the SOP whose template sheet the row is
        on (`logtemplate.sheet_name`). The raw `sop` column is dropped."""
        from sopgen.conformance.logtemplate import sheet_name

        chosen = {norm_nomor(s.nomor): i for i, s in enumerate(self.sops)}
        others = {norm_nomor(s.nomor) for s in self.all_sops}
        sheets = {sheet_name(s).casefold(): norm_nomor(s.nomor) for s in self.all_sops}
        with_sheets = frame["sheet"].null_count() < frame.height
        if with_sheets:
            pairs = frame.select("sop", "sheet").unique()
        else:
            pairs = frame.select("sop").unique().with_columns(pl.lit(None, dtype=pl.String).alias("sheet"))
        codes = []
        self._outside = False
        by_value: dict[str, int] = {}
        for value, sheet in pairs.iter_rows():
            key = norm_nomor(value) if value is not None else sheets.get((sheet or "").casefold())
            if key is None:
                code = 0 if len(self.sops) == 1 else -2
            elif key in chosen:
                code = chosen[key]
            elif key in others:
                code = -1
            else:
                if key not in by_value:
                    by_value[key] = -3 - len(by_value)
                code = by_value[key]
            if code < -1:
                self._unknown_names[code] = value
            self._outside |= code == -1
            codes.append(code)
        if len(codes) == 1:
            return frame.drop("sop").with_columns(pl.lit(codes[0], dtype=pl.Int32).alias("sop_i"))
        if with_sheets:  # xlsx: small files, a join on both keys
            lookup = pairs.with_columns(pl.Series("sop_i", codes, dtype=pl.Int32))
            return frame.join(lookup, on=["sop", "sheet"], how="left", nulls_equal=True, maintain_order="left").drop("sop")
        physical = pairs.select(pl.col("sop").to_physical()).to_series()
        null_code = next((c for c, v in zip(codes, pairs["sop"].to_list()) if v is None), -2)
        keep = [i for i, v in enumerate(pairs["sop"].to_list()) if v is not None]
        mapped = (
            pl.col("sop")
            .to_physical()
            .replace_strict(physical.gather(keep), pl.Series([codes[i] for i in keep], dtype=pl.Int32), default=None, return_dtype=pl.Int32)
        )
        sop_i = pl.when(pl.col("sop").is_null()).then(pl.lit(null_code, dtype=pl.Int32)).otherwise(mapped)
        return frame.with_columns(sop_i.alias("sop_i")).drop("sop")

    def _raw_sop(self) -> pl.Expr:
        """The SOP as the log wrote it: the nomor when known, else the unknown value."""
        codes = sorted(self._unknown_names)
        if not codes:
            return self._nomor()
        lookup = pl.Series([self._unknown_names[c] for c in codes], dtype=pl.String)
        unknown = pl.col("sop_i").replace_strict(pl.Series(codes, dtype=pl.Int32), lookup, default=None, return_dtype=pl.String)
        return pl.when(pl.col("sop_i") >= 0).then(self._nomor()).otherwise(unknown)

    def _period(self, frame: pl.DataFrame) -> pl.DataFrame:
        lo, hi = self.period
        if lo is None and hi is None:
            return frame
        first = pl.col("start").min().over("sop_i", "case").dt.date()
        keep = pl.lit(True)
        if lo is not None:
            keep = keep & (first >= lo)
        if hi is not None:
            keep = keep & (first <= hi)
        return frame.filter(keep)

    def _duplicates(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Drop rows equal to an earlier one. frame is sorted by (sop, case, start, step) with
        ties in input order, so equal rows sit in one run of equal sort keys: only rows of
        such runs (few) are compared in full."""
        key = ["sop_i", "case", "start", "step"]
        same_prev = pl.all_horizontal([pl.col(k) == pl.col(k).shift(1) for k in key]).fill_null(False)
        tie = frame.select((same_prev | same_prev.shift(-1).fill_null(False)).alias("tie")).to_series()
        self._duplicate_count = 0
        if not tie.any():
            return frame
        full = ["sop_i", "case", "step", "actor", "start", "end", "output"]
        ties = frame.with_row_index("rid").filter(tie)
        ties = ties.with_columns(pl.struct(full).is_first_distinct().alias("first"))
        dups = ties.filter(~pl.col("first"))
        self._duplicate_count = dups.height
        if dups.height == 0:
            return frame
        originals = (
            ties.filter(pl.col("first"))
            .join(dups.select(full).unique(), on=full, how="semi", nulls_equal=True)
            .select(*full, pl.col("fi").alias("first_fi"), pl.col("row").alias("first_row"), pl.col("sheet").alias("first_sheet"))
        )
        dups = dups.join(originals, on=full, how="left", nulls_equal=True, maintain_order="left")
        files = pl.Series("files", self.data.files, dtype=pl.String)
        where = (
            pl.when(pl.col("first_fi") != pl.col("fi"))
            .then(pl.format(" di berkas '{}'", pl.lit(files).gather(pl.col("first_fi").cast(pl.Int64))))
            .when(pl.col("first_sheet").is_not_null() & (pl.col("first_sheet") != pl.col("sheet")))
            .then(pl.format(" di lembar '{}'", pl.col("first_sheet")))
            .otherwise(pl.lit(""))
        )
        self._finding(
            dups,
            "duplicate_row",
            pl.format(
                "baris ini sama persis dengan baris {}{} (kasus, langkah, pelaksana, waktu dan output sama); hapus salah satu",
                pl.col("first_row"),
                where,
            ),
            sop=self._raw_sop(),
            sop_i=pl.when(pl.col("sop_i") >= 0).then(pl.col("sop_i")).otherwise(-1),
        )
        drop = dups["rid"]
        return frame.with_row_index("rid").filter(~pl.col("rid").is_in(drop.implode())).drop("rid")

    def _unknown_sop(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        from sopgen.source.diagnostics import did_you_mean

        known = [s.nomor for s in self.sops]
        codes, messages = [], []
        for code, value in self._unknown_names.items():
            codes.append(code)
            if value is None:
                messages.append(f"kolom 'sop' kosong, padahal {len(self.sops)} SOP diperiksa; isi nomor SOP (mis. '{known[0]}')")
            else:
                messages.append(f"SOP '{value}' tidak ada di proyek{did_you_mean(value, known)}; periksa nomor SOP di kolom 'sop'")
        message = pl.col("sop_i").replace_strict(pl.Series(codes, dtype=pl.Int32), pl.Series(messages, dtype=pl.String), return_dtype=pl.String)
        self._finding(frame, "unknown_sop", message, sop=self._raw_sop(), sop_i=pl.lit(-1))

    def _steps(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows whose step is in their SOP go on; the others become `unknown_step` findings."""
        n = self._per_sop([f.n for f in self.flows], pl.Int64)
        unknown = frame.filter(pl.col("step") > n)
        self._unknown_steps = unknown
        self._finding(
            unknown,
            "unknown_step",
            pl.format("langkah {} tidak ada di SOP {} (langkahnya 1 sampai {})", pl.col("step"), self._nomor(), n),
        )
        return frame.filter(pl.col("step") <= n) if unknown.height else frame

    def _rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The per-row columns the checks need, computed in one query over the sorted rows.

        cont: same case as the row before; prev: the step before in the case (0 at its
        start); last: the case's last row; dur_us: duration (null while in progress); late;
        overlap: started before the row before ended; cls: the transition class; final: the
        step leads to the end."""
        if self.elapsed:
            dur = (pl.col("end") - pl.col("start")).dt.total_microseconds()
        else:
            lo, hi_start, hi_end = frame.select(pl.col("start").min().alias("a"), pl.col("start").max().alias("b"), pl.col("end").max().alias("c")).row(0)
            if lo is not None:
                hi = max(d for d in (hi_start, hi_end) if d is not None)
                self.calendar.ensure_years(lo.year, hi.year)
                cum = self.calendar.cumulative_expr
                dur = cum(pl.col("end").cast(pl.Int64)) - cum(pl.col("start").cast(pl.Int64))
            else:
                dur = pl.lit(None, dtype=pl.Int64)
        std_us = self._per_step(self._step_values(lambda f, s: int(round(s.mutu_baku.menit * _MINUTE_US))), pl.Int64)
        classes: list[int] = []
        width: list[int] = []
        offsets: list[int] = []
        for flow in self.flows:
            offsets.append(len(classes))
            width.append(flow.n + 1)
            classes.extend(flow.transitions.get((a, b), (_BAD, ()))[0] for a in range(flow.n + 1) for b in range(flow.n + 1))
        tidx = self._per_sop(offsets, pl.Int64) + pl.col("prev").cast(pl.Int64) * self._per_sop(width, pl.Int64) + pl.col("step")
        cont = ((pl.col("sop_i") == pl.col("sop_i").shift(1)) & (pl.col("case") == pl.col("case").shift(1))).fill_null(False)
        query = (
            frame.lazy()
            .with_columns(pl.col("step").cast(pl.Int32), cont.alias("cont"))
            .with_columns(
                pl.when(pl.col("cont")).then(pl.col("step").shift(1)).otherwise(0).cast(pl.Int32).alias("prev"),
                (pl.col("cont") & (pl.col("start") < pl.col("end").shift(1))).fill_null(False).alias("overlap"),
                (~pl.col("cont").shift(-1).fill_null(False)).alias("last"),
                pl.when(pl.col("end").is_not_null()).then(dur).otherwise(None).alias("dur_us"),
            )
            .with_columns(
                (pl.col("dur_us") > std_us).alias("late"),
                self._table(classes, pl.Int8).gather(tidx).alias("cls"),
                self._per_step(self._step_values(lambda f, s: s.no in f.final), pl.Boolean).alias("final"),
            )
            .drop("cont")
        )
        return query.collect()

    def _row_findings(self, rows: pl.DataFrame) -> None:
        """Time, output and actor findings."""
        std_min = self._per_step(self._step_values(lambda f, s: s.mutu_baku.menit), pl.Float64)
        std_out = self._per_step(self._step_values(lambda f, s: s.mutu_baku.output), pl.String)
        unit = "menit" if self.elapsed else "menit kerja"
        sidx = (self._per_sop(self.step_offset, pl.Int64) + pl.col("step").cast(pl.Int64)).cast(pl.UInt64)
        code = lambda c: pl.col(c).to_physical().cast(pl.UInt64).fill_null(0xFFFFFFFF)  # noqa: E731
        actor_key = (sidx * (1 << 32) + code("actor")).alias("key")
        output_key = (sidx * (1 << 32) + code("output")).alias("key")
        late, actor_combos, output_combos = pl.collect_all(
            [
                rows.lazy().filter(pl.col("late")).select("fi", "sheet", "row", "sop_i", "case", "step", "actor", "dur_us"),
                rows.lazy().select("sop_i", "step", "actor", actor_key).unique(),
                rows.lazy().select("sop_i", "step", "output", output_key).unique(),
            ]
        )
        minutes = pl.col("dur_us") / _MINUTE_US
        self._finding(
            late,
            "time_exceeded",
            pl.format(
                "langkah {} berlangsung {} {}, melebihi standar {} menit (lebih {} menit)",
                pl.col("step"),
                _fmt_minutes(minutes),
                pl.lit(unit),
                _fmt_minutes(std_min),
                _fmt_minutes(minutes - std_min),
            ),
            minutes=minutes.round(2),
            standard_minutes=std_min,
        )
        # Actor and output: decided once per distinct (step, actor) and (step, output) in
        # Python (the combos above), then found in the rows by a 64-bit key: step index << 32 |
        # category code.
        self._actor_ids: list[dict[str, str]] = []
        for flow in self.flows:
            names: dict[str, str] = {}
            for a in flow.sop.pelaksana:
                for name in a.names:
                    names.setdefault(norm_name(name), a.id)
            self._actor_ids.append(names)
        std_words = [[set(output_words(s.mutu_baku.output)) for s in f.sop.langkah] for f in self.flows]
        bad_actor, missing, mismatch = [], [], []
        for sop_i, step, actor, key in actor_combos.iter_rows():
            aid = self._actor_ids[sop_i].get(norm_name(actor)) if actor is not None else None
            if aid not in self.flows[sop_i].sop.langkah[step - 1].pelaksana:
                bad_actor.append(key)
        for sop_i, step, output, key in output_combos.iter_rows():
            if not output:
                missing.append(key)
            elif not std_words[sop_i][step - 1] <= set(output_words(output)):
                mismatch.append(key)
        keys = lambda values: pl.Series(values, dtype=pl.UInt64).implode()  # noqa: E731
        if bad_actor or missing or mismatch:
            flagged = (
                rows.lazy()
                .with_columns(actor_key.alias("akey"), output_key.alias("okey"))
                .filter(pl.col("akey").is_in(keys(bad_actor)) | pl.col("okey").is_in(keys(missing + mismatch)))
                .with_columns(
                    pl.col("akey").is_in(keys(bad_actor)).alias("bad_actor"),
                    pl.col("okey").is_in(keys(missing)).alias("missing"),
                    pl.col("okey").is_in(keys(mismatch)).alias("mismatch"),
                )
                .collect()
            )
        else:
            flagged = rows.clear().with_columns(
                pl.lit(False).alias("bad_actor"), pl.lit(False).alias("missing"), pl.lit(False).alias("mismatch")
            )
        self._finding(
            flagged.filter(pl.col("missing") & pl.col("end").is_not_null()),
            "output_missing",
            pl.format("langkah {} selesai tanpa output; output standarnya '{}'", pl.col("step"), std_out),
        )
        self._finding(
            flagged.filter(pl.col("mismatch")),
            "output_mismatch",
            pl.format("output '{}' bukan output standar langkah {} ('{}')", _text(pl.col("output")), pl.col("step"), std_out),
        )
        who = self._per_step(
            self._step_values(lambda f, s: ", ".join(f"'{f.sop.actor(p).nama}'" if f.sop.actor(p) else f"'{p}'" for p in s.pelaksana)),
            pl.String,
        )
        self._finding(
            flagged.filter(pl.col("bad_actor")),
            "wrong_actor",
            pl.format("langkah {} dikerjakan oleh '{}', padahal pelaksananya {}", pl.col("step"), _text(pl.col("actor")), who),
        )

    def _path(self, rows: pl.DataFrame) -> None:
        """Order, jumps over steps, loops, completion of each case."""
        # Narrow lazy queries throughout: only the few flagged rows are ever gathered whole.
        cases_with_jumps = rows.lazy().filter(pl.col("cls") == _JUMP).select("sop_i", "case").unique().collect()
        jump_info = pl.DataFrame(schema={"rid": pl.UInt32, "jump_present": pl.String, "jump_ambiguous": pl.Boolean})
        if cases_with_jumps.height:
            required = {(i, a, b): req for i, f in enumerate(self.flows) for (a, b), (c, req) in f.transitions.items() if c == _JUMP}
            keys = list(required)
            req_table = pl.DataFrame(
                {
                    "sop_i": pl.Series([k[0] for k in keys], dtype=pl.Int32),
                    "prev": pl.Series([k[1] for k in keys], dtype=pl.Int32),
                    "step": pl.Series([k[2] for k in keys], dtype=pl.Int32),
                    "req": pl.Series([list(required[k]) for k in keys], dtype=pl.List(pl.Int32)),
                }
            )
            jumps = (
                rows.lazy()
                .with_row_index("rid")
                .filter(pl.col("cls") == _JUMP)
                .select("rid", "fi", "sheet", "row", "sop_i", "case", "step", "prev", "actor")
                .join(req_table.lazy(), on=["sop_i", "prev", "step"], how="left", maintain_order="left")
                .collect()
            )
            codes = cases_with_jumps.select(pl.col("case").to_physical()).to_series().implode()
            present = (
                rows.lazy()
                .filter(pl.col("case").to_physical().is_in(codes))
                .select("sop_i", "case", pl.col("step").alias("req"), pl.lit(True).alias("has"))
                .unique()
                .collect()
            )
            exploded = (
                jumps.with_columns(pl.col("req").list.len().alias("nreq"))
                .explode("req")
                .join(present, on=["sop_i", "case", "req"], how="left", maintain_order="left")
                .with_columns(pl.col("has").fill_null(False))
            )
            missing = exploded.filter(pl.col("req").is_not_null() & ~pl.col("has"))
            self._finding(
                missing,
                "step_skipped",
                pl.format(
                    "langkah {} dilewati: kasus berlanjut dari {} ke langkah {} tanpa langkah {}",
                    pl.col("req"),
                    pl.when(pl.col("prev") == 0).then(pl.lit("awal")).otherwise(pl.format("langkah {}", pl.col("prev"))),
                    pl.col("step"),
                    pl.col("req"),
                ),
                step=pl.col("req"),
            )
            jump_info = (
                exploded.group_by("rid", maintain_order=True)
                .agg(
                    pl.col("req").filter(pl.col("has")).cast(pl.String).str.join(", ").alias("jump_present"),
                    (pl.col("nreq").first() == 0).alias("jump_ambiguous"),
                )
                .filter((pl.col("jump_present") != "") | pl.col("jump_ambiguous"))
            )
        flagged = (
            rows.lazy()
            .with_row_index("rid")
            .with_columns(pl.col("end").shift(1).alias("prev_end"))  # the row before, in the same case when cont
            .filter((pl.col("cls") == _BAD) | pl.col("overlap") | pl.col("rid").is_in(jump_info["rid"].implode()))
            .select("rid", "fi", "sheet", "row", "sop_i", "case", "step", "prev", "actor", "start", "prev_end", "cls", "overlap")
            .join(jump_info.lazy(), on="rid", how="left", maintain_order="left")
            .with_columns(
                ((pl.col("cls") == _BAD) | pl.col("jump_present").is_not_null() | pl.col("jump_ambiguous").fill_null(False)).alias("flow_bad"),
            )
            .collect()
        )
        succ = self._per_step(
            [flow.successor_text(a) for flow in self.flows for a in range(flow.n + 1)], pl.String, step=pl.col("prev")
        )
        flow_msg = (
            pl.when(pl.col("jump_ambiguous").fill_null(False))
            .then(pl.format("dari langkah {} kasus langsung ke langkah {}, melewati langkah yang harus dikerjakan di antaranya", pl.col("prev"), pl.col("step")))
            .when(pl.col("jump_present").is_not_null())
            .then(
                pl.format(
                    "langkah {} dikerjakan setelah langkah {}, padahal langkah {} harus lebih dulu (urutan tertukar)",
                    pl.col("step"),
                    pl.col("prev"),
                    pl.col("jump_present"),
                )
            )
            .when(pl.col("prev") == 0)
            .then(pl.format("kasus dimulai di langkah {}, padahal alur dimulai di langkah 1", pl.col("step")))
            .when(pl.col("prev") == pl.col("step"))
            .then(pl.format("langkah {} diulang tanpa kembali lewat keputusan", pl.col("step")))
            .otherwise(pl.format("langkah {} tidak boleh menyusul langkah {}: sesudah langkah {} alurnya ke {}", pl.col("step"), pl.col("prev"), pl.col("prev"), succ))
        )
        time_msg = pl.format(
            "langkah {} dimulai {}, sebelum langkah {} selesai ({})", pl.col("step"), _fmt_time(pl.col("start")), pl.col("prev"), _fmt_time(pl.col("prev_end"))
        )
        self._finding(
            flagged,
            "out_of_order",
            pl.when(pl.col("flow_bad") & pl.col("overlap"))
            .then(pl.concat_str([flow_msg, time_msg], separator="; "))
            .when(pl.col("flow_bad"))
            .then(flow_msg)
            .otherwise(time_msg),
        )
        loops, lasts = pl.collect_all(
            [
                rows.lazy().filter(pl.col("cls") == _LOOP).select("fi", "sheet", "row", "sop_i", "case", "prev", "step", "actor"),
                rows.lazy().filter(pl.col("last")).select("fi", "sheet", "row", "sop_i", "case", "step", "actor", "end", "final"),
            ]
        )
        self._rework = loops.group_by("sop_i", "case", maintain_order=True).agg(
            pl.col("fi").first(),
            pl.col("sheet").first(),
            pl.col("row").first(),
            pl.col("prev").first().alias("decision"),
            pl.col("step").first(),
            pl.col("actor").first(),
            pl.len().alias("count"),
        )
        self._finding(
            self._rework,
            "rework",
            pl.format(
                "kasus kembali lewat keputusan langkah {} ke langkah {}: {} kali pengerjaan ulang",
                pl.col("decision"),
                pl.col("step"),
                pl.col("count"),
            ),
            count=pl.col("count"),
        )
        complete = pl.col("final") & pl.col("end").is_not_null()
        self._finding(
            lasts.filter(~complete),
            "case_incomplete",
            pl.when(pl.col("end").is_null())
            .then(pl.format("kasus belum mencapai akhir alur: langkah terakhir yang tercatat, langkah {}, belum selesai", pl.col("step")))
            .otherwise(pl.format("kasus belum mencapai akhir alur: langkah terakhir yang tercatat adalah langkah {}", pl.col("step"))),
        )
        self._cases = lasts.select("sop_i", "case", complete.alias("complete"))

    def _collect(self) -> pl.DataFrame:
        if not self.parts:
            return pl.DataFrame(schema=FINDINGS_SCHEMA)
        frame = pl.concat(self.parts)
        self.parts = []
        rank = pl.lit(pl.Series(_KIND_RANK, dtype=pl.UInt8)).gather(pl.col("kind").cast(pl.Int64))
        return _sorted(frame, ["fi", "sheet", "row", rank, "step"])

    # -- summary ------------------------------------------------------------------------------

    def _summary(self, rows: pl.DataFrame, findings: pl.DataFrame, accounting: RowAccounting) -> dict[str, Any]:
        def pct(a: int, b: int) -> float | None:
            return round(100.0 * a / b, 1) if b else None

        r2 = lambda v: None if v is None else round(float(v), 2)  # noqa: E731
        kind_counts = dict.fromkeys(KINDS, 0)
        for code, n in findings.group_by("kind").len().iter_rows():
            kind_counts[KINDS[code]] = n
        violation_codes = [KIND_CODE[k] for k in VIOLATION_KINDS]
        # A row violates when a violation finding names it; count each row once.
        bad_rows_query = (
            findings.lazy()
            .select("fi", "sheet", "row", "kind", "sop_i", "actor")
            .filter(pl.col("kind").is_in(violation_codes))
            .unique(["fi", "sheet", "row"])
        )
        kind_step_query = findings.lazy().select("sop_i", "step", "kind").filter(pl.col("sop_i") >= 0).group_by("sop_i", "step", "kind").len()
        checked = accounting.checked

        # Quantiles: each group's durations sorted once into a list (one copy of the column,
        # not one per statistic), then read at the interpolated positions.
        def quantile(q: float) -> pl.Expr:
            pos = (pl.col("sorted").list.len() - 1).cast(pl.Float64) * q
            lo, hi = pos.floor().cast(pl.Int64), pos.ceil().cast(pl.Int64)
            a = pl.col("sorted").list.get(lo, null_on_oob=True).cast(pl.Float64)
            b = pl.col("sorted").list.get(hi, null_on_oob=True).cast(pl.Float64)
            return (a + (b - a) * (pos - lo.cast(pl.Float64))) / _MINUTE_US

        within_expr = (pl.col("late") == False).sum().alias("within")  # noqa: E712
        step_stats_query = (
            rows.lazy()
            .select("sop_i", "step", "dur_us", "late")
            .group_by("sop_i", "step")
            .agg(pl.len().alias("rows"), within_expr, pl.col("dur_us").drop_nulls().sort().alias("sorted"))
            .select(
                "sop_i",
                "step",
                "rows",
                "within",
                pl.col("sorted").list.len().alias("finished"),
                quantile(0.0).alias("min"),
                quantile(0.25).alias("q1"),
                quantile(0.5).alias("median"),
                quantile(0.75).alias("q3"),
                quantile(0.9).alias("p90"),
                quantile(1.0).alias("max"),
            )
        )
        per_actor_query = (
            rows.lazy()
            .select("sop_i", "actor", "dur_us", "late")
            .group_by("sop_i", "actor")
            .agg(pl.len().alias("rows"), pl.col("dur_us").count().alias("finished"), within_expr)
        )
        # Independent queries: collected together, they run side by side.
        bad_rows, by_kind_step_frame, step_stats, per_actor = pl.collect_all([bad_rows_query, kind_step_query, step_stats_query, per_actor_query])
        by_kind_step = {(s, st, KINDS[k]): n for s, st, k, n in by_kind_step_frame.iter_rows()}
        by_kind_sop: dict[tuple[int, str], int] = {}
        for (s, _st, k), n in by_kind_step.items():
            by_kind_sop[(s, k)] = by_kind_sop.get((s, k), 0) + n
        stats = {(r["sop_i"], r["step"]): r for r in step_stats.iter_rows(named=True)}
        steps_out = []
        for i, flow in enumerate(self.flows):
            for step in flow.sop.langkah:
                st = stats.get((i, step.no), {})
                fin, win = st.get("finished", 0), st.get("within", 0)
                steps_out.append(
                    {
                        "sop": flow.sop.nomor,
                        "step": step.no,
                        "activity": step.aktivitas,
                        "standard_minutes": step.mutu_baku.menit,
                        "standard_output": step.mutu_baku.output,
                        "rows": st.get("rows", 0),
                        "finished": fin,
                        "within_standard": win,
                        "percent_within": pct(win, fin),
                        "min_minutes": r2(st.get("min")),
                        "q1_minutes": r2(st.get("q1")),
                        "median_minutes": r2(st.get("median")),
                        "q3_minutes": r2(st.get("q3")),
                        "p90_minutes": r2(st.get("p90")),
                        "max_minutes": r2(st.get("max")),
                        "kinds": {k: by_kind_step[(i, step.no, k)] for k in KINDS if (i, step.no, k) in by_kind_step},
                    }
                )
        case_stats = {s: (n, c) for s, n, c in self._cases.group_by("sop_i").agg(pl.len(), pl.col("complete").sum()).iter_rows()}
        rework_by_sop = dict(self._rework.group_by("sop_i").len().iter_rows())
        rows_by_sop: dict[int, int] = dict(self._unknown_steps.group_by("sop_i").len().iter_rows())
        for r in stats.values():
            rows_by_sop[r["sop_i"]] = rows_by_sop.get(r["sop_i"], 0) + r["rows"]
        bad_by_sop = dict(bad_rows.filter(pl.col("sop_i") >= 0).group_by("sop_i").len().iter_rows())
        sops_out = []
        for i, flow in enumerate(self.flows):
            fin = sum(s["finished"] for s in steps_out if s["sop"] == flow.sop.nomor)
            win = sum(s["within_standard"] for s in steps_out if s["sop"] == flow.sop.nomor)
            n_rows = rows_by_sop.get(i, 0)
            n_bad = bad_by_sop.get(i, 0)
            n_cases, n_complete = case_stats.get(i, (0, 0))
            sops_out.append(
                {
                    "sop": flow.sop.nomor,
                    "name": flow.sop.nama,
                    "rows": n_rows,
                    "cases": n_cases,
                    "complete_cases": n_complete,
                    "cases_with_rework": rework_by_sop.get(i, 0),
                    "finished": fin,
                    "within_standard": win,
                    "percent_within": pct(win, fin),
                    "compliant_rows": n_rows - n_bad,
                    "percent_compliant": pct(n_rows - n_bad, n_rows),
                    "kinds": {k: by_kind_sop[(i, k)] for k in KINDS if (i, k) in by_kind_sop},
                }
            )
        fin_all = sum(s["finished"] for s in sops_out)
        win_all = sum(s["within_standard"] for s in sops_out)
        n_cases = self._cases.height
        n_complete = int(self._cases["complete"].sum()) if n_cases else 0
        return {
            "files": list(self.data.files),
            "file_errors": [{"file": e.file, "message": e.message} for e in self.data.file_errors],
            "period": {
                "from": self.period[0].isoformat() if self.period[0] else None,
                "to": self.period[1].isoformat() if self.period[1] else None,
            },
            "duration": "elapsed" if self.elapsed else "working",
            "rows": accounting.as_dict(),
            "kinds": kind_counts,
            "violations": sum(kind_counts[k] for k in VIOLATION_KINDS),
            "within_standard": {"finished": fin_all, "within": win_all, "percent": pct(win_all, fin_all)},
            "compliance": {"rows": checked, "compliant": checked - bad_rows.height, "percent": pct(checked - bad_rows.height, checked)},
            "cases": {
                "total": n_cases,
                "complete": n_complete,
                "incomplete": n_cases - n_complete,
                "with_rework": self._rework.height,
            },
            "sops": sops_out,
            "steps": steps_out,
            "actors": self._actors(per_actor, bad_rows),
            "worst_cases": self._worst_cases(rows, findings),
        }

    def _label(self, sop_i: int, actor: str | None) -> str:
        """An actor as the report names it: the SOP's nama when the log's name matches one."""
        if actor is None:
            return ""
        if 0 <= sop_i < len(self.flows):
            aid = self._actor_ids[sop_i].get(norm_name(actor))
            if aid is not None:
                return self.flows[sop_i].sop.actor(aid).nama
        return actor

    def _actors(self, per: pl.DataFrame, bad_rows: pl.DataFrame) -> list[dict[str, Any]]:
        extra = self._unknown_steps.group_by("sop_i", "actor").agg(pl.len().alias("rows"))
        bad = bad_rows.filter(pl.col("sop_i") >= 0).group_by("sop_i", "actor").agg(pl.len().alias("violations"))
        table: dict[str, dict[str, Any]] = {}

        def entry(sop_i: int, actor: Any) -> dict[str, Any]:
            label = self._label(sop_i, None if actor is None else str(actor))
            return table.setdefault(label, {"actor": label, "rows": 0, "finished": 0, "within_standard": 0, "violations": 0})

        for sop_i, actor, n, fin, win in per.iter_rows():
            e = entry(sop_i, actor)
            e["rows"] += n
            e["finished"] += fin
            e["within_standard"] += win
        for sop_i, actor, n in extra.iter_rows():
            entry(sop_i, actor)["rows"] += n
        for sop_i, actor, n in bad.iter_rows():
            entry(sop_i, actor)["violations"] += n
        out = sorted(table.values(), key=lambda e: (-e["rows"], e["actor"]))
        for e in out:
            e["percent_within"] = round(100.0 * e["within_standard"] / e["finished"], 1) if e["finished"] else None
            e["percent_compliant"] = round(100.0 * (e["rows"] - e["violations"]) / e["rows"], 1) if e["rows"] else None
        return out

    def _worst_cases(self, rows: pl.DataFrame, findings: pl.DataFrame, limit: int = 10) -> list[dict[str, Any]]:
        """Cases with the most violation findings, then the most minutes over standard."""
        violation_codes = [KIND_CODE[k] for k in VIOLATION_KINDS]
        per_case = (
            findings.lazy()
            .select("kind", "sop_i", "case", "minutes", "standard_minutes")
            .filter(pl.col("kind").is_in(violation_codes) & (pl.col("sop_i") >= 0))
            .group_by("sop_i", "case")
            .agg(
                pl.len().alias("violations"),
                pl.col("minutes").sub(pl.col("standard_minutes")).sum().alias("over"),
            )
            .collect()
        )
        rework = self._rework.select("sop_i", pl.col("case").cast(pl.String), pl.col("count").alias("rework"))
        per_case = per_case.join(rework, on=["sop_i", "case"], how="full", coalesce=True).with_columns(
            pl.col("violations").fill_null(0), pl.col("over").fill_null(0.0), pl.col("rework").fill_null(0)
        )
        # The few first of many cases (top_k, then sort those); the SOP breaks a full tie.
        keys, descending = ["violations", "over", "rework", "case", "sop_i"], [True, True, True, False, False]
        top = per_case.top_k(limit, by=keys, reverse=[not d for d in descending]).sort(keys, descending=descending)
        if top.height == 0:
            return []
        keys = top.select("sop_i", pl.col("case").cast(rows.schema["case"]))
        detail = (
            rows.lazy()
            .select("sop_i", "case", "start", "fi")
            .filter(pl.col("case").is_in(keys["case"].implode()))
            .join(keys.lazy(), on=["sop_i", "case"], how="semi")
            .group_by("sop_i", "case")
            .agg(pl.len().alias("rows"), pl.col("start").min().alias("first"), pl.col("fi").first())
            .with_columns(pl.col("case").cast(pl.String))
            .collect()
        )
        done = (
            self._cases.filter(pl.col("case").is_in(keys["case"].implode()))
            .join(keys, on=["sop_i", "case"], how="semi")
            .with_columns(pl.col("case").cast(pl.String))
        )
        info = {(r["sop_i"], r["case"]): r for r in detail.iter_rows(named=True)}
        complete = {(s, c): v for s, c, v in done.iter_rows()}
        out = []
        for r in top.iter_rows(named=True):
            d = info.get((r["sop_i"], r["case"]), {})
            out.append(
                {
                    "sop": self.sops[r["sop_i"]].nomor,
                    "case": r["case"],
                    "violations": r["violations"],
                    "rework": r["rework"],
                    "minutes_over": round(float(r["over"]), 2),
                    "rows": d.get("rows", 0),
                    "start": d["first"].isoformat(sep=" ", timespec="minutes") if d.get("first") else None,
                    "complete": bool(complete.get((r["sop_i"], r["case"]), False)),
                    "file": self.data.files[d["fi"]] if d.get("fi") is not None else None,
                }
            )
        return out
