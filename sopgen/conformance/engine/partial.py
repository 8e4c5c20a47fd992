"""The check of some whole cases, and the merge of such checks into one result.

Every rule looks at one row or at the rows of one case, so a log split into partitions of
whole cases (all rows of a (sop, case) in one partition: `sopgen.conformance.partition`)
can be checked partition by partition, on one machine or on Spark executors, and merged:

    plan = CheckPlan.of(chosen, all_sops, files, ...)       # small, picklable: ship it
    parts = [check_partition(frame, plan) for frame in partitions]
    result = merge(parts, plan, data)                      # == the one-frame check

What is not per case stays with the caller: the rows the readers refused (`data.problems`,
`invalid_row` findings made in `merge`), files that name no SOP (`files_without_sop` of
each partition or chunk, `reject_files` before `merge`; their numbers go in
`plan.rejected`), the files, notes and blank rows (`LogInput`). The one-frame check
(`check_logs`) is this with a single partition, so both give the same report to the byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from sopgen.conformance.engine.findings import Findings, merge_sorted, sorted_findings
from sopgen.conformance.engine.intake import admit, invalid_rows
from sopgen.conformance.engine.model import FINDINGS_SCHEMA, CheckResult, FindingsStore, RowAccounting
from sopgen.conformance.engine.path_rules import check_paths
from sopgen.conformance.engine.read import ROW_SCHEMA, LogInput
from sopgen.conformance.engine.row_rules import check_rows
from sopgen.conformance.engine.rows import case_rows
from sopgen.conformance.engine.summary import summarise
from sopgen.conformance.engine.tables import SopTables
from sopgen.conformance.engine.tally import Tally, tally
from sopgen.source.model import Sop

@dataclass
class CheckPlan:
    """What every partition's check shares: the chosen SOPs as tables, all the project's
    SOPs (to tell another SOP from an unknown one), the names of the log files (`fi` indexes
    them), the period, the duration mode and the calendar, and the files set apart as
    naming no SOP."""

    tables: SopTables
    all_sops: list[Sop]
    files: list[str]
    period: tuple[date | None, date | None] = (None, None)
    elapsed: bool = False
    calendar: Any = None  # workcal.WorkCalendar unless elapsed
    timezone: str | None = None
    rejected: list[int] = field(default_factory=list)  # fi of files that name no SOP
    notes: list[str] = field(default_factory=list)  # pegawai.csv's, said once in the result

    @classmethod
    def of(cls, chosen: list[Sop], all_sops: list[Sop], files: list[str], *, people: Any = None, **settings: Any) -> CheckPlan:
        tables = SopTables.of(chosen, people)
        notes: list[str] = []
        if people:
            tables.actor_ids  # noqa: B018  resolves pegawai.csv now: its notes go with the others
            notes = [*people.notes, *tables.notes]
        return cls(tables, all_sops, list(files), notes=notes, **settings)


@dataclass
class PartialResult:
    """The check of some whole cases: their findings (FINDINGS_SCHEMA, sorted as the
    report lists them), where their rows went (`rows` given = outside + duplicate +
    checked), and the `Tally` of their rows the summary is made from. Partial results add
    up exactly: `merge` concatenates the findings in order, adds the counts and tallies."""

    findings: pl.DataFrame
    rows: int
    outside: int
    duplicate: int
    checked: int
    tally: Tally


def check_partition(frame: pl.DataFrame, plan: CheckPlan) -> PartialResult:
    """Check the rows of whole cases (columns of ROW_SCHEMA; text columns may be String).
    Every row of a (sop, case) must be in this frame, else the case is judged on part of
    its rows; duplicate rows are equal in (sop, case), so they are found within it."""
    frame = conform(frame)
    if plan.rejected:
        frame = frame.filter(~pl.col("fi").is_in(plan.rejected))
    tables = plan.tables
    findings = Findings(tables)
    known, intake = admit(frame, plan.files, tables, plan.all_sops, plan.period, findings)
    del frame
    rows = case_rows(known, tables, plan.elapsed, plan.calendar, plan.timezone)
    del known
    check_rows(rows, tables, findings, plan.elapsed)
    paths = check_paths(rows, tables, findings)
    # The tally needs these only: dropping the rest frees most of the memory of the rows.
    # (Indexing keeps the columns as they are; `select` would copy them into one chunk.)
    rows = rows[["fi", "sheet", "row", "sop_i", "case", "step", "actor", "start", "dur_us", "late"]]
    found = findings.collect()
    counted = tally(rows, found, paths, intake.unknown_steps, tables)
    return PartialResult(found, intake.rows, intake.outside, intake.duplicate, intake.checked, counted)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """frame with ROW_SCHEMA's columns and types (a partition read back from Parquet or
    Arrow may hold text as String, or other integer widths)."""
    if all(frame.schema.get(c) == t for c, t in ROW_SCHEMA.items()) and frame.width == len(ROW_SCHEMA):
        return frame
    return frame.select([pl.col(c).cast(t) for c, t in ROW_SCHEMA.items()])


def merge(parts: Sequence[PartialResult], plan: CheckPlan, data: LogInput) -> CheckResult:
    """The result of the whole check from the partial results of all its partitions.

    data: what reading the logs gave besides the rows (files, file errors, refused rows,
    blank and merged rows, notes); files that name no SOP already set apart by
    `reject_files`. The findings are in the documented order: by file, sheet, row, then
    the kinds' ROW_ORDER, then step (docs/decisions.md). The parts' findings are taken (each
    part is left with none), so a big log's findings are held once."""
    from sopgen.conformance.engine import untimed_notes
    from sopgen.conformance.readers.dateorder import date_notes

    tables = plan.tables
    refused = Findings(tables)
    invalid_rows(data, refused)
    made = refused.parts[0] if refused.parts else pl.DataFrame(schema=FINDINGS_SCHEMA)
    frames = [f for f in (*refused.parts, *(p.findings for p in parts)) if f.height]
    for p in parts:
        p.findings = p.findings.clear()  # taken: held once, in the result
    if not frames:
        found = pl.DataFrame(schema=FINDINGS_SCHEMA)
    elif len(frames) == 1:
        # The refused rows' findings come in the readers' order (an xlsx's sheets as they
        # lie), a partition's sorted; out of core they are sorted on disk.
        found = sorted_findings(frames[0]) if frames[0] is made else frames[0]
    else:
        found = merge_sorted(frames)
    blank, merged = sum(data.blank), sum(data.merged)
    accounting = RowAccounting(
        data_rows=sum(p.rows for p in parts) + data.invalid + merged + blank,
        blank=blank,
        invalid=data.invalid,
        duplicate=sum(p.duplicate for p in parts),
        outside_selection=sum(p.outside for p in parts),
        checked=sum(p.checked for p in parts),
        merged=merged,
    )
    counted = (Tally.add([p.tally for p in parts]) if parts else tally_of_nothing(tables)).with_findings(made)
    for sums in data.refused_sums.values():
        counted = counted.with_sums(sums)
    summary = summarise(counted, accounting, tables=tables, data=data, period=plan.period, elapsed=plan.elapsed)
    return CheckResult(
        sops=tables.sops,
        files=data.files,
        file_errors=data.file_errors,
        period=plan.period,
        elapsed=plan.elapsed,
        accounting=accounting,
        store=FindingsStore(found),
        summary=summary,
        notes=date_notes(summary["date_readings"]) + data.notes + plan.notes + untimed_notes(tables.sops),
        ignored_columns=data.ignored,
        tally=counted,
    )


def tally_of_nothing(tables: SopTables) -> Tally:
    """The tally of no rows at all (a log split into no partitions)."""
    return check_partition(pl.DataFrame(schema=ROW_SCHEMA), CheckPlan(tables, [], [], elapsed=True)).tally
