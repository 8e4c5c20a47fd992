"""What the summary needs from the rows of some whole cases, as sums that add up.

The rows of a check are big; the summary needs only small sums of them: per step and per
actor, durations counted by value (so the median and p90 of several partitions are exact),
per SOP the cases, per month, the rows of names no actor has, and the worst cases with their
detail. A partition of whole cases makes its `Tally`; the tallies of all partitions added
(`Tally.add`) equal the tally of the whole log, and `summary.summarise` reads only that."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import polars as pl

from sopgen.conformance.engine.model import KIND_CODE, VIOLATION_KINDS
from sopgen.conformance.engine.normalise import norm_name
from sopgen.conformance.engine.path_rules import CasePaths
from sopgen.conformance.engine.tables import SopTables
from sopgen.conformance.engine.trend import month_counts

WORST = 10  # worst cases the summary lists

_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "steps": {"sop_i": pl.Int32, "step": pl.Int32, "rows": pl.UInt32, "within": pl.UInt32},
    "durations": {"sop_i": pl.Int32, "step": pl.Int32, "dur_us": pl.Int64, "n": pl.UInt32},
    "actors": {"sop_i": pl.Int32, "actor": pl.String, "rows": pl.UInt32, "finished": pl.UInt32, "within": pl.UInt32},
    "unknown_steps": {"sop_i": pl.Int32, "actor": pl.String, "rows": pl.UInt32},
    "cases": {"sop_i": pl.Int32, "cases": pl.UInt32, "complete": pl.UInt32, "with_rework": pl.UInt32},
    "votes": {"sop_i": pl.Int32, "step": pl.Int32, "actor": pl.String, "n": pl.UInt32},
    "months": {"m": pl.Int32, "rows": pl.UInt32, "fin": pl.UInt32, "win": pl.UInt32, "bad": pl.UInt32},
    "kinds": {"sop_i": pl.Int32, "step": pl.Int64, "kind": pl.UInt8, "n": pl.UInt32, "cases": pl.UInt32},
    "bad": {"sop_i": pl.Int32, "actor": pl.String, "rows": pl.UInt32},
    "names": {"actor": pl.String, "wrong_actor": pl.UInt32, "only": pl.UInt32},
    "worst": {
        "sop_i": pl.Int32,
        "case": pl.String,
        "violations": pl.UInt32,
        "over": pl.Float64,
        "rework": pl.Int64,
        "rows": pl.UInt32,
        "first": pl.Datetime("us"),
        "fi": pl.Int32,
        "complete": pl.Boolean,
    },
}
# The keys each table is summed over when tallies are added (worst: the best few kept).
_KEYS = {
    "steps": ["sop_i", "step"],
    "durations": ["sop_i", "step", "dur_us"],
    "actors": ["sop_i", "actor"],
    "unknown_steps": ["sop_i", "actor"],
    "cases": ["sop_i"],
    "votes": ["sop_i", "step", "actor"],
    "months": ["m"],
    "kinds": ["sop_i", "step", "kind"],
    "bad": ["sop_i", "actor"],
    "names": ["actor"],
}
WORST_ORDER = (["violations", "over", "rework", "case", "sop_i"], [True, True, True, False, False])


@dataclass
class Tally:
    """Sums over the rows of some whole cases (tables of `_SCHEMAS`, sorted by their keys)."""

    steps: pl.DataFrame  # per step: rows, rows within the standard
    durations: pl.DataFrame  # finished durations per step, counted by value
    actors: pl.DataFrame  # per (SOP, actor as written): rows, finished, within
    unknown_steps: pl.DataFrame  # rows of steps not in their SOP, per (SOP, actor)
    cases: pl.DataFrame  # per SOP: cases, complete, with rework
    votes: pl.DataFrame  # rows of names no actor of their SOP has, per (SOP, step, name)
    months: pl.DataFrame  # per month (yyyymm): rows, finished, within, violating
    worst: pl.DataFrame  # the WORST cases by WORST_ORDER, with rows, first start, file, complete
    # From the findings, so that the summary never needs them (they may be on disk):
    kinds: pl.DataFrame  # findings per (SOP, step, kind), and their cases (distinct per SOP: sop_i >= 0)
    bad: pl.DataFrame  # rows with a violation finding, per (SOP, actor as written)
    names: pl.DataFrame  # per actor as written: wrong_actor findings, rows whose only violations they are

    @classmethod
    def add(cls, tallies: Sequence[Tally]) -> Tally:
        """The tally of all these partitions together (exact: sums, counts by value, and the
        worst of each partition's worst, as every case lies in one partition)."""
        if len(tallies) == 1:
            return tallies[0]
        out = {}
        for f in fields(cls):
            frame = pl.concat([getattr(t, f.name) for t in tallies])
            out[f.name] = _top(frame) if f.name == "worst" else _summed(f.name, frame)
        return cls(**out)

    def with_findings(self, findings: pl.DataFrame) -> Tally:
        """This tally and findings made outside any partition (the rows the readers refused)."""
        if findings.height == 0:
            return self
        return self.with_sums(finding_sums(findings))

    def with_sums(self, sums: dict[str, pl.DataFrame]) -> Tally:
        """This tally and the `finding_sums` of findings made outside any partition."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, frame in sums.items():
            out[name] = _summed(name, pl.concat([out[name], frame]))
        return Tally(**out)


def added_sums(a: dict[str, pl.DataFrame] | None, b: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Two `finding_sums` as one (a None: b)."""
    if a is None:
        return b
    return {name: _summed(name, pl.concat([a[name], b[name]])) for name in b}


def _summed(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of a table of `_SCHEMAS` with equal keys added up, sorted by the keys."""
    keys = _KEYS[name]
    sums = [pl.col(c).sum().cast(t) for c, t in _SCHEMAS[name].items() if c not in keys]
    return frame.group_by(keys).agg(sums).sort(keys)


def _frame(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    schema = _SCHEMAS[name]
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def _top(frame: pl.DataFrame) -> pl.DataFrame:
    keys, descending = WORST_ORDER
    return frame.top_k(WORST, by=keys, reverse=[not d for d in descending]).sort(keys, descending=descending)


def tally(rows: pl.DataFrame, findings: pl.DataFrame, paths: CasePaths, unknown_steps: pl.DataFrame, tables: SopTables) -> Tally:
    """The tally of checked rows (known steps, sorted by case) and their findings."""
    violation_codes = [KIND_CODE[k] for k in VIOLATION_KINDS]
    bad_rows = findings.lazy().filter(pl.col("kind").is_in(violation_codes)).select("fi", "sheet", "row").unique()
    within = (pl.col("late") == False).sum().alias("within")  # noqa: E712
    steps, durations, actors, unknown, bad = pl.collect_all(
        [
            rows.lazy().group_by("sop_i", "step").agg(pl.len().alias("rows"), within).sort("sop_i", "step"),
            rows.lazy().filter(pl.col("dur_us").is_not_null()).group_by("sop_i", "step", "dur_us").agg(pl.len().alias("n")).sort("sop_i", "step", "dur_us"),
            rows.lazy()
            .group_by("sop_i", "actor")
            .agg(pl.len().alias("rows"), pl.col("dur_us").count().alias("finished"), within)
            .with_columns(pl.col("actor").cast(pl.String))
            .sort("sop_i", "actor"),
            unknown_steps.lazy().group_by("sop_i", pl.col("actor").cast(pl.String)).agg(pl.len().alias("rows")).sort("sop_i", "actor"),
            bad_rows,
        ]
    )
    cases = (
        paths.cases.group_by("sop_i")
        .agg(pl.len().alias("cases"), pl.col("complete").sum())
        .join(paths.rework.group_by("sop_i").agg(pl.len().alias("with_rework")), on="sop_i", how="left")
        .with_columns(pl.col("with_rework").fill_null(0))
        .sort("sop_i")
    )
    return Tally(
        steps=_frame("steps", steps),
        durations=_frame("durations", durations),
        actors=_frame("actors", actors),
        unknown_steps=_frame("unknown_steps", unknown),
        cases=_frame("cases", cases),
        votes=_frame("votes", _votes(rows, actors, tables)),
        months=_frame("months", month_counts(rows, bad)),
        worst=_frame("worst", _worst(paths, rows, findings)),
        **finding_sums(findings),
    )


def finding_sums(findings: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The tables of a `Tally` made from findings alone: `kinds`, `bad`, `names`. Findings
    of one row are all made by the partition that holds the row, so these add up."""
    violation = pl.col("kind").is_in([KIND_CODE[k] for k in VIOLATION_KINDS])
    wrong = pl.col("kind") == KIND_CODE["wrong_actor"]
    kinds = (
        findings.lazy()
        .group_by("sop_i", "step", "kind")
        .agg(pl.len().alias("n"), pl.when(pl.col("sop_i") >= 0).then(pl.col("case").n_unique()).otherwise(0).first().alias("cases"))
        .sort("sop_i", "step", "kind")
    )
    per_row = findings.lazy().filter(violation).group_by("fi", "sheet", "row").agg(pl.col("sop_i").first(), pl.col("actor").first(), wrong.all().alias("only"))
    bad = per_row.group_by("sop_i", "actor").agg(pl.len().alias("rows")).sort("sop_i", "actor")
    only = per_row.filter(pl.col("only")).group_by("actor").agg(pl.len().alias("only"))
    named = findings.lazy().filter(wrong & pl.col("actor").is_not_null()).group_by("actor").agg(pl.len().alias("wrong_actor"))
    names = named.join(only, on="actor", how="full", coalesce=True, nulls_equal=True).with_columns(pl.col("wrong_actor", "only").fill_null(0)).sort("actor")
    kinds, bad, names = pl.collect_all([kinds, bad, names])
    return {"kinds": _frame("kinds", kinds), "bad": _frame("bad", bad), "names": _frame("names", names)}


def _votes(rows: pl.DataFrame, actors: pl.DataFrame, tables: SopTables) -> pl.DataFrame:
    """Rows per (SOP, step, name) of the names no actor of their SOP has: the summary
    suggests the pelaksana most of a name's rows' steps expect."""
    pairs = [(s, a) for s, a in actors.select("sop_i", "actor").iter_rows() if a is not None and s >= 0 and norm_name(a) not in tables.actor_ids[s]]
    if not pairs:
        return pl.DataFrame(schema=_SCHEMAS["votes"])
    keys = pl.DataFrame({"sop_i": [p[0] for p in pairs], "actor": [p[1] for p in pairs]}, schema={"sop_i": pl.Int32, "actor": pl.String})
    return (
        rows.lazy()
        .filter(pl.col("actor").cast(pl.String).is_in(keys["actor"].implode()))
        .with_columns(pl.col("actor").cast(pl.String))
        .join(keys.lazy(), on=["sop_i", "actor"], how="semi")
        .group_by("sop_i", "step", "actor")
        .agg(pl.len().alias("n"))
        .sort("sop_i", "step", "actor")
        .collect()
    )


def _worst(paths: CasePaths, rows: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """Cases with the most violation findings, then the most minutes over standard, then
    the most rework: the first WORST of them, with their rows, first start, file and end."""
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
    rework = paths.rework.select("sop_i", pl.col("case").cast(pl.String), pl.col("count").alias("rework"))
    per_case = per_case.join(rework, on=["sop_i", "case"], how="full", coalesce=True).with_columns(
        pl.col("violations").fill_null(0), pl.col("over").fill_null(0.0), pl.col("rework").fill_null(0)
    )
    top = _top(per_case)
    if top.height == 0:
        return pl.DataFrame(schema=_SCHEMAS["worst"])
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
        paths.cases.filter(pl.col("case").is_in(keys["case"].implode()))
        .join(keys, on=["sop_i", "case"], how="semi")
        .with_columns(pl.col("case").cast(pl.String))
    )
    return (
        top.with_columns(pl.col("sop_i").cast(pl.Int32))
        .join(detail.with_columns(pl.col("sop_i").cast(pl.Int32)), on=["sop_i", "case"], how="left", maintain_order="left")
        .join(done.with_columns(pl.col("sop_i").cast(pl.Int32)), on=["sop_i", "case"], how="left", maintain_order="left")
        .with_columns(pl.col("rows").fill_null(0), pl.col("complete").fill_null(False))
    )
