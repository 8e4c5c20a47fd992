"""The per-row columns every rule reads, computed in one query over the rows sorted by case.

The path rules compare each row with the one before it in its case; in rows sorted by case
that is a `shift`, so no rule ever groups the cases or walks them in Python."""

from __future__ import annotations

from typing import Any

import polars as pl

from sopgen.conformance.engine.flow import BAD
from sopgen.conformance.engine.sliced import sliced
from sopgen.conformance.readers.zones import elapsed_us
from sopgen.conformance.engine.tables import MINUTE_US, SopTables


def case_rows(frame: pl.DataFrame, tables: SopTables, elapsed: bool, calendar: Any, timezone: str | None = None) -> pl.DataFrame:
    """frame (sorted by case) with the columns the checks need; rows written with a date
    but no time of day (`timeless`) are left out of each case's sequence and appended after
    all the others with no duration and no order judgement (`_timeless_rows`).

    cont: same case as the row before; prev: the step before in the case (0 at its
    start); last: the case's last row; dur_us: duration (null while in progress); late;
    overlap: started before the row before ended; cls: the transition class; final: the
    step leads to the end. Elapsed durations are exact across a daylight-saving change of
    `timezone` (`zones.elapsed_us`)."""
    timeless = frame.filter(pl.col("timeless")) if frame["timeless"].any() else None
    if timeless is not None:
        frame = frame.filter(~pl.col("timeless"))
    frame = frame.with_columns(_durations(frame, elapsed, calendar, timezone))
    std_us = tables.per_step(tables.step_values(lambda f, s: None if s.mutu_baku.menit is None else int(round(s.mutu_baku.menit * MINUTE_US))), pl.Int64)
    classes: list[int] = []
    width: list[int] = []
    offsets: list[int] = []
    for flow in tables.flows:
        offsets.append(len(classes))
        width.append(flow.n + 1)
        classes.extend(flow.transitions.get((a, b), (BAD, ()))[0] for a in range(flow.n + 1) for b in range(flow.n + 1))
    tidx = tables.per_sop(offsets, pl.Int64) + pl.col("prev").cast(pl.Int64) * tables.per_sop(width, pl.Int64) + pl.col("step")
    cont = ((pl.col("sop_i") == pl.col("sop_i").shift(1)) & (pl.col("case") == pl.col("case").shift(1))).fill_null(False)
    query = (
        frame.lazy()
        .with_columns(pl.col("step").cast(pl.Int32), cont.alias("cont"))
        .with_columns(
            pl.when(pl.col("cont")).then(pl.col("step").shift(1)).otherwise(0).cast(pl.Int32).alias("prev"),
            (pl.col("cont") & (pl.col("start") < pl.col("end").shift(1))).fill_null(False).alias("overlap"),
            (~pl.col("cont").shift(-1).fill_null(False)).alias("last"),
        )
        .with_columns(
            (pl.col("dur_us") > std_us).alias("late"),
            tables.table(classes, pl.Int8).gather(tidx).alias("cls"),
            tables.per_step(tables.step_values(lambda f, s: s.no in f.final), pl.Boolean).alias("final"),
        )
        .drop("cont")
    )
    rows = query.collect()
    if timeless is None:
        return rows
    return pl.concat([rows, _timeless_rows(timeless, tables).select(rows.columns)])


def _durations(frame: pl.DataFrame, elapsed: bool, calendar: Any, timezone: str | None) -> pl.Series:
    """dur_us of every row (null while in progress): elapsed, or working time by the
    calendar. Working time is a score of row-wise expressions: computed in slices at once."""
    if elapsed:
        dur = elapsed_us(pl.col("start"), pl.col("end"), timezone)
    else:
        lo, hi_start, hi_end = frame.select(pl.col("start").min().alias("a"), pl.col("start").max().alias("b"), pl.col("end").max().alias("c")).row(0)
        if lo is None:
            return pl.Series("dur_us", [None] * frame.height, dtype=pl.Int64)
        hi = max(d for d in (hi_start, hi_end) if d is not None)
        calendar.ensure_years(lo.year, hi.year)
        cum = calendar.cumulative_expr
        dur = cum(pl.col("end").cast(pl.Int64)) - cum(pl.col("start").cast(pl.Int64))
    times = frame.select("start", "end")
    return sliced(times, lambda q: q.select(pl.when(pl.col("end").is_not_null()).then(dur).otherwise(None).alias("dur_us"))).to_series()


def _timeless_rows(frame: pl.DataFrame, tables: SopTables) -> pl.DataFrame:
    """Rows with a date but no time: in no sequence (prev 0, class OK, never last), no
    duration, so no time, order or path rule judges them."""
    from sopgen.conformance.engine.flow import OK

    return frame.with_columns(
        pl.col("step").cast(pl.Int32),
        pl.lit(0, dtype=pl.Int32).alias("prev"),
        pl.lit(False).alias("overlap"),
        pl.lit(False).alias("last"),
        pl.lit(None, dtype=pl.Int64).alias("dur_us"),
        pl.lit(None, dtype=pl.Boolean).alias("late"),
        pl.lit(OK, dtype=pl.Int8).alias("cls"),
        tables.per_step(tables.step_values(lambda f, s: s.no in f.final), pl.Boolean).alias("final"),
    )
