"""The yardstick for `sopgen check`: what a peer writes in an afternoon with plain polars.

    python bench/minimal_check.py SOP.yaml LOG.csv REPORT.json

Two of the twelve checks only, the two any such script starts with: a step that took longer
than its `waktu` (in wall-clock minutes: no working-time calendar) and a step done by someone
who is not its pelaksana (id, nama or alias, case ignored). No invalid rows, duplicates,
order, rework, cases, summary or Indonesian messages. The findings go to a JSON file, one
object a line (NDJSON). bench_check.py times it beside the bare read
and sopgen itself: the whole tool must not lose to this.
"""

from __future__ import annotations

import sys

import polars as pl
import yaml


def main(sop_path: str, log_path: str, out_path: str) -> int:
    with open(sop_path, encoding="utf-8") as fh:
        sop = yaml.safe_load(fh)
    names = {a["id"]: [a["id"], a["nama"], *a.get("alias", [])] for a in sop["pelaksana"]}
    # Steps are numbered 1.. in order (PyYAML reads the key `no` as False, YAML 1.1).
    steps = pl.DataFrame(
        {
            "langkah": list(range(1, len(sop["langkah"]) + 1)),
            "waktu": [s["mutu_baku"]["waktu"] for s in sop["langkah"]],
        }
    )
    allowed = pl.DataFrame(
        [(no, n.lower()) for no, s in enumerate(sop["langkah"], 1) for p in _list(s["pelaksana"]) for n in names[p]],
        schema={"langkah": pl.Int64, "who": pl.String},
        orient="row",
    )
    log = pl.read_csv(log_path).with_row_index("row", offset=2)
    log = log.with_columns(
        pl.col("mulai").str.to_datetime("%Y-%m-%d %H:%M", strict=False),
        pl.col("selesai").str.to_datetime("%Y-%m-%d %H:%M", strict=False),
    ).join(steps, on="langkah", how="left")
    minutes = (pl.col("selesai") - pl.col("mulai")).dt.total_minutes()
    late = log.filter(minutes > pl.col("waktu")).select(
        pl.lit("time_exceeded").alias("kind"), "row", "kasus", "langkah", "pelaksana", minutes.alias("minutes"), "waktu"
    )
    wrong = log.with_columns(pl.col("pelaksana").str.to_lowercase().alias("who")).join(allowed, on=["langkah", "who"], how="anti")
    wrong = wrong.select(pl.lit("wrong_actor").alias("kind"), "row", "kasus", "langkah", "pelaksana")
    findings = pl.concat([late, wrong], how="diagonal").sort("row", "kind")
    findings.write_ndjson(out_path)
    print(f"{findings.height} findings in {log.height} rows")
    return 0


def _list(value: object) -> list:
    return value if isinstance(value, list) else [value]


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
