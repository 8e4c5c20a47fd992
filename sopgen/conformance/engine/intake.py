"""Intake: which rows are checked at all, and where every other row went.

Before any rule runs, each row gets its SOP (`sop_i`), and rows that cannot or must not be
checked leave the frame: files that name no SOP, invalid rows, other SOPs and cases outside
the period, duplicates, unknown SOPs and steps. Each is counted, so the accounting adds up
to the rows of the logs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from sopgen.conformance.engine.findings import Findings
from sopgen.conformance.engine.model import FileError
from sopgen.conformance.engine.normalise import norm_nomor
from sopgen.conformance.engine.read import LogInput
from sopgen.conformance.engine.tables import SopTables
from sopgen.source.model import Sop


@dataclass
class SopCodes:
    """What resolving the `sop` column found besides sop_i."""

    unknown: dict[int, str | None] = field(default_factory=dict)  # code below -1 -> the value the log wrote
    outside: bool = False  # rows of a project SOP that is not chosen (sop_i -1)


@dataclass
class Intake:
    """Where the rows of some whole cases went (they add up to `rows`), and the rows of
    unknown steps (the summary counts them)."""

    rows: int  # rows given, of files that name their SOP
    outside: int  # another SOP than those chosen, or a case outside the period
    duplicate: int
    checked: int
    unknown_steps: pl.DataFrame


def admit(
    frame: pl.DataFrame, files: list[str], tables: SopTables, all_sops: list[Sop], period: tuple[date | None, date | None], findings: Findings
) -> tuple[pl.DataFrame, Intake]:
    """The rows of whole cases (files: the names of all the log files) to check, sorted by case (`_sort_by_case`): each row's SOP,
    then rows of other SOPs and periods, duplicates, unknown SOPs and steps set apart (what
    is not per case, invalid rows and files that name no SOP, is the caller's:
    `reject_files`, `invalid_rows`)."""
    frame, codes = _resolve_sop(frame, tables, all_sops)
    rows = frame.height
    if codes.outside:
        frame = frame.filter(pl.col("sop_i") != -1)
    frame = _period(frame, period)
    outside = rows - frame.height
    frame = _sort_by_case(frame)
    frame, duplicate = _duplicates(frame, files, tables, codes, findings)
    checked = frame.height
    if codes.unknown:
        _unknown_sop(frame.filter(pl.col("sop_i") < -1), tables, codes, findings)
        frame = frame.filter(pl.col("sop_i") >= 0)
    frame, unknown_steps = _known_steps(frame, tables, findings)
    return frame, Intake(rows, outside, duplicate, checked, unknown_steps)


def files_without_sop(frame: pl.DataFrame, tables: SopTables, all_sops: list[Sop]) -> dict[int, bool]:
    """Per file of frame: True when none of its rows here names an SOP (no `sop` value, no
    template sheet). With one SOP chosen every row has it: empty. For parts of a log, a file
    names no SOP when every part says True (`reject_files`)."""
    if len(tables.sops) < 2 or frame.height == 0:
        return {}
    if frame.get_column("sop").null_count() == 0:  # every row names its SOP: no grouping needed
        return dict.fromkeys(frame.get_column("fi").unique().sort().to_list(), False)
    from sopgen.conformance.logtemplate import sheet_name

    per_file = dict(frame.group_by("fi").agg(pl.col("sop").is_null().all().alias("none")).iter_rows())
    candidates = [fi for fi, none in per_file.items() if none]
    if candidates:
        sheets = {sheet_name(s).casefold() for s in all_sops}
        pairs = frame.filter(pl.col("fi").is_in(candidates)).select("fi", "sheet").unique()
        for fi, sheet in pairs.iter_rows():
            if sheet is not None and sheet.casefold() in sheets:
                per_file[fi] = False
    return per_file


def reject_files(data: LogInput, bad: list[int], chosen: int) -> None:
    """With several SOPs chosen (`chosen`), a file that names no SOP anywhere (no `sop`
    column, no template sheet) cannot be checked: it is a file error, not a finding per row.
    Its rows must not be checked (the caller leaves them out); here its blank and merged
    rows and invalid rows leave the accounting."""
    for fi in sorted(bad):
        file = data.files[fi]
        data.file_errors.append(
            FileError(
                file,
                f"berkas log '{file}' tidak menyebut SOP (kolom 'sop' tidak ada atau kosong), padahal {chosen} "
                "SOP diperiksa; tambahkan kolom 'sop' berisi nomor SOP, atau pilih satu SOP dengan --sop NOMOR",
            )
        )
        data.blank[fi] = 0
        data.merged[fi] = 0
        if fi < len(data.problem_counts):
            data.problem_counts[fi] = 0
    names = {data.files[fi] for fi in bad}
    data.problems = [p for p in data.problems if p.file not in names]
    for fi in bad:  # refused rows kept on disk (out of core)
        data.refused.pop(fi, None)
        data.refused_sums.pop(fi, None)


def invalid_rows(data: LogInput, findings: Findings) -> None:
    """`invalid_row` findings for the rows the readers refused (not in any case)."""
    if not data.problems:
        return
    counts = data.problem_counts
    if len(counts) == len(data.files) and sum(counts) == len(data.problems):  # each file's own, a file named twice too
        fis = [fi for fi, n in enumerate(counts) for _ in range(n)]
    else:
        index = {f: i for i, f in enumerate(data.files)}
        fis = [index[p.file] for p in data.problems]
    refused_rows(data.problems, fis, findings)


def refused_rows(problems: list[Any], fis: list[int], findings: Findings) -> None:
    """`invalid_row` findings for problems (readers.RowProblem) of the files fis."""
    frame = pl.DataFrame(
        {
            "fi": fis,
            "sheet": [p.sheet for p in problems],
            "row": [p.row for p in problems],
            "message": [p.message for p in problems],
        },
        schema={"fi": pl.Int32, "sheet": pl.String, "row": pl.Int64, "message": pl.String},
    )
    findings.add(frame, "invalid_row", pl.col("message"))


def _resolve_sop(frame: pl.DataFrame, tables: SopTables, all_sops: list[Sop]) -> tuple[pl.DataFrame, SopCodes]:
    """sop_i: index of a chosen SOP; -1 another project SOP (not chosen); -2 none given
    and none to infer; below -2 an unknown nomor (kept in `SopCodes.unknown`).

    An empty `sop` means the only chosen SOP, or the SOP whose template sheet the row is
    on (`logtemplate.sheet_name`). The raw `sop` column is dropped."""
    from sopgen.conformance.logtemplate import sheet_name

    sops = tables.sops
    chosen = {norm_nomor(s.nomor): i for i, s in enumerate(sops)}
    others = {norm_nomor(s.nomor) for s in all_sops}
    sheets = {sheet_name(s).casefold(): norm_nomor(s.nomor) for s in all_sops}
    with_sheets = frame["sheet"].null_count() < frame.height
    if with_sheets:
        pairs = frame.select("sop", "sheet").unique()
    else:
        pairs = frame.select("sop").unique().with_columns(pl.lit(None, dtype=pl.String).alias("sheet"))
    codes = []
    found = SopCodes()
    by_value: dict[str, int] = {}
    for value, sheet in pairs.iter_rows():
        key = norm_nomor(value) if value is not None else sheets.get((sheet or "").casefold())
        if key is None:
            code = 0 if len(sops) == 1 else -2
        elif key in chosen:
            code = chosen[key]
        elif key in others:
            code = -1
        else:
            if key not in by_value:
                by_value[key] = -3 - len(by_value)
            code = by_value[key]
        if code < -1:
            found.unknown[code] = value
        found.outside |= code == -1
        codes.append(code)
    if len(codes) == 1:
        return frame.drop("sop").with_columns(pl.lit(codes[0], dtype=pl.Int32).alias("sop_i")), found
    if with_sheets:  # xlsx: small files, a join on both keys
        lookup = pairs.with_columns(pl.Series("sop_i", codes, dtype=pl.Int32))
        return frame.join(lookup, on=["sop", "sheet"], how="left", nulls_equal=True, maintain_order="left").drop("sop"), found
    physical = pairs.select(pl.col("sop").to_physical()).to_series()
    null_code = next((c for c, v in zip(codes, pairs["sop"].to_list()) if v is None), -2)
    keep = [i for i, v in enumerate(pairs["sop"].to_list()) if v is not None]
    mapped = (
        pl.col("sop")
        .to_physical()
        .replace_strict(physical.gather(keep), pl.Series([codes[i] for i in keep], dtype=pl.Int32), default=None, return_dtype=pl.Int32)
    )
    sop_i = pl.when(pl.col("sop").is_null()).then(pl.lit(null_code, dtype=pl.Int32)).otherwise(mapped)
    return frame.with_columns(sop_i.alias("sop_i")).drop("sop"), found


def _raw_sop(tables: SopTables, codes: SopCodes) -> pl.Expr:
    """The SOP as the log wrote it: the nomor when known, else the unknown value."""
    unknown_codes = sorted(codes.unknown)
    if not unknown_codes:
        return tables.nomor()
    lookup = pl.Series([codes.unknown[c] for c in unknown_codes], dtype=pl.String)
    unknown = pl.col("sop_i").replace_strict(pl.Series(unknown_codes, dtype=pl.Int32), lookup, default=None, return_dtype=pl.String)
    return pl.when(pl.col("sop_i") >= 0).then(tables.nomor()).otherwise(unknown)


def _period(frame: pl.DataFrame, period: tuple[date | None, date | None]) -> pl.DataFrame:
    lo, hi = period
    if lo is None and hi is None:
        return frame
    first = pl.col("start").min().over("sop_i", "case").dt.date()
    keep = pl.lit(True)
    if lo is not None:
        keep = keep & (first >= lo)
    if hi is not None:
        keep = keep & (first <= hi)
    return frame.filter(keep)


def _sort_by_case(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows by SOP, case, start, step; ties keep input order (file, row).

    Three keys, not five: (SOP, case) and (step, input position) are each packed into one
    UInt64 (sop_i is above -2**31, the case code and the position below 2**32, the step a
    positive Int32). It sorts in two thirds of the time."""
    if frame.height == 0:
        return frame
    shift = pl.lit(1 << 32, dtype=pl.UInt64)
    case_key = (pl.col("sop_i").cast(pl.Int64) + (1 << 31)).cast(pl.UInt64) * shift + pl.col("case").to_physical().cast(pl.UInt64)
    if frame.select(pl.col("start").null_count() + pl.col("step").null_count()).item() == 0:
        # A log is kept in time order: sorted by case alone (stable, so ties keep input
        # order), each case's rows are then already by start and step, which one pass over
        # the rows confirms. One key and the pass cost two thirds of the three-key sort.
        by_case = frame.sort(case_key, maintain_order=True)
        if _in_case_order(by_case):
            return by_case
        del by_case
    step_key = pl.col("step").cast(pl.UInt64) * shift + pl.int_range(pl.len(), dtype=pl.UInt64)
    return frame.sort([case_key, "start", step_key])


