"""Conformance benchmark: a generated log of the reference SOP, from CSV to the JSON report.

    python bench/bench_check.py                      # 1,000,000 events
    python bench/bench_check.py 10000000             # 10,000,000 events
    python bench/bench_check.py 1000000 10000000     # both
    python bench/bench_check.py --keep /tmp/sopgen-bench 1000000   # keep the CSV (reused next run)
    python bench/bench_check.py --keep /tmp/b --out-of-core 100000000 --memori 4GB  # 100M, out of core

Each size is generated once into a CSV (not timed), then `sopgen check LOG --format json
--output report.json` runs in a fresh process, exactly as a user runs it: Python start,
imports, loading and validating the project, reading, checking and writing the report. The
figures printed are the wall time of that process, events per second, and its peak memory
(ru_maxrss of that child, from os.wait4; the log is generated in another process so the
parent stays small).

Targets on a 2-core machine: 1,000,000 events in under 2 s; 10,000,000 in under 20 s
within 2 GB. sopgen is byte-compiled first (`compiled.py`), as an installed package is.

The log is realistic rather than clean: cases start in office hours on any day (weekends
and holidays included, as offices do), steps take 10 %..110 % of their standard and about
5 % take five times it, about 15 % of cases loop back through the decision of step 6 once or
twice, some stop early, some skip step 4, some swap steps 3 and 4, about 2 % of outputs are
missing and 1 % wrong, 2 % of rows name another actor, aliases and ids are used beside
names, and the rows are written in time order (cases interleave), as a log is kept.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from compiled import byte_compile_sopgen

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_NOMOR = "065/111/416-317/2023"

# (weight in %, steps of the case)
VARIANTS = (
    (78, (1, 2, 3, 4, 5, 6)),
    (10, (1, 2, 3, 4, 5, 6, 4, 5, 6)),
    (4, (1, 2, 3, 4, 5, 6, 4, 5, 6, 4, 5, 6)),
    (2, (1, 2, 3)),
    (2, (1, 2, 3, 4, 5)),
    (2, (1, 2, 3, 5, 6)),
    (2, (1, 2, 4, 3, 5, 6)),
)
STANDARD = {1: 5, 2: 5, 3: 10, 4: 480, 5: 480, 6: 480}
OUTPUT = {
    1: "dokumen format data",
    2: "dokumen format data",
    3: "Dokumen format data",
    4: "dokumen",
    5: "rekap dokumen",
    6: "rekap hasil capaian pengumpulan data kinerja bulanan",
}
ACTOR = {
    1: "Kasubag Perencanaan dan Keuangan",
    2: "Kasubag Penyusunan Program dan Keuangan",
    3: "kasubag-ppk-umpeg",
    4: "Kasi",
    5: "Kepala Sub Bagian Umum dan Kepegawaian",
    6: "Kasubag PK",
}


CHUNK_EVENTS = 10_000_000  # a bigger log is generated (and appended) a chunk at a time


def generate(path: Path, events: int, seed: int = 35) -> int:
    """Write a CSV log of the reference SOP with exactly `events` rows; returns the row count.

    Up to CHUNK_EVENTS in one frame; a bigger log in chunks of it (each its own cases, "K-2-17",
    and its own stretch of the three years after the one before), appended, so 100M events
    need the memory of ten million."""
    if events <= CHUNK_EVENTS:
        frame = _events(events, seed)
        frame.write_csv(path)
        return frame.height
    written = 0
    parts = -(-events // CHUNK_EVENTS)
    with open(path, "wb") as out:
        for part in range(parts):
            frame = _events(min(CHUNK_EVENTS, events - written), seed + part, part=part + 1, parts=parts)
            frame.write_csv(out, include_header=part == 0)
            written += frame.height
            del frame
    return written


def _events(events: int, seed: int, part: int = 0, parts: int = 1) -> pl.DataFrame:
    """The rows of one log (part 0) or of one chunk of a big log (part 1, 2, ...)."""
    weights: list[int] = []
    paths: list[list[int]] = []
    for w, steps in VARIANTS:
        weights += [len(paths)] * w
        paths.append(list(steps))
    mean = sum(w * len(s) for w, s in VARIANTS) / 100
    cases = int(events / mean * 1.02) + 10
    variants = pl.DataFrame({"v": list(range(len(paths))), "steps": paths})
    buckets = pl.DataFrame({"b": list(range(100)), "v": weights})
    rnd = lambda k, m: (pl.int_range(pl.len()).hash(seed + k) % m).cast(pl.Int64)  # noqa: E731
    c = (
        pl.DataFrame({"ci": pl.int_range(cases, eager=True)})
        .with_columns(rnd(0, 100).alias("b"), rnd(7, 300).alias("late_start"))
        .join(buckets, on="b")
        .join(variants, on="v")
        .sort("ci")
        .explode("steps")
        .rename({"steps": "step"})
        .head(events)
    )
    std = pl.DataFrame(
        {
            "step": list(STANDARD),
            "std": list(STANDARD.values()),
            "out": [OUTPUT[s] for s in STANDARD],
            "act": [ACTOR[s] for s in STANDARD],
        }
    )
    span_days = max(30, min(3 * 365, events * parts // 2000)) // parts
    base = datetime(2023, 1, 2, 7, 30) + timedelta(days=span_days * max(part - 1, 0))
    c = c.join(std, on="step", how="left").with_columns(rnd(1, 1000).alias("r1"), rnd(2, 1000).alias("r2"), rnd(3, 1000).alias("r3"))
    day = (pl.col("ci") * span_days // cases).cast(pl.Int64)
    c = c.with_columns((pl.lit(base) + pl.duration(days=day, minutes=pl.col("late_start"))).alias("case_start"))
    dur = pl.when(pl.col("r1") >= 950).then(pl.col("std") * 5).otherwise(pl.col("std") * (pl.col("r1") + 100) // 1000)
    c = c.with_columns(dur.alias("dur"))
    c = c.with_columns((pl.col("dur") + 20).cum_sum().over("ci").alias("off"))
    c = c.with_columns((pl.col("case_start") + pl.duration(minutes=pl.col("off") - pl.col("dur") - 20)).alias("mulai"))
    c = c.with_columns((pl.col("mulai") + pl.duration(minutes=pl.col("dur"))).alias("selesai"))
    output = pl.when(pl.col("r2") < 20).then(None).when(pl.col("r2") < 30).then(pl.lit("laporan lain")).otherwise(pl.col("out"))
    actor = pl.when(pl.col("r3") < 10).then(pl.lit("Kasi")).when(pl.col("r3") < 20).then(pl.lit("Kasubag PK")).otherwise(pl.col("act"))
    frame = c.sort("mulai", "ci", maintain_order=True).select(
        pl.lit(REFERENCE_NOMOR).alias("sop"),
        (pl.format("K-{}", pl.col("ci")) if not part else pl.format("K-{}-{}", pl.lit(part), pl.col("ci"))).alias("kasus"),
        pl.col("step").alias("langkah"),
        actor.alias("pelaksana"),
        pl.col("mulai").dt.strftime("%Y-%m-%d %H:%M"),
        pl.col("selesai").dt.strftime("%Y-%m-%d %H:%M"),
        output.alias("output"),
        pl.lit(None, dtype=pl.String).alias("catatan"),
    )
    return frame


CPU_SECONDS: dict[Path, float] = {}  # CPU time (user + system) of the last check writing each report


def run_check(log: Path, out: Path, extra: tuple[str, ...] = (), cwd: Path = ROOT) -> tuple[float, int, int]:
    """Run `sopgen check` in a fresh process; (wall seconds, peak RSS bytes, exit code).

    The peak is that child's own (os.wait4), not the running maximum over all children that
    RUSAGE_CHILDREN keeps."""
    cmd = [sys.executable, "-m", "sopgen", "check", str(log), "--format", "json", "--output", str(out), *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        CPU_SECONDS[out] = usage.ru_utime + usage.ru_stime
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            sys.stderr.write(err.read().decode("utf-8", "replace"))
            raise SystemExit(f"sopgen check failed with exit {proc.returncode}")
    return wall, usage.ru_maxrss * 1024, proc.returncode


def generated_log(work: Path, events: int) -> Path:
    """work/log-EVENTS.csv, generated unless a kept one is there."""
    log = work / f"log-{events}.csv"
    if not log.exists():
        t = time.perf_counter()
        generate_in_child(log, events)
        sys.stderr.write(f"generated {log} ({log.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s\n")
    return log


def generate_in_child(path: Path, events: int) -> None:
    """Generate the log in another process: a parent grown by ten million generated rows
    would be counted in the peak memory of the checks it forks."""
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_check; bench_check.generate(__import__('pathlib').Path({str(path)!r}), {events})"
    subprocess.run([sys.executable, "-c", code], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", nargs="*", type=int, default=[1_000_000])
    parser.add_argument("--keep", type=Path, help="folder for the generated logs, kept and reused")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (the best and the median are reported)")
    parser.add_argument("--out-of-core", type=int, nargs="*", default=[], metavar="EVENTS", help="sizes checked with --memori (out of core)")
    parser.add_argument("--memori", default="4GB", help="the budget of the out-of-core runs (default 4GB)")
    args = parser.parse_args(argv)
    byte_compile_sopgen()
    work = args.keep or Path(tempfile.mkdtemp(prefix="sopgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'events':>12} {'wall s':>8} {'median s':>9} {'events/s':>12} {'peak MB':>9} {'findings':>10}  target")
    for n in args.events:
        log = generated_log(work, n)
        out = work / f"report-{n}.json"
        runs = []
        for _ in range(args.repeat):
            runs.append(run_check(log, out))
        wall, peak, _code = min(runs)
        median = statistics.median(r[0] for r in runs)
        findings = _count_findings(out)
        target = "< 2 s" if n <= 1_000_000 else "< 20 s, < 2 GB"
        print(f"{n:>12,} {wall:>8.2f} {median:>9.2f} {n / wall:>12,.0f} {peak / 2**20:>9.0f} {findings:>10,}  {target}")
        if not args.keep:
            log.unlink()
            out.unlink()
    for n in args.out_of_core:
        _out_of_core_row(work, n, args.memori, keep=bool(args.keep))
    return 0


def _out_of_core_row(work: Path, n: int, budget: str, keep: bool) -> None:
    """One out-of-core run: `sopgen check --memori BUDGET` in a copy of the project whose
    [batas] admit a log of n events in one file."""
    import shutil

    project = work / "proyek-besar"
    if not project.exists():
        shutil.copytree(ROOT / "sops", project / "sops")
        toml = (ROOT / "sopgen.toml").read_text(encoding="utf-8")
        (project / "sopgen.toml").write_text(toml + "\n[batas]\nlog_mb = 1000000\nbaris = 1000000000\n", encoding="utf-8")
    log = generated_log(work, n)
    out = work / f"report-{n}-ooc.json"
    wall, peak, _code = run_check(log, out, ("--memori", budget), cwd=project)
    findings = _count_findings(out)
    cpu = CPU_SECONDS[out]
    print(
        f"{n:>12,} {wall:>8.2f} {wall:>9.2f} {n / wall:>12,.0f} {peak / 2**20:>9.0f} {findings:>10,}  out of core, --memori {budget}; "
        f"CPU {cpu:.1f} s = {n / cpu:,.0f} events per CPU-second"
    )
    if not keep:
        log.unlink()
        out.unlink()


def _count_findings(path: Path) -> int:
    """The JSON report writes one finding per line: count those lines (no 500 MB parse)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.startswith(b'{"kind"'))


if __name__ == "__main__":
    os.environ.setdefault("POLARS_MAX_THREADS", str(os.cpu_count() or 2))
    raise SystemExit(main())
