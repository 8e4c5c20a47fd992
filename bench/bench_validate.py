"""Validation benchmark: `sopgen validate` over 1,000 SOP files (target: under 2 seconds).

    python bench/bench_validate.py                # 1,000 files: the real SOPs of sops/ copied
                                                  # and varied, plus generated ones
    python bench/bench_validate.py --files 5000

Prints the time of the validate() function (warm, best of 3) and of the `sopgen validate`
command in a fresh Python process (imports included, best of 3 and each run), which is what
CI pays. Projects of 200+ files are validated on all cores (forked workers).

Then the figure an author sees while editing: `sopgen validate sops/<one file>` in the same
1,000-file project, with one file changed before each run (target: a median under 0.3 s; best
and median of --runs runs, wall and CPU); the other files' facts (nomor, keterkaitan) come
from the per-file validation cache when it is warm.

    python bench/bench_validate.py --against /tmp/base --runs 8   # the same figure for another
                                                                   # checkout, runs interleaved

With --against, each checkout validates its own copy of the project (a cache is made by one
version of sopgen and is not valid for another), the runs alternate between the two so that
they share the machine's load, and the best and median wall and CPU times of each are printed.

What is timed is the checkout this script lives in (not whichever sopgen the environment
would import): it goes first on sys.path and on the commands' PYTHONPATH, and its modules are
byte-compiled first, as `pip install` does (with PYTHONDONTWRITEBYTECODE set, as on the
development machine, every process would otherwise compile them again: 0.1 s nobody pays).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from compiled import byte_compile_sopgen  # noqa: E402
from sopfactory import make_project, sop_yaml  # noqa: E402

from sopgen.source.project import load_project  # noqa: E402
from sopgen.source.validate import validate  # noqa: E402


def generate(root: Path, count: int, seed: int = 2) -> Path:
    """The repository's SOPs, copies of them under new numbers, and generated ones (3-40 steps)."""
    rng = random.Random(seed)
    real = sorted((ROOT / "sops").glob("*.yaml"))
    sops: dict[str, str] = {p.name: p.read_text(encoding="utf-8") for p in real}
    for i in range(len(sops), count):
        nomor = f"{100 + i // 100:03d}/{i:04d}/416-317/2023"
        if i % 2 and real:
            text = real[i % len(real)].read_text(encoding="utf-8")
            first = next(line for line in text.splitlines() if line.startswith("nomor:"))
            kode, _, rest = first.split('"')[1].partition("/")
            sops[f"{i:04d}-salin.yaml"] = text.replace(first, f'nomor: "{kode}/{9000 + i}/{rest.partition("/")[2]}"', 1)
        else:
            steps = rng.randint(3, 40)
            decisions = {}
            if steps >= 5:
                at = rng.randint(3, steps - 1)
                decisions[at] = (None, rng.randint(1, at - 1))
            sops[f"{i:04d}-sop.yaml"] = sop_yaml(nomor, f"Pelayanan Uji {i}", steps, actors=rng.randint(1, 4), decisions=decisions)
    return make_project(root, sops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--against", type=Path, help="another checkout: compare `sopgen validate ONE` of both")
    parser.add_argument("--runs", type=int, default=8, help="runs of `sopgen validate ONE` (per checkout with --against)")
    args = parser.parse_args()
    byte_compile_sopgen()
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "proyek", args.files)
        if args.against:
            _target(compare(root, [ROOT, args.against.resolve()], args.runs)[ROOT][0])
            return
        project, _ = load_project(root)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = validate(None, project)
            times.append(time.perf_counter() - start)
        print(f"validate(): {len(result.files)} berkas, {len(result.errors)} galat, {len(result.warnings)} peringatan")
        print(f"validate() terbaik dari 3: {min(times):.3f} s ({min(times) / len(result.files) * 1000:.2f} ms/berkas)")
        walls = []
        for _ in range(3):
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "sopgen", "validate"], cwd=root, env=_env(ROOT), capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
        wall = min(walls)
        print(f"`sopgen validate` (proses baru, termasuk impor), terbaik dari 3: {wall:.3f} s "
              f"({', '.join(f'{w:.2f}' for w in walls)}), exit {proc.returncode} -> {proc.stdout.strip().splitlines()[-1]}")
        print(f"target: < 2 s untuk 1.000 berkas: {'OK' if wall < 2 else 'TIDAK'}")
        _target(compare(root, [ROOT], args.runs)[ROOT][0])


def _target(walls: list[float]) -> None:
    median = statistics.median(walls)
    print(f"target `sopgen validate <satu berkas>`: < 0,3 s (median dinding {median:.3f} s): {'OK' if median < 0.3 else 'TIDAK'}")


def compare(root: Path, trees: list[Path], runs: int) -> dict[Path, tuple[list[float], list[float]]]:
    """`sopgen validate <one file>` from each checkout, in its own copy of the project, the
    checkouts taking turns; the file is edited before every run (the author saved it). The
    first run of each fills its cache and is not counted. Returns each tree's wall and CPU times."""
    import compileall
    import shutil

    name = sorted((root / "sops").glob("*.yaml"))[len(list((root / "sops").glob("*.yaml"))) // 2].name
    original = (root / "sops" / name).read_text(encoding="utf-8")
    copies = {}
    for i, tree in enumerate(trees):
        compileall.compile_dir(tree / "sopgen", quiet=1)
        copies[tree] = root.parent / f"kopi-{i}"
        shutil.copytree(root, copies[tree], ignore=shutil.ignore_patterns(".sopgen-cache"))
    time.sleep(2.5)  # the copies settle (the cache then stamps them, as in an author's project)
    walls: dict[Path, list[float]] = {t: [] for t in trees}
    cpus: dict[Path, list[float]] = {t: [] for t in trees}
    for i in range(runs + 1):  # run 0 fills each cache
        for tree in trees:
            (copies[tree] / "sops" / name).write_text(original.replace("nama:", f"# suntingan {i}\nnama:", 1), encoding="utf-8")
            before, start = _children_cpu(), time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "sopgen", "validate", f"sops/{name}"], cwd=copies[tree],
                                  env=_env(tree), capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{tree}: exit {proc.returncode}: {proc.stdout}{proc.stderr}")
            if i:
                walls[tree].append(time.perf_counter() - start)
                cpus[tree].append(_children_cpu() - before)
    print(f"`sopgen validate sops/{name}` (1 dari {len(list((root / 'sops').glob('*.yaml')))} berkas, diubah tiap kali), {runs} kali per checkout, bergantian:")
    for tree in trees:
        w, c = walls[tree], cpus[tree]
        print(f"  {tree}: dinding terbaik {min(w):.3f} s, median {statistics.median(w):.3f} s; "
              f"CPU (user+sys) terbaik {min(c):.3f} s, median {statistics.median(c):.3f} s")
    return {t: (walls[t], cpus[t]) for t in trees}


def _env(tree: Path) -> dict[str, str]:
    """The environment of a command run from `tree`: that checkout's sopgen first."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))}


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
