"""The summary the reports print: compliance, durations per step, SOPs, actors, worst cases.

Everything comes from the `tally.Tally` of the check (sums over its rows and findings), so
what is left is small and put together in Python."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from sopgen.conformance.engine.names import people_table, unrecognized
from sopgen.conformance.engine.trend import months
from sopgen.conformance.engine.model import KINDS, VIOLATION_KINDS, RowAccounting
from sopgen.conformance.engine.normalise import norm_name
from sopgen.conformance.engine.read import LogInput
from sopgen.conformance.engine.tables import MINUTE_US, SopTables
from sopgen.conformance.engine.tally import Tally


def _pct(a: int, b: int) -> float | None:
    return round(100.0 * a / b, 1) if b else None


def _r2(v: Any) -> float | None:
    return None if v is None else round(float(v), 2)


def _quantile(q: float) -> pl.Expr:
    """A quantile of a group of durations counted by value (dur_us, n, cum: the running
    count in ascending order): the values at the two ranks around the position, interpolated
    (exact, as numpy's default 'linear')."""
    fin = pl.col("n").sum()
    pos = (fin - 1).cast(pl.Float64) * q
    lo, hi = pos.floor().cast(pl.Int64), pos.ceil().cast(pl.Int64)
    a = pl.col("dur_us").filter(pl.col("cum") > lo).first().cast(pl.Float64)
    b = pl.col("dur_us").filter(pl.col("cum") > hi).first().cast(pl.Float64)
    return (a + (b - a) * (pos - lo.cast(pl.Float64))) / MINUTE_US


def step_stats(t: Tally) -> pl.DataFrame:
    """Per step: rows, within, finished and the duration quantiles (null when none finished)."""
    quantiles = (
        t.durations.lazy()
        .sort("sop_i", "step", "dur_us")
        .with_columns(pl.col("n").cast(pl.Int64).cum_sum().over("sop_i", "step").alias("cum"))
        .group_by("sop_i", "step")
        .agg(
            pl.col("n").sum().alias("finished"),
            *[_quantile(q).alias(name) for name, q in (("min", 0.0), ("q1", 0.25), ("median", 0.5), ("q3", 0.75), ("p90", 0.9), ("max", 1.0))],
        )
    )
    return t.steps.lazy().join(quantiles, on=["sop_i", "step"], how="left").with_columns(pl.col("finished").fill_null(0)).collect()


def summarise(
    t: Tally,
    accounting: RowAccounting,
    *,
    tables: SopTables,
    data: LogInput,
    period: tuple[date | None, date | None],
    elapsed: bool,
) -> dict[str, Any]:
    """The summary of a check (its keys, in this order, are the JSON report's), from the
    tally of its rows and findings alone (`tally.Tally`, of the whole log or added up over
    partitions): the findings themselves may be on disk (`sopgen.conformance.outofcore`)."""
    kind_counts = dict.fromkeys(KINDS, 0)
    for code, n in t.kinds.group_by("kind").agg(pl.col("n").sum()).iter_rows():
        kind_counts[KINDS[code]] = n
    checked = accounting.checked
    by_kind_step = {(s, st, KINDS[k]): n for s, st, k, n, _ in t.kinds.filter(pl.col("sop_i") >= 0).iter_rows()}
    bad_total = int(t.bad["rows"].sum())
    stats = {(r["sop_i"], r["step"]): r for r in step_stats(t).iter_rows(named=True)}
    steps_out = _steps(tables, stats, by_kind_step)
    sops_out = _sops(tables, steps_out, stats, by_kind_step, t)
    fin_all = sum(s["finished"] for s in sops_out)
    win_all = sum(s["within_standard"] for s in sops_out)
    names = unrecognized(tables, t.actors, t.votes, t.names, checked, bad_total)
    n_cases = int(t.cases["cases"].sum())
    n_complete = int(t.cases["complete"].sum())
    return {
        "files": list(data.files),
        "file_errors": [{"file": e.file, "message": e.message} for e in data.file_errors],
        "date_readings": [r.as_dict() for r in data.dates],
        "period": {
            "from": period[0].isoformat() if period[0] else None,
            "to": period[1].isoformat() if period[1] else None,
        },
        "duration": "elapsed" if elapsed else "working",
        "rows": accounting.as_dict(),
        "kinds": kind_counts,
        "violations": sum(kind_counts[k] for k in VIOLATION_KINDS),
        "within_standard": {"finished": fin_all, "within": win_all, "percent": _pct(win_all, fin_all)},
        "compliance": {"rows": checked, "compliant": checked - bad_total, "percent": _pct(checked - bad_total, checked)},
        "cases": {
            "total": n_cases,
            "complete": n_complete,
            "incomplete": n_cases - n_complete,
            "with_rework": int(t.cases["with_rework"].sum()),
        },
        "sops": sops_out,
        "steps": steps_out,
        "actors": _actors(tables, t.actors, t.bad, t.unknown_steps),
        "people": people_table(tables, t.actors, _bad_per_actor(t.bad)),
        "unrecognized_actors": names["names"],
        "unrecognized_effect": {"wrong_actor": names["wrong_actor"], "percent_if_recognized": names["percent_if_recognized"]},
        "worst_cases": _worst_cases(tables, data.files, t.worst),
        "months": months(t.months),
    }


def _steps(tables: SopTables, stats: dict[tuple[int, int], dict[str, Any]], by_kind_step: dict[tuple[int, int, str], int]) -> list[dict[str, Any]]:
    """One entry per step of every chosen SOP, executed or not."""
    steps_out = []
    for i, flow in enumerate(tables.flows):
        for step in flow.sop.langkah:
            st = stats.get((i, step.no), {})
            fin, win = st.get("finished", 0), st.get("within", 0)
            steps_out.append(
                {
                    "sop": flow.sop.nomor,
                    "step": step.no,
                    "activity": step.aktivitas,
                    "standard_minutes": step.mutu_baku.menit,
                    "standard_output": step.mutu_baku.output,
                    "rows": st.get("rows", 0),
                    "finished": fin,
                    "within_standard": win,
                    "percent_within": _pct(win, fin),
                    "min_minutes": _r2(st.get("min")),
                    "q1_minutes": _r2(st.get("q1")),
                    "median_minutes": _r2(st.get("median")),
                    "q3_minutes": _r2(st.get("q3")),
                    "p90_minutes": _r2(st.get("p90")),
                    "max_minutes": _r2(st.get("max")),
                    "kinds": {k: by_kind_step[(i, step.no, k)] for k in KINDS if (i, step.no, k) in by_kind_step},
                }
            )
    return steps_out


def _sops(
    tables: SopTables,
    steps_out: list[dict[str, Any]],
    stats: dict[tuple[int, int], dict[str, Any]],
    by_kind_step: dict[tuple[int, int, str], int],
    t: Tally,
) -> list[dict[str, Any]]:
    """One entry per chosen SOP; its rows include those of unknown steps."""
    by_kind_sop: dict[tuple[int, str], int] = {}
    for (s, _st, k), n in by_kind_step.items():
        by_kind_sop[(s, k)] = by_kind_sop.get((s, k), 0) + n
    case_stats = {s: (n, c) for s, n, c, _ in t.cases.iter_rows()}
    rework_by_sop = {s: r for s, _, _, r in t.cases.iter_rows()}
    rows_by_sop: dict[int, int] = dict(t.unknown_steps.group_by("sop_i").agg(pl.col("rows").sum()).iter_rows())
    for r in stats.values():
        rows_by_sop[r["sop_i"]] = rows_by_sop.get(r["sop_i"], 0) + r["rows"]
    bad_by_sop = dict(t.bad.filter(pl.col("sop_i") >= 0).group_by("sop_i").agg(pl.col("rows").sum()).iter_rows())
    sops_out = []
    for i, flow in enumerate(tables.flows):
        fin = sum(s["finished"] for s in steps_out if s["sop"] == flow.sop.nomor)
        win = sum(s["within_standard"] for s in steps_out if s["sop"] == flow.sop.nomor)
        n_rows = rows_by_sop.get(i, 0)
        n_bad = bad_by_sop.get(i, 0)
        n_cases, n_complete = case_stats.get(i, (0, 0))
        sops_out.append(
            {
                "sop": flow.sop.nomor,
                "name": flow.sop.nama,
                "rows": n_rows,
                "cases": n_cases,
                "complete_cases": n_complete,
                "cases_with_rework": rework_by_sop.get(i, 0),
                "finished": fin,
                "within_standard": win,
                "percent_within": _pct(win, fin),
                "compliant_rows": n_rows - n_bad,
                "percent_compliant": _pct(n_rows - n_bad, n_rows),
                "kinds": {k: by_kind_sop[(i, k)] for k in KINDS if (i, k) in by_kind_sop},
            }
        )
    return sops_out


def _label(tables: SopTables, sop_i: int, actor: str | None) -> str:
    """An actor as the report names it: the SOP's nama when the log's name matches one."""
    if actor is None:
        return ""
    if 0 <= sop_i < len(tables.flows):
        aid = tables.actor_ids[sop_i].get(norm_name(actor))
        if aid is not None:
            return tables.flows[sop_i].sop.actor(aid).nama
    return actor


def _actors(tables: SopTables, per: pl.DataFrame, bad_rows: pl.DataFrame, unknown_steps: pl.DataFrame) -> list[dict[str, Any]]:
    """One entry per actor as the report names it (several spellings of one actor add up);
    bad_rows: `Tally.bad`."""
    extra = unknown_steps
    bad = _bad_per_actor(bad_rows)
    table: dict[str, dict[str, Any]] = {}

    def entry(sop_i: int, actor: Any) -> dict[str, Any]:
        label = _label(tables, sop_i, None if actor is None else str(actor))
        return table.setdefault(label, {"actor": label, "rows": 0, "finished": 0, "within_standard": 0, "violations": 0})

    for sop_i, actor, n, fin, win in per.iter_rows():
        e = entry(sop_i, actor)
        e["rows"] += n
        e["finished"] += fin
        e["within_standard"] += win
    for sop_i, actor, n in extra.iter_rows():
        entry(sop_i, actor)["rows"] += n
    for sop_i, actor, n in bad.iter_rows():
        entry(sop_i, actor)["violations"] += n
    out = sorted(table.values(), key=lambda e: (-e["rows"], e["actor"]))
    for e in out:
        e["percent_within"] = round(100.0 * e["within_standard"] / e["finished"], 1) if e["finished"] else None
        e["percent_compliant"] = round(100.0 * (e["rows"] - e["violations"]) / e["rows"], 1) if e["rows"] else None
    return out


def _bad_per_actor(bad: pl.DataFrame) -> pl.DataFrame:
    """Violating rows per (sop_i, actor) of the chosen SOPs (bad: `Tally.bad`)."""
    return bad.filter(pl.col("sop_i") >= 0).select("sop_i", "actor", pl.col("rows").alias("violations"))


def _worst_cases(tables: SopTables, files: list[str], worst: pl.DataFrame) -> list[dict[str, Any]]:
    """Cases with the most violation findings, then the most minutes over standard
    (`tally.WORST_ORDER`)."""
    out = []
    for r in worst.iter_rows(named=True):
        out.append(
            {
                "sop": tables.sops[r["sop_i"]].nomor,
                "case": r["case"],
                "violations": r["violations"],
                "rework": r["rework"],
                "minutes_over": round(float(r["over"]), 2),
                "rows": r["rows"],
                "start": r["first"].isoformat(sep=" ", timespec="minutes") if r["first"] else None,
                "complete": bool(r["complete"]),
                "file": files[r["fi"]] if r["fi"] is not None else None,
            }
        )
    return out
