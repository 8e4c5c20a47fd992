"""The conformance engine: do the activity logs follow their SOPs?

`check_logs(project, sops, paths)` reads logs (xlsx, csv, jsonl;
`sopgen.conformance.readers`), and checks every row against its SOP: the time standard (in
working minutes of the project's calendar, or elapsed minutes), the standard output, the
actors, and each case's path through the flow. It returns a `CheckResult`: the findings (a
polars frame, sorted by file, sheet, row, then `ROW_ORDER` of the kinds, then step), the
summary the reports print, and the accounting of every input row.

One engine for every input size. All rows live in one polars frame; per-row rules are
expressions, lookups into the SOP are joins with small tables or gathers from dense arrays,
and the path check sorts each case's rows and compares every row with the one before it
(`shift` within the sorted case), so only rows that produce a finding become strings.

The stages, one module each, share two things passed explicitly: `tables.SopTables` (the
chosen SOPs, their flows and the dense per-step tables) and `findings.Findings` (where the
rules put their findings):

- `read`: the log files into one frame, a file that cannot be read set apart;
- `intake`: each row's SOP, then what is not checked (invalid, other SOP or period,
  duplicate, unknown SOP or step), counted in the `RowAccounting`;
- `rows`: the per-row columns of the rows sorted by case (duration, previous step, class
  of the transition in the `flow`);
- `row_rules`: time, output, actor; `path_rules`: skipped steps, order, rework, the end;
- `summary`: the figures the reports print; `model`: the result and the kinds of finding.

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
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from sopgen.conformance.engine.flow import Flow
from sopgen.conformance.engine.intake import files_without_sop, reject_files
from sopgen.conformance.engine.model import (
    DATA_KINDS,
    FINDINGS_SCHEMA,
    INFO_KINDS,
    KIND_LABELS,
    KINDS,
    ROW_ORDER,
    TIME_KINDS,
    VIOLATION_KINDS,
    CheckError,
    CheckResult,
    FileError,
    Finding,
    RowAccounting,
)
from sopgen.conformance.engine.normalise import norm_name, norm_nomor, output_matches, output_words
from sopgen.conformance.engine.partial import CheckPlan, PartialResult, check_partition, merge
from sopgen.conformance.engine.read import LogInput, read_input
from sopgen.source.model import Sop

__all__ = [
    "DATA_KINDS",
    "FINDINGS_SCHEMA",
    "INFO_KINDS",
    "KIND_LABELS",
    "KINDS",
    "PartialResult",
    "ROW_ORDER",
    "TIME_KINDS",
    "VIOLATION_KINDS",
    "CheckError",
    "CheckPlan",
    "CheckResult",
    "FileError",
    "Finding",
    "Flow",
    "RowAccounting",
    "check_logs",
    "check_partition",
    "merge",
    "norm_name",
    "norm_nomor",
    "output_matches",
    "output_words",
    "select_sops",
]


def check_logs(
    project: Any,
    sops: Sequence[Sop],
    log_paths: Sequence[str | Path],
    *,
    period: tuple[date | None, date | None] | None = None,
    sop_filter: Sequence[str] | None = None,
    elapsed: bool = False,
    calendar: Any = None,
    people: Any = None,
    partitions: int = 1,
    memory: int | None = None,
) -> CheckResult:
    """Check logs against validated SOPs. Reads the logs; writes nothing but the holiday
    cache of the project (`workcal.HolidayTable`).

    period: (from, to) dates, inclusive, on each case's first start; either may be None.
    sop_filter: nomor values to check (others' rows are counted as outside the selection).
    elapsed: wall-clock minutes instead of working minutes.
    people: `people.People`; by default pegawai.csv of the project (none when absent).
    partitions: check the cases in this many partitions, one after the other
    (`sopgen.conformance.partition`); the result is the same.
    memory: a budget in bytes; logs that would need more are checked through partitions on
    disk (`sopgen.conformance.outofcore`), with the same result.
    Raises CheckError for a filter naming no SOP, a period that ends before it starts, or a
    pegawai.csv that cannot be read.
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
    if people is None:
        from sopgen.conformance.people import PeopleError, load_people

        try:
            people = load_people(project.root)
        except PeopleError as err:
            raise CheckError(str(err)) from None
    timezone = project.config.calendar.zona_waktu
    limits = getattr(project.config, "limits", None)
    if memory is not None:
        from sopgen.conformance.budget import needed

        if needed(log_paths) > memory:
            from sopgen.conformance import outofcore

            if building is not None:
                calendar = building.result()
            plan = CheckPlan.of(chosen, list(sops), [], people=people, period=period, elapsed=elapsed, calendar=calendar, timezone=timezone)
            return outofcore.check_out_of_core(plan, log_paths, memory, timezone, limits)
    data = read_input(log_paths, timezone, limits, people)
    if building is not None:
        calendar = building.result()
    plan = CheckPlan.of(chosen, list(sops), data.files, people=people, period=period, elapsed=elapsed, calendar=calendar, timezone=timezone)
    if partitions > 1:
        from sopgen.conformance.partition import check_split

        return check_split(data, plan, partitions)
    return _run(plan, data)


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


def _run(plan: CheckPlan, data: LogInput) -> CheckResult:
    """The whole log as one partition (`partial`): what is not per case (files that name
    no SOP, refused rows) here and in `merge`, the rest in `check_partition`."""
    frame, data.frame = data.frame, None  # the engine owns the rows now: no second copy alive
    bad = [fi for fi, none in files_without_sop(frame, plan.tables, plan.all_sops).items() if none]
    if bad:
        reject_files(data, bad, len(plan.tables.sops))
        frame = frame.filter(~pl.col("fi").is_in(bad))
    part = check_partition(frame, plan)
    del frame
    return merge([part], plan, data)


def untimed_notes(sops: Sequence[Sop]) -> list[str]:
    """One note per SOP whose steps have no time standard (format 1.1): those steps are never
    late, and the report says so once instead of once per row."""
    notes = []
    for sop in sops:
        steps = [str(s.no) for s in sop.langkah if s.mutu_baku.menit is None]
        if steps:
            which = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " dan " + steps[-1]
            notes.append(f"SOP {sop.nomor}: langkah {which} tanpa standar waktu (Mutu Baku kosong); lamanya tidak diperiksa")
    return notes