def _in_case_order(frame: pl.DataFrame) -> bool:
    """Whether every row of a case (rows grouped by case, no null start or step) comes at
    or after the row before it in (start, step)."""
    prev = lambda c: pl.col(c).shift(1)  # noqa: E731
    same_case = (pl.col("sop_i") == prev("sop_i")) & (pl.col("case").to_physical() == pl.col("case").to_physical().shift(1))
    back = (pl.col("start") < prev("start")) | ((pl.col("start") == prev("start")) & (pl.col("step") < prev("step")))
    return not frame.select((same_case & back).fill_null(False).any()).item()


def _duplicates(frame: pl.DataFrame, files: list[str], tables: SopTables, codes: SopCodes, findings: Findings) -> tuple[pl.DataFrame, int]:
    """Drop rows equal to an earlier one; returns the rows left and how many were dropped.

    frame is sorted by (sop, case, start, step) with ties in input order, so equal rows sit
    in one run of equal sort keys: only rows of such runs (few) are compared in full."""
    key = ["sop_i", "case", "start", "step"]
    same_prev = pl.all_horizontal([pl.col(k) == pl.col(k).shift(1) for k in key]).fill_null(False)
    tie = frame.select((same_prev | same_prev.shift(-1).fill_null(False)).alias("tie")).to_series()
    if not tie.any():
        return frame, 0
    full = ["sop_i", "case", "step", "actor", "start", "end", "output"]
    ties = frame.with_row_index("rid").filter(tie)
    ties = ties.with_columns(pl.struct(full).is_first_distinct().alias("first"))
    dups = ties.filter(~pl.col("first"))
    if dups.height == 0:
        return frame, 0
    originals = (
        ties.filter(pl.col("first"))
        .join(dups.select(full).unique(), on=full, how="semi", nulls_equal=True)
        .select(*full, pl.col("fi").alias("first_fi"), pl.col("row").alias("first_row"), pl.col("sheet").alias("first_sheet"))
    )
    dups = dups.join(originals, on=full, how="left", nulls_equal=True, maintain_order="left")
    names = pl.Series("files", files, dtype=pl.String)
    where = (
        pl.when(pl.col("first_fi") != pl.col("fi"))
        .then(pl.format(" di berkas '{}'", pl.lit(names).gather(pl.col("first_fi").cast(pl.Int64))))
        .when(pl.col("first_sheet").is_not_null() & (pl.col("first_sheet") != pl.col("sheet")))
        .then(pl.format(" di lembar '{}'", pl.col("first_sheet")))
        .otherwise(pl.lit(""))
    )
    findings.add(
        dups,
        "duplicate_row",
        pl.format(
            "baris ini sama persis dengan baris {}{} (kasus, langkah, pelaksana, waktu dan output sama); hapus salah satu",
            pl.col("first_row"),
            where,
        ),
        sop=_raw_sop(tables, codes),
        sop_i=pl.when(pl.col("sop_i") >= 0).then(pl.col("sop_i")).otherwise(-1),
    )
    drop = dups["rid"]
    return frame.with_row_index("rid").filter(~pl.col("rid").is_in(drop.implode())).drop("rid"), dups.height


