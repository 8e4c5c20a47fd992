"""A log split into partitions of whole cases, checked one by one and merged.

Every row of a case must land in the same partition, so the partition of a row is a hash
of its case's identity: the SOP the row resolves to (its `sop` value as the engine matches
it, or the template sheet's SOP, or the only SOP checked when the value is empty), and the
case text. Equal rows have equal (sop, case), so duplicates meet in one partition too.

`partition_of` gives each row its partition (polars' hash with a fixed seed: stable within
a polars version, which is all a run needs: every chunk of one run is hashed by the same
code); `split` cuts a frame; `check_split` is the whole partitioned check in memory, the
reference the out-of-core and Spark paths follow:

    bad = files naming no SOP  (engine.files_without_sop of each part, all True)
    reject_files(data, bad, ...); plan.rejected = bad
    parts = [engine.check_partition(frame, plan) for frame in split(rows, plan, n)]
    result = engine.merge(parts, plan, data)
"""

from __future__ import annotations

import polars as pl

from sopgen.conformance.engine import CheckPlan, CheckResult, check_partition, merge
from sopgen.conformance.engine.intake import files_without_sop, reject_files
from sopgen.conformance.engine.normalise import norm_nomor
from sopgen.conformance.engine.read import LogInput

SEED = 0x5EED_50C  # polars hash seed: fixed, so every chunk of a run agrees


def sop_identity(plan: CheckPlan, value: str | None, sheet: str | None) -> str:
    """The SOP a row's case belongs to, as a key: what `intake` resolves its sop_i from
    (the normalised nomor; for an empty value the template sheet's SOP, or the only SOP
    checked; '' when none)."""
    from sopgen.conformance.logtemplate import sheet_name

    if value is not None:
        return norm_nomor(value)
    for sop in plan.all_sops:
        if sheet is not None and sheet_name(sop).casefold() == sheet.casefold():
            return norm_nomor(sop.nomor)
    sops = plan.tables.sops
    return norm_nomor(sops[0].nomor) if len(sops) == 1 else ""


def partition_of(frame: pl.DataFrame, plan: CheckPlan, n: int) -> pl.Series:
    """Each row's partition (0..n-1, UInt32): all rows of a (sop, case) share one."""
    if frame.height == 0:
        return pl.Series("part", [], dtype=pl.UInt32)
    pairs = frame.select(pl.col("sop").cast(pl.String), pl.col("sheet").cast(pl.String)).unique()
    keys = pairs.with_columns(pl.Series("key", [sop_identity(plan, v, s) for v, s in pairs.iter_rows()], dtype=pl.String))
    keys = keys.with_columns(pl.col("key").hash(SEED).alias("key_hash")).drop("key")
    keyed = frame.select(pl.col("sop").cast(pl.String), pl.col("sheet").cast(pl.String), pl.col("case").cast(pl.String)).join(
        keys, on=["sop", "sheet"], how="left", nulls_equal=True, maintain_order="left"
    )
    mixed = keyed.select(((pl.col("case").hash(SEED) ^ pl.col("key_hash")) % n).cast(pl.UInt32).alias("part"))
    return mixed.to_series()


def split(frame: pl.DataFrame, plan: CheckPlan, n: int) -> list[pl.DataFrame]:
    """frame cut into n frames of whole cases (some may be empty), rows in input order."""
    part = partition_of(frame, plan, n)
    groups = frame.with_columns(part).partition_by("part", maintain_order=True, include_key=False, as_dict=True)
    empty = frame.clear()
    return [groups.get((i,), empty) for i in range(n)]


def check_split(data: LogInput, plan: CheckPlan, n: int) -> CheckResult:
    """The check of data (as `read_input` gives it) in n partitions checked one by one:
    the same result as the one-frame check (`engine.check_logs`)."""
    frame, data.frame = data.frame, None
    bad = sorted(fi for fi, none in files_without_sop(frame, plan.tables, plan.all_sops).items() if none)
    if bad:
        reject_files(data, bad, len(plan.tables.sops))
        plan.rejected = bad
    parts = [check_partition(p, plan) for p in split(frame, plan, n)]
    return merge(parts, plan, data)
