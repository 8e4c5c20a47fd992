"""Dirty-log benchmark: a log whose every start time is in a form no reader takes.

    python bench/bench_dirty_log.py                 # 1,000,000 events
    python bench/bench_dirty_log.py --keep /tmp/b 200000 1000000

A real mistake: a date column exported in an odd form, so that every row is invalid and
needs its own message. The clean log of bench_check.py is generated (not timed), then each
`mulai` gets an 'x' after its date ('2023-01-02x 07:30'). Timed, each in a fresh process:

- `sopgen`: `sopgen check LOG --format json --output report.json`, the one-frame check;
- `out-of-core`: the same with `--memori 16MB`, the budget far below the log: every refused
  row's finding must live on disk, not in memory, for the peak to follow the budget.

Printed per mode: wall and CPU seconds, peak memory (ru_maxrss), microseconds of CPU per
invalid row, and the number of invalid rows in the report. Nothing is asserted: the figures
are for the reader (before this bench, a refused row cost 2 ms of CPU, and out of core about
700 bytes of memory each until the report).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import ROOT, Command, generate_in_child, project_for, run  # noqa: E402
from compiled import byte_compile_sopgen  # noqa: E402

BUDGET = "16MB"  # the smallest budget the check plans with (`outofcore.effective_budget`)


def dirty(clean: Path, path: Path) -> None:
    """clean with an unreadable date in every `mulai` (streamed: a big log is never whole)."""
    date = pl.col("mulai").str.slice(0, 10)
    (
        pl.scan_csv(clean, infer_schema=False)
        .with_columns((date + "x" + pl.col("mulai").str.slice(10)).alias("mulai"))
        .sink_csv(path)
    )


def commands(log: Path, work: Path) -> dict[str, Command]:
    project = project_for(ROOT, work, log)
    base = [sys.executable, "-m", "sopgen", "check", str(log), "--format", "json"]
    env = {"PYTHONPATH": str(ROOT)}
    return {
        "sopgen": Command([*base, "--output", str(work / "report.json")], project, env),
        "out-of-core": Command([*base, "--output", str(work / "report-ooc.json"), "--memori", BUDGET], project, env),
    }


def _summary(report: Path) -> dict:
    """The report's summary, read without its findings: a parent grown by a million findings
    would count in the peak memory of the children it starts next."""
    with open(report, "rb") as fh:
        head = fh.read(1 << 20)
    return json.loads(head[: head.index(b',\n"findings": [')] + b"}")["summary"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000_000])
    parser.add_argument("--keep", type=Path, help="folder for the logs (reused by the next run)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    byte_compile_sopgen()
    work = args.keep or Path(tempfile.mkdtemp(prefix="sopgen-dirty-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"{'events':>12} {'mode':<12} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'us/row':>8} {'invalid':>10}")
        for n in args.sizes:
            log = work / f"dirty-{n}.csv"
            if not log.exists():  # made in children: a parent grown by the log would count in their peaks
                clean = work / f"clean-{n}.csv"
                generate_in_child(clean, n)
                code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_dirty_log as b; from pathlib import Path; b.dirty(Path({str(clean)!r}), Path({str(log)!r}))"
                subprocess.run([sys.executable, "-c", code], check=True)
                clean.unlink()
            for mode, cmd in commands(log, work).items():
                r = run(cmd)
                report = Path(cmd.args[cmd.args.index("--output") + 1])
                invalid = _summary(report)["rows"]["invalid"]
                per_row = r.cpu / max(invalid, 1) * 1e6
                print(f"{n:>12,} {mode:<12} {r.wall:8.2f} {r.cpu:8.2f} {r.peak / 2**20:8.0f} {per_row:8.1f} {invalid:>10,}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
