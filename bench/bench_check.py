"""Conformance benchmark: a generated log of the reference SOP, from CSV to the JSON report,
beside the yardsticks it must beat.

    python bench/bench_check.py                      # 1,000,000 events
    python bench/bench_check.py 1000000 10000000     # both sizes
    python bench/bench_check.py --keep /tmp/sopgen-bench --repeat 5 1000000   # keep the CSV (reused next run)
    python bench/bench_check.py --against /work/base --repeat 5 1000000     # another checkout beside this one
    python bench/bench_check.py --keep /tmp/b --only out-of-core --memori 4GB 100000000   # 100M, out of core (and the read)

Each size is generated once into a CSV (not timed). Then, for each size, every mode runs in a
fresh process, the modes interleaved run by run so that they share the machine's load:

- `read`: `polars.read_csv` of the file (Python start, import polars, the read); the read
  alone, timed inside that process, is printed too;
- `minimal`: `minimal_check.py`, a plain polars script doing 2 of the 12 checks (time and
  actor) and writing its findings as JSON: what a peer writes in an afternoon;
- `sopgen`: `sopgen check LOG --format json --output report.json` exactly as a user runs
  it: Python start, imports, loading and validating the project, reading, checking and
  writing the report;
- `sopgen@TREE` (with --against TREE): the same command from another checkout (its own
  sopgen and project), e.g. the morning's commit, to compare two versions under one load.

Printed per mode: the best and median wall time, the median CPU time (user + system: less
sensitive to other processes than the wall time on a shared machine), the peak memory
(ru_maxrss of that child, from os.wait4; the log is generated in another process so the
parent stays small), and the median wall as a multiple of the bare read's and of the minimal
script's. A mode is one function returning its command (`MODES`): a new mode or size (an
out-of-core run, say) is one more function.

Targets on a 2-core machine (issue 14): sopgen at most 2x the bare read and below the
minimal script; 10,000,000 events within 2 GB. sopgen is byte-compiled first, as an
installed package is.

The log is realistic rather than clean: cases start in office hours on any day (weekends
and holidays included, as offices do), steps take 10 %..110 % of their standard and about
5 % take five times it, about 15 % of cases loop back through the decision of step 6 once or
twice, some stop early, some skip step 4, some swap steps 3 and 4, about 2 % of outputs are
missing and 1 % wrong, 2 % of rows name another actor, aliases and ids are used beside
names, and the rows are written in time order (cases interleave), as a log is kept.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

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


def generate_in_child(path: Path, events: int) -> None:
    """Generate the log in another process: a parent grown by ten million generated rows
    would be counted in the peak memory of the checks it forks."""
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_check; bench_check.generate(__import__('pathlib').Path({str(path)!r}), {events})"
    subprocess.run([sys.executable, "-c", code], check=True)


@dataclass(frozen=True)
class Command:
    """One timed process: its arguments, folder and extra environment."""

    args: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""  # said after the mode's line (what was timed instead, and why)


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    peak: int  # bytes (ru_maxrss)
    inner: float | None  # what the child printed as "seconds: X" (the bare read)


def mode_read(log: Path, work: Path) -> Command:
    """The bare read: import polars, read the CSV, print the read's own time. A log whose
    frame would not fit here (more than a quarter of the memory available, at twice its
    bytes) is scanned instead: polars parses every field in its streaming engine and keeps
    nothing, the least any check of that file must do; the line says so."""
    size, available = log.stat().st_size, _available()
    if 2 * size > available // 4:
        code = (
            "import time, polars as pl; t = time.perf_counter(); "
            f"n = pl.scan_csv({str(log)!r}).select(pl.all().null_count()).collect(engine='streaming'); "
            "print('seconds:', time.perf_counter() - t)"
        )
        note = (
            f"  ('read' is a streaming scan: read whole, the {size / 2**30:.1f} GB CSV would need about "
            f"{2 * size / 2**30:.0f} GB, and {available / 2**30:.0f} GB are available on this shared machine)"
        )
        return Command([sys.executable, "-c", code], ROOT, note=note)
    code = (
        "import time, polars as pl; t = time.perf_counter(); "
        f"frame = pl.read_csv({str(log)!r}); print('seconds:', time.perf_counter() - t, frame.height)"
    )
    return Command([sys.executable, "-c", code], ROOT)


def _available() -> int:
    """Bytes of memory available now (MemAvailable), or the machine's when not Linux."""
    try:
        with open("/proc/meminfo") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("MemAvailable:"))
    except (OSError, StopIteration):
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def mode_minimal(log: Path, work: Path) -> Command:
    """The yardstick script (`minimal_check.py`): 2 of the 12 checks in plain polars."""
    sop = ROOT / "sops" / "065-111-pengumpulan-data-kinerja.yaml"
    return Command([sys.executable, str(Path(__file__).parent / "minimal_check.py"), str(sop), str(log), str(work / f"minimal-{log.stem}.json")], ROOT)


