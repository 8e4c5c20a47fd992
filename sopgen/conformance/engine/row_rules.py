"""The rules of a single row: time (`time_exceeded`), output (`output_missing`,
`output_mismatch`) and actor (`wrong_actor`).

Actor and output are decided once per distinct (step, actor) and (step, output) in Python,
where the name and word matching is, then found in the rows by a 64-bit key: step index
<< 32 | category code. A log repeats the same few names and outputs millions of times."""

from __future__ import annotations

import polars as pl

from sopgen.conformance.engine.findings import Findings, fmt_minutes, text
from sopgen.conformance.engine.normalise import norm_name, output_words
from sopgen.conformance.engine.tables import MINUTE_US, SopTables


def check_rows(rows: pl.DataFrame, tables: SopTables, findings: Findings, elapsed: bool) -> None:
    """Time, output and actor findings."""
    sidx = (tables.per_sop(tables.step_offset, pl.Int64) + pl.col("step").cast(pl.Int64)).cast(pl.UInt64)
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
    _time_exceeded(late, tables, findings, elapsed)
    bad_actor = _bad_actors(actor_combos, tables)
    missing, mismatch = _bad_outputs(output_combos, tables)
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
    _output_and_actor(flagged, tables, findings)


def _time_exceeded(late: pl.DataFrame, tables: SopTables, findings: Findings, elapsed: bool) -> None:
    std_min = tables.per_step(tables.step_values(lambda f, s: s.mutu_baku.menit), pl.Float64)
    unit = "menit" if elapsed else "menit kerja"
    minutes = pl.col("dur_us") / MINUTE_US
    findings.add(
        late,
        "time_exceeded",
        pl.format(
            "langkah {} berlangsung {} {}, melebihi standar {} menit (lebih {} menit)",
            pl.col("step"),
            fmt_minutes(minutes),
            pl.lit(unit),
            fmt_minutes(std_min),
            fmt_minutes(minutes - std_min),
        ),
        minutes=minutes.round(2),
        standard_minutes=std_min,
    )


def _bad_actors(combos: pl.DataFrame, tables: SopTables) -> list[int]:
    """The keys of the (step, actor) pairs whose actor is no pelaksana of the step."""
    bad = []
    for sop_i, step, actor, key in combos.iter_rows():
        aid = tables.actor_ids[sop_i].get(norm_name(actor)) if actor is not None else None
        if aid not in tables.flows[sop_i].sop.langkah[step - 1].pelaksana:
            bad.append(key)
    return bad


def _bad_outputs(combos: pl.DataFrame, tables: SopTables) -> tuple[list[int], list[int]]:
    """The keys of the (step, output) pairs with an empty output, and with a wrong one."""
    std_words = [[set(output_words(s.mutu_baku.output)) for s in f.sop.langkah] for f in tables.flows]
    missing, mismatch = [], []
    for sop_i, step, output, key in combos.iter_rows():
        if not std_words[sop_i][step - 1]:
            continue  # the step has no output standard (format 1.1: an empty Mutu Baku)
        if not output:
            missing.append(key)
        elif not std_words[sop_i][step - 1] <= set(output_words(output)):
            mismatch.append(key)
    return missing, mismatch


def _output_and_actor(flagged: pl.DataFrame, tables: SopTables, findings: Findings) -> None:
    """The findings of the flagged rows (an empty output counts once the step is finished)."""
    std_out = tables.per_step(tables.step_values(lambda f, s: s.mutu_baku.output), pl.String)
    findings.add(
        flagged.filter(pl.col("missing") & pl.col("end").is_not_null()),
        "output_missing",
        pl.format("langkah {} selesai tanpa output; output standarnya '{}'", pl.col("step"), std_out),
    )
    findings.add(
        flagged.filter(pl.col("mismatch")),
        "output_mismatch",
        pl.format("output '{}' bukan output standar langkah {} ('{}')", text(pl.col("output")), pl.col("step"), std_out),
    )
    who = tables.per_step(
        tables.step_values(lambda f, s: ", ".join(f"'{f.sop.actor(p).nama}'" if f.sop.actor(p) else f"'{p}'" for p in s.pelaksana)),
        pl.String,
    )
    findings.add(
        flagged.filter(pl.col("bad_actor")),
        "wrong_actor",
        pl.format("langkah {} dikerjakan oleh '{}', padahal pelaksananya {}", pl.col("step"), text(pl.col("actor")), who),
    )
