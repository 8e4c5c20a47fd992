"""The month-by-month trend: compliance and within-time per calendar month of the rows'
start, so a supervisor sees whether things get better. Only when the log spans more than
one month; otherwise there is no trend to show and nothing is computed."""

from __future__ import annotations

from typing import Any

import polars as pl


def months(rows: pl.DataFrame, bad_rows: pl.DataFrame) -> list[dict[str, Any]]:
    """Per month ('2023-10'): rows, rows without a violation, finished steps, within the
    standard, and the two percentages. rows: the checked rows of known steps (fi, sheet,
    row, start, dur_us, late); bad_rows: the rows with a violation (fi, sheet, row)."""
    if rows.height == 0:
        return []
    lo, hi = rows.select(pl.col("start").min().alias("lo"), pl.col("start").max().alias("hi")).row(0)
    if (lo.year, lo.month) == (hi.year, hi.month):
        return []
    key = (pl.col("start").dt.year().cast(pl.Int32) * 100 + pl.col("start").dt.month().cast(pl.Int32)).alias("m")
    per_query = (
        rows.lazy()
        .select(key, pl.col("dur_us").is_not_null().alias("fin"), (pl.col("late") == False).alias("win"))  # noqa: E712
        .group_by("m")
        .agg(pl.len().alias("rows"), pl.col("fin").sum(), pl.col("win").sum())
    )
    bad_query = (
        bad_rows.lazy()
        .select("fi", "sheet", "row")
        .join(rows.lazy().select("fi", "sheet", "row", key), on=["fi", "sheet", "row"], how="inner", nulls_equal=True)
        .group_by("m")
        .len()
    )
    per, bad = pl.collect_all([per_query, bad_query])
    bad_of = dict(bad.iter_rows())
    out = []
    for m, n, fin, win in per.sort("m").iter_rows():
        ok = n - bad_of.get(m, 0)
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