def mode_sopgen(log: Path, work: Path, tree: Path = ROOT, name: str = "report") -> Command:
    """`sopgen check` from a checkout: its own package, in a copy of its project whose
    `[batas]` admits the log (`project_for`)."""
    args = [sys.executable, "-m", "sopgen", "check", str(log), "--format", "json", "--output", str(work / f"{name}-{log.stem}.json")]
    return Command(args, project_for(tree, work, log), {"PYTHONPATH": str(tree)})


def project_for(tree: Path, work: Path, log: Path) -> Path:
    """The checkout's sops/ and sopgen.toml in a folder of work, with `[batas] baris` and
    `log_mb` raised to the log's rows and size where the defaults (5,000,000 rows, 2 GB a
    file) would refuse it. A checkout from before `[batas]` is used as it is."""
    if not (tree / "sopgen" / "source" / "limits.py").exists():
        return tree
    folder = work / f"project-{tree.name}-{log.stem}"
    if (tree, log) not in _PROJECTS:  # made afresh once per run: the checkout may have changed
        with open(log, "rb") as fh:
            rows = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b""))
        config = (tree / "sopgen.toml").read_text(encoding="utf-8")
        if "[batas]" in config:
            raise SystemExit(f"{tree / 'sopgen.toml'} has its own [batas]: the bench cannot raise the limits")
        config += f"\n[batas]\nbaris = {max(rows, 5_000_000)}\nlog_mb = {max((log.stat().st_size >> 20) + 1, 2048)}\n"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(tree / "sops", folder / "sops")
        (folder / "sopgen.toml").write_text(config, encoding="utf-8")
        _PROJECTS[(tree, log)] = folder
    return _PROJECTS[(tree, log)]


_PROJECTS: dict[tuple[Path, Path], Path] = {}


MODES: dict[str, Callable[[Path, Path], Command]] = {"read": mode_read, "minimal": mode_minimal, "sopgen": mode_sopgen}
MEMORI = "4GB"  # the budget of the out-of-core mode (--memori)


def mode_outofcore(log: Path, work: Path) -> Command:
    """`sopgen check --memori MEMORI`: a log bigger than the budget is checked out of core
    (in the project copy `project_for` makes)."""
    args = [sys.executable, "-m", "sopgen", "check", str(log), "--format", "json", "--output", str(work / f"report-{log.stem}.json"), "--memori", MEMORI]
    return Command(args, project_for(ROOT, work, log), {"PYTHONPATH": str(ROOT)})


def _stopped(stage: str) -> Callable[[Path, Path], Command]:
    """`sopgen check` as mode_sopgen runs it, ended (os._exit) where `stage` begins:
    `read_input` (what starting, importing and loading the project cost) or the engine's
    `_run` (that and reading the logs). The floor under the whole check: its rules, summary
    and report come on top."""

    def mode(log: Path, work: Path) -> Command:
        cmd = mode_sopgen(log, work)
        code = (
            "import os, sys; import sopgen.conformance.engine as e; "
            f"setattr(e, {stage!r}, lambda *a, **k: os._exit(0)); "
            f"sys.argv = ['sopgen', *{cmd.args[3:]!r}]; from sopgen.cli import main; main()"
        )
        return Command([sys.executable, "-c", code], cmd.cwd, cmd.env)

    return mode


# Modes run only when named with --only (a 100M log: `--only out-of-core --memori 4GB 100000000`;
# where the one-frame check's time goes: `--only read --only minimal --only sopgen --only
# sopgen-start --only sopgen-read`).
EXTRA_MODES: dict[str, Callable[[Path, Path], Command]] = {
    "out-of-core": mode_outofcore,
    "sopgen-start": _stopped("read_input"),
    "sopgen-read": _stopped("_run"),
}


