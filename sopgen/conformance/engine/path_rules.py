"""The rules of a case's path through the flow: skipped steps (`step_skipped`), order
(`out_of_order`), steps left open while the case went on (`step_unfinished`), loops back through a decision (`rework`) and the end (`case_incomplete`).

Every row already knows its transition class (`rows.case_rows`: the previous step in the
case and the flow's table); these queries stay narrow and lazy, so only the few flagged rows
are ever gathered whole."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sopgen.conformance.engine.findings import Findings, fmt_time
from sopgen.conformance.engine.flow import BAD, JUMP, LOOP
from sopgen.conformance.engine.tables import SopTables


@dataclass
class CasePaths:
    """Per case, what the summary counts: rework (loops) and whether it reached the end."""

    rework: pl.DataFrame  # sop_i, case, fi, sheet, row, decision, step, actor, count: cases that loop
    cases: pl.DataFrame  # sop_i, case, complete: every case


def check_paths(rows: pl.DataFrame, tables: SopTables, findings: Findings) -> CasePaths:
    """Order, jumps over steps, loops, completion of each case."""
    jump_info = _jumps(rows, tables, findings)
    _out_of_order(rows, tables, findings, jump_info)
    return _ends(rows, findings)


def _jumps(rows: pl.DataFrame, tables: SopTables, findings: Findings) -> pl.DataFrame:
    """`step_skipped` for the required steps a forward jump passes that the case never did;
    returns, by row index, the jumps over steps the case did at another time (jump_present)
    or over steps no single one of which is required (jump_ambiguous): those are out of order."""
    cases_with_jumps = rows.lazy().filter(pl.col("cls") == JUMP).select("sop_i", "case").unique().collect()
    jump_info = pl.DataFrame(schema={"rid": pl.UInt32, "jump_present": pl.String, "jump_ambiguous": pl.Boolean})
    if not cases_with_jumps.height:
        return jump_info
    required = {(i, a, b): req for i, f in enumerate(tables.flows) for (a, b), (c, req) in f.transitions.items() if c == JUMP}
    keys = list(required)
    req_table = pl.DataFrame(
        {
            "sop_i": pl.Series([k[0] for k in keys], dtype=pl.Int32),
            "prev": pl.Series([k[1] for k in keys], dtype=pl.Int32),
            "step": pl.Series([k[2] for k in keys], dtype=pl.Int32),
            "req": pl.Series([list(required[k]) for k in keys], dtype=pl.List(pl.Int32)),
        }
    )
    jumps = (
        rows.lazy()
        .with_row_index("rid")
        .filter(pl.col("cls") == JUMP)
        .select("rid", "fi", "sheet", "row", "sop_i", "case", "step", "prev", "actor")
        .join(req_table.lazy(), on=["sop_i", "prev", "step"], how="left", maintain_order="left")
        .collect()
    )
    codes = cases_with_jumps.select(pl.col("case").to_physical()).to_series().implode()
    # A step the case did only on a row without a time of day (`timeless`) is there, so not
    # skipped, but when it was done is unknown: no order judgement on it either.
    present = (
        rows.lazy()
        .filter(pl.col("case").to_physical().is_in(codes))
        .group_by("sop_i", "case", pl.col("step").alias("req"))
        .agg(pl.lit(True).alias("has"), (~pl.col("timeless")).any().alias("timed"))
        .collect()
    )
    exploded = (
        jumps.with_columns(pl.col("req").list.len().alias("nreq"))
        .explode("req")
        .join(present, on=["sop_i", "case", "req"], how="left", maintain_order="left")
        .with_columns(pl.col("has").fill_null(False), pl.col("timed").fill_null(False))
    )
    missing = exploded.filter(pl.col("req").is_not_null() & ~pl.col("has"))
    findings.add(
        missing,
        "step_skipped",
        pl.format(
            "langkah {} dilewati: kasus berlanjut dari {} ke langkah {} tanpa langkah {}",
            pl.col("req"),
            pl.when(pl.col("prev") == 0).then(pl.lit("awal")).otherwise(pl.format("langkah {}", pl.col("prev"))),
            pl.col("step"),
            pl.col("req"),
        ),
        step=pl.col("req"),
    )
    return (
        exploded.group_by("rid", maintain_order=True)
        .agg(
            pl.col("req").filter(pl.col("has") & pl.col("timed")).cast(pl.String).str.join(", ").alias("jump_present"),
            (pl.col("nreq").first() == 0).alias("jump_ambiguous"),
        )
        .filter((pl.col("jump_present") != "") | pl.col("jump_ambiguous"))
    )


def _out_of_order(rows: pl.DataFrame, tables: SopTables, findings: Findings, jump_info: pl.DataFrame) -> None:
    """`out_of_order`: a move the flow does not allow, or a start before the row before ended."""
    flagged = (
        rows.lazy()
        .with_row_index("rid")
        .with_columns(pl.col("end").shift(1).alias("prev_end"))  # the row before, in the same case when cont
        .filter((pl.col("cls") == BAD) | pl.col("overlap") | pl.col("rid").is_in(jump_info["rid"].implode()))
        .select("rid", "fi", "sheet", "row", "sop_i", "case", "step", "prev", "actor", "start", "prev_end", "cls", "overlap")
        .join(jump_info.lazy(), on="rid", how="left", maintain_order="left")
        .with_columns(
            ((pl.col("cls") == BAD) | pl.col("jump_present").is_not_null() | pl.col("jump_ambiguous").fill_null(False)).alias("flow_bad"),
        )
        .collect()
    )
    succ = tables.per_step(
        [flow.successor_text(a) for flow in tables.flows for a in range(flow.n + 1)], pl.String, step=pl.col("prev")
    )
    flow_msg = (
        pl.when(pl.col("jump_ambiguous").fill_null(False))
        .then(pl.format("dari langkah {} kasus langsung ke langkah {}, melewati langkah yang harus dikerjakan di antaranya", pl.col("prev"), pl.col("step")))
        .when(pl.col("jump_present").is_not_null() & (pl.col("prev") == 0))
        .then(pl.format("kasus dimulai di langkah {}, padahal langkah {} harus lebih dulu (urutan tertukar)", pl.col("step"), pl.col("jump_present")))
        .when(pl.col("jump_present").is_not_null())
        .then(
            pl.format(
                "langkah {} dikerjakan setelah langkah {}, padahal langkah {} harus lebih dulu (urutan tertukar)",
                pl.col("step"),
                pl.col("prev"),
                pl.col("jump_present"),
            )
        )
        .when(pl.col("prev") == 0)
        .then(pl.format("kasus dimulai di langkah {}, padahal alur dimulai di langkah 1", pl.col("step")))
        .when(pl.col("prev") == pl.col("step"))
        .then(pl.format("langkah {} diulang tanpa kembali lewat keputusan", pl.col("step")))
        .otherwise(pl.format("langkah {} tidak boleh menyusul langkah {}: sesudah langkah {} alurnya ke {}", pl.col("step"), pl.col("prev"), pl.col("prev"), succ))
    )
    time_msg = pl.format(
        "langkah {} dimulai {}, sebelum langkah {} selesai ({})", pl.col("step"), fmt_time(pl.col("start")), pl.col("prev"), fmt_time(pl.col("prev_end"))
    )
    findings.add(
        flagged,
        "out_of_order",
        pl.when(pl.col("flow_bad") & pl.col("overlap"))
        .then(pl.concat_str([flow_msg, time_msg], separator="; "))
        .when(pl.col("flow_bad"))
        .then(flow_msg)
        .otherwise(time_msg),
    )


def _ends(rows: pl.DataFrame, findings: Findings) -> CasePaths:
    """`rework` once per case that loops (with the count) and `case_incomplete` for a case
    whose last row is not a finished step leading to the end."""
    loops, lasts, unfinished, timeless = pl.collect_all(
        [
            rows.lazy().filter(pl.col("cls") == LOOP).select("fi", "sheet", "row", "sop_i", "case", "prev", "step", "actor"),
            rows.lazy().filter(pl.col("last")).select("fi", "sheet", "row", "sop_i", "case", "step", "actor", "end", "final"),
            # The next row of the same case (rows are sorted by case): it started, this did not end.
            rows.lazy()
            .with_columns(pl.col("step").shift(-1).alias("next_step"), pl.col("start").shift(-1).alias("next_start"))
            .filter(pl.col("end").is_null() & ~pl.col("last") & ~pl.col("timeless"))
            .select("fi", "sheet", "row", "sop_i", "case", "step", "actor", "next_step", "next_start"),
            rows.lazy().filter(pl.col("timeless")).select("fi", "sheet", "row", "sop_i", "case", "step", "actor", "start", "end", "final"),
        ]
    )
    _time_missing(timeless, findings)
    findings.add(
        unfinished,
        "step_unfinished",
        pl.format(
            "langkah {} tidak dicatat selesai (kolom selesai kosong), padahal langkah {} kasus ini sudah dimulai {}; isi waktu selesainya",
            pl.col("step"),
            pl.col("next_step"),
            fmt_time(pl.col("next_start")),
        ),
    )
    rework = loops.group_by("sop_i", "case", maintain_order=True).agg(
        pl.col("fi").first(),
        pl.col("sheet").first(),
        pl.col("row").first(),
        pl.col("prev").first().alias("decision"),
        pl.col("step").first(),
        pl.col("actor").first(),
        pl.len().alias("count"),
    )
    findings.add(
        rework,
        "rework",
        pl.format(
            "kasus kembali lewat keputusan langkah {} ke langkah {}: {} kali pengerjaan ulang",
            pl.col("decision"),
            pl.col("step"),
            pl.col("count"),
        ),
        count=pl.col("count"),
    )
    complete = pl.col("final") & pl.col("end").is_not_null()
    if timeless.height:
        # A finished final step written without a time also ends its case.
        ended = timeless.filter(complete).select("sop_i", "case").unique().with_columns(pl.lit(True).alias("ended"))
        lasts = lasts.join(ended, on=["sop_i", "case"], how="left", maintain_order="left")
        complete = complete | pl.col("ended").fill_null(False)
    findings.add(
        lasts.filter(~complete),
        "case_incomplete",
        pl.when(pl.col("end").is_null())
        .then(pl.format("kasus belum mencapai akhir alur: langkah terakhir yang tercatat, langkah {}, belum selesai", pl.col("step")))
        .otherwise(pl.format("kasus belum mencapai akhir alur: langkah terakhir yang tercatat adalah langkah {}", pl.col("step"))),
    )
    return CasePaths(rework, lasts.select("sop_i", "case", complete.alias("complete")))


def _time_missing(timeless: pl.DataFrame, findings: Findings) -> None:
    """`time_missing` (information) for each row written with a date but no time of day."""
    findings.add(
        timeless,
        "time_missing",
        pl.format(
            "langkah {} dicatat tanpa jam (hanya tanggal {}): durasi dan urutannya tidak dinilai; tulis jam mulai dan selesai, mis. {} 08:30",
            pl.col("step"),
            pl.col("start").dt.strftime("%d/%m/%Y"),
            pl.col("start").dt.strftime("%d/%m/%Y"),
        ),
    )