def _unknown_sop(frame: pl.DataFrame, tables: SopTables, codes: SopCodes, findings: Findings) -> None:
    if frame.height == 0:
        return
    from sopgen.source.diagnostics import did_you_mean

    known = [s.nomor for s in tables.sops]
    values, messages = [], []
    for code, value in codes.unknown.items():
        values.append(code)
        if value is None:
            messages.append(f"kolom 'sop' kosong, padahal {len(tables.sops)} SOP diperiksa; isi nomor SOP (mis. '{known[0]}')")
        else:
            messages.append(f"SOP '{value}' tidak ada di proyek{did_you_mean(value, known)}; periksa nomor SOP di kolom 'sop'")
    message = pl.col("sop_i").replace_strict(pl.Series(values, dtype=pl.Int32), pl.Series(messages, dtype=pl.String), return_dtype=pl.String)
    findings.add(frame, "unknown_sop", message, sop=_raw_sop(tables, codes), sop_i=pl.lit(-1))


def _known_steps(frame: pl.DataFrame, tables: SopTables, findings: Findings) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows whose step is in their SOP go on; the others become `unknown_step` findings
    (and are returned apart: the summary counts them)."""
    n = tables.per_sop([f.n for f in tables.flows], pl.Int64)
    unknown = frame.filter(pl.col("step") > n)
    findings.add(
        unknown,
        "unknown_step",
        pl.format("langkah {} tidak ada di SOP {} (langkahnya 1 sampai {})", pl.col("step"), tables.nomor(), n),
    )
    return (frame.filter(pl.col("step") <= n) if unknown.height else frame), unknown
