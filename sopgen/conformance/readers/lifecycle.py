"""XES event logs: `start` and `complete` events of one step execution paired into one row.

An XES event log with one `time:timestamp` per event and a `lifecycle:transition` column
(as pm4py or ProM export it) records each step twice; the check wants one row per
execution, and every event merged away is counted so the accounting covers every line.
"""

from __future__ import annotations

import polars as pl

_START_EVENTS = ("start",)
_END_EVENTS = ("complete",)


def _pair_lifecycle(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """XES events to step executions: (rows, events merged into another row).

    Within a (sop, case, step), the k-th `start` event in time order pairs with the k-th
    `complete` event: one row, at the start event's line, ending at the complete event's
    time (its output used when the start event has none). A `complete` without a `start`
    (an export with completion times only) is a row that starts and ends at its time. An
    event of any other transition (schedule, assign, suspend, resume, ...) is not an
    execution and is merged away; a row with an empty transition is an ordinary row.
    Merged events are counted, never dropped silently.
    """
    c = pl.col
    kind = c("lifecycle").str.strip_chars().str.to_lowercase()
    frame = frame.with_columns(
        pl.when(kind.is_in(_START_EVENTS)).then(pl.lit("s")).when(kind.is_in(_END_EVENTS)).then(pl.lit("e"))
        .when(kind.is_null() | (kind == "")).then(pl.lit("r")).otherwise(pl.lit("x")).alias("_t")
    )
    other = int((frame["_t"] == "x").sum())
    group = ["sop", "kasus", "step"]
    events = frame.filter(c("_t").is_in(["s", "e"])).sort([*group, "start", "row"], nulls_last=False)
    events = events.with_columns(pl.int_range(pl.len()).over([*group, "_t"]).alias("_k"))
    starts = events.filter(c("_t") == "s")
    ends = events.filter(c("_t") == "e").select(*group, "_k", c("start").alias("_end"), c("output").alias("_out"), c("row").alias("_erow"))
    paired = starts.join(ends, on=[*group, "_k"], how="left", nulls_equal=True)
    ok = c("_end").is_not_null() & (c("_end") >= c("start"))
    paired = paired.with_columns(
        pl.when(ok).then(c("_end")).otherwise(None).alias("end"),
        pl.when(ok & c("output").is_null()).then(c("_out")).otherwise(c("output")).alias("output"),
        pl.when(ok).then(c("_erow")).otherwise(None).alias("_used"),
    )
    used = paired["_used"].drop_nulls()
    alone = events.filter((c("_t") == "e") & ~c("row").is_in(used.implode())).with_columns(c("start").alias("end"))
    columns = frame.columns
    rows = pl.concat(
        [frame.filter(c("_t") == "r").select(columns), paired.select(columns), alone.select(columns)], how="vertical_relaxed"
    ).sort("row")
    return rows.drop("_t"), used.len() + other