def run(cmd: Command) -> Run:
    """Run a command in a fresh process; its wall time, CPU time, peak memory, inner figure.

    The peak is that child's own (os.wait4), not the running maximum over all children that
    RUSAGE_CHILDREN keeps."""
    env = {**os.environ, **cmd.env}
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd.args, cwd=cmd.cwd, stdout=out, stderr=err, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            sys.stderr.write(err.read().decode("utf-8", "replace"))
            raise SystemExit(f"{' '.join(cmd.args[:4])} ... failed with exit {code}")
        out.seek(0)
        inner = next((float(line.split()[1]) for line in out.read().decode().splitlines() if line.startswith("seconds:")), None)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, inner)


def bench_size(n: int, log: Path, work: Path, modes: dict[str, Callable[[Path, Path], Command]], repeat: int) -> dict[str, list[Run]]:
    """Every mode on one log, interleaved run by run; prints one line per mode."""
    runs: dict[str, list[Run]] = {name: [] for name in modes}
    notes: dict[str, str] = {}
    for _ in range(repeat):
        for name, mode in modes.items():
            cmd = mode(log, work)
            notes[name] = cmd.note
            runs[name].append(run(cmd))
    med = {name: statistics.median(r.wall for r in rs) for name, rs in runs.items()}
    for name, rs in runs.items():
        best = min(r.wall for r in rs)
        inner = [r.inner for r in rs if r.inner is not None]
        note = f"  (the read alone: best {min(inner):.2f} s, median {statistics.median(inner):.2f} s)" if inner else ""
        ratio_read = med[name] / med["read"] if "read" in med else float("nan")
        ratio_min = med[name] / med["minimal"] if "minimal" in med else float("nan")
        print(
            f"{n:>12,} {name:<18} {best:>7.2f} {med[name]:>8.2f} {statistics.median(r.cpu for r in rs):>8.2f} "
            f"{max(r.peak for r in rs) / 2**20:>8.0f} {n / med[name]:>11,.0f} {ratio_read:>7.2f} {ratio_min:>7.2f}{note}{notes[name]}",
            flush=True,
        )
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", nargs="*", type=int, default=[1_000_000])
    parser.add_argument("--keep", type=Path, help="folder for the generated logs, kept and reused")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size and mode (the best and the median are reported)")
    parser.add_argument("--against", type=Path, action="append", default=[], help="another checkout whose sopgen runs beside this one")
    parser.add_argument("--only", action="append", choices=sorted({**MODES, **EXTRA_MODES}), help="run only these modes (repeatable)")
    parser.add_argument("--memori", default=MEMORI, help="the budget of the out-of-core mode (default 4GB)")
    args = parser.parse_args(argv)
    globals()["MEMORI"] = args.memori
    # Byte-compiled first, as an installed package is (see compiled.py): with
    # PYTHONDONTWRITEBYTECODE set, a checkout would compile sopgen again in every process.
    compileall.compile_dir(ROOT / "sopgen", quiet=1)
    modes = dict(MODES)
    if args.only:
        # The out-of-core line is read beside the bare read (its ratio): the read runs too.
        wanted = set(args.only) | ({"read"} if "out-of-core" in args.only else set())
        modes = {k: v for k, v in {**MODES, **EXTRA_MODES}.items() if k in wanted}
    for tree in args.against:
        tree = tree.resolve()
        compileall.compile_dir(tree / "sopgen", quiet=1)
        modes[f"sopgen@{tree.name}"] = lambda log, work, tree=tree: mode_sopgen(log, work, tree, f"report-{tree.name}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="sopgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'events':>12} {'mode':<18} {'best s':>7} {'median s':>8} {'cpu s':>8} {'peak MB':>8} {'events/s':>11} {'x read':>7} {'x min':>7}")
    for n in args.events:
        log = work / f"log-{n}.csv"
        if not log.exists():
            t = time.perf_counter()
            generate_in_child(log, n)
            sys.stderr.write(f"generated {log} ({log.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s\n")
        bench_size(n, log, work, modes, args.repeat)
        report = work / f"report-{log.stem}.json"
        if report.exists():
            print(f"{'':>12} sopgen findings: {_count_findings(report):,}", flush=True)
        if not args.keep:
            for f in work.glob(f"*{log.stem}*"):
                shutil.rmtree(f) if f.is_dir() else f.unlink()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _count_findings(path: Path) -> int:
    """The JSON report writes one finding per line: count those lines (no 500 MB parse)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.startswith(b'{"kind"'))


if __name__ == "__main__":
    os.environ.setdefault("POLARS_MAX_THREADS", str(os.cpu_count() or 2))
    raise SystemExit(main())
