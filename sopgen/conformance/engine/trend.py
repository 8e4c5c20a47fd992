"""The month-by-month trend: compliance and within-time per calendar month of the rows'
start, so a supervisor sees whether things get better. Shown only when the log spans more
than one month; otherwise there is no trend to show.

The counts are sums (`month_counts`), so partitions of a log add theirs up. One pass
over the rows: each row's month comes from a small table of the span's days
(a gather, not a calendar computation per row), and whether it violates from its (file,
row) packed in one integer (an `is_in`, not a join). Measured on a million rows: 25 ms of
CPU against 200 ms for `dt.year`/`dt.month` and a three-key join."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl

DAY_US = 86_400_000_000


def month_counts(rows: pl.DataFrame, bad_rows: pl.DataFrame) -> pl.DataFrame:
    """Per month (m: yyyymm): rows, rows with a violation (bad), finished steps (fin), within
    the standard (win); sums, so the counts of several partitions add up. rows: the checked
    rows of known steps (fi, sheet, row, start, dur_us, late); bad_rows: the rows with a
    violation (fi, sheet, row)."""
    if rows.height == 0:
        return pl.DataFrame(schema={"m": pl.Int32, "rows": pl.UInt32, "fin": pl.UInt32, "win": pl.UInt32, "bad": pl.UInt32})
    lo, hi = rows.select(pl.col("start").min().alias("lo"), pl.col("start").max().alias("hi")).row(0)
    first = lo.date()
    days = (hi.date() - first).days + 1
    table = pl.Series([(d.year * 100 + d.month) for d in (first + timedelta(days=i) for i in range(days))], dtype=pl.Int32)
    epoch_day = (datetime(first.year, first.month, first.day) - datetime(1970, 1, 1)).days
    month = pl.lit(table).gather(pl.col("start").cast(pl.Int64) // DAY_US - epoch_day).alias("m")
    if rows["sheet"].null_count() == rows.height:
        packed = pl.col("fi").cast(pl.Int64) * (1 << 40) + pl.col("row")
        bad = packed.is_in(bad_rows.select(packed.alias("k")).to_series().implode())
        query = rows.lazy()
    else:  # sheets (xlsx, small): the three keys
        marks = bad_rows.select("fi", "sheet", "row").unique().with_columns(pl.lit(True).alias("bad"))
        query = rows.lazy().join(marks.lazy(), on=["fi", "sheet", "row"], how="left", nulls_equal=True)
        bad = pl.col("bad").fill_null(False)
    return (
        query.select(month, pl.col("dur_us").is_not_null().alias("fin"), (pl.col("late") == False).alias("win"), bad.alias("bad"))  # noqa: E712
        .group_by("m")
        .agg(pl.len().alias("rows"), pl.col("fin").sum(), pl.col("win").sum(), pl.col("bad").sum())
        .sort("m")
        .collect()
    )


def months(counts: pl.DataFrame) -> list[dict[str, Any]]:
    """Per month ('2023-10'): rows, rows without a violation, finished steps, within the
    standard, and the two percentages; nothing when the rows lie in one month (no trend).
    counts: `month_counts` (of all the rows, or added up over partitions)."""
    if counts.height < 2:
        return []
    out = []
    for m, n, fin, win, n_bad in counts.sort("m").select("m", "rows", "fin", "win", "bad").iter_rows():
        ok = n - n_bad
        out.append(
            {
                "month": f"{m // 100:04d}-{m % 100:02d}",
                "rows": n,
                "compliant_rows": ok,
                "percent_compliant": round(100.0 * ok / n, 1) if n else None,
                "finished": fin,
                "within_standard": win,
                "percent_within": round(100.0 * win / fin, 1) if fin else None,
            }
        )
    return out
