"""Layout benchmark: flowchart layout time for growing numbers of steps and loops back.

Prints, for each size, the time `flowchart.layout` takes on the printed pages (8 rows a page,
A4 landscape at the minimum row height) and on the HTML view's one long page, for loops back
to random earlier steps (up to 60 back) and for every loop back to step 1 (a crowded page
edge: validation refuses more than 8 branches into one step, SOP704, so this column shows the
layout alone on input `sopgen build` never lets through). With --build, also a full `sopgen build` of a generated SOP of each size (WeasyPrint
included). Figures are printed, never asserted.

    python bench/bench_layout.py                  # layout only, 50 .. 300 steps
    python bench/bench_layout.py --build          # and full builds (minutes)
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from sopfactory import make_project, sop_yaml  # noqa: E402

from sopgen.render.flowchart import FlowNode, Frame, layout  # noqa: E402

SIZES = [(50, 25), (100, 50), (200, 100), (300, 150)]


def nodes(n: int, loops: int, to_first: bool, seed: int = 7) -> list[FlowNode]:
    rng = random.Random(seed)
    deciding = set(rng.sample(range(3, n), loops))
    out = []
    for no in range(1, n + 1):
        lane = ((no - 1) % 4,)
        if no in deciding:
            target = 1 if to_first else rng.randint(max(1, no - 60), no - 1)
            out.append(FlowNode(no, lane, "keputusan", None, target, "Lengkap?"))
        else:
            out.append(FlowNode(no, lane, "proses"))
    return out


def time_layout(n: int, loops: int, to_first: bool, rows_per_page: int) -> float:
    frame = Frame((100.0,) * 4, (60.0,) * n, tuple(i // rows_per_page for i in range(n)))
    flow = nodes(n, loops, to_first)
    start = time.perf_counter()
    layout(flow, frame)
    return time.perf_counter() - start


def time_build(n: int, loops: int) -> float:
    from sopgen.render.build import build
    from sopgen.source.project import load_project

    rng = random.Random(n)
    deciding = rng.sample(range(3, n), loops)
    decisions = {no: (None, rng.randint(max(1, no - 60), no - 1)) for no in deciding}
    with tempfile.TemporaryDirectory() as tmp:
        text = sop_yaml("800/001/416-317/2023", "Bench", n, decisions=decisions)
        root = make_project(Path(tmp), {"bench.yaml": text})
        (root / "sopgen.toml").write_text((root / "sopgen.toml").read_text() + "\n[batas]\nlangkah = 300\n")
        project, _ = load_project(root)
        start = time.perf_counter()
        result = build(project)
        seconds = time.perf_counter() - start
        if not result.ok:
            print(f"  build failed: {result.summary()} {[o.message for o in result.failed]}")
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time full builds")
    args = parser.parse_args()
    print(f"{'steps':>5} {'loops':>5}  {'random: pages':>14} {'one page':>9}  {'to step 1: pages':>17} {'one page':>9}")
    for n, loops in SIZES:
        times = [time_layout(n, loops, first, rows) for first in (False, True) for rows in (8, n)]
        print(f"{n:5d} {loops:5d}  {times[0]:13.2f}s {times[1]:8.2f}s  {times[2]:16.2f}s {times[3]:8.2f}s", flush=True)
    if args.build:
        print("full build (validate, WeasyPrint, layout, PDF + HTML view):")
        for n, loops in SIZES:
            print(f"{n:5d} steps {loops:4d} loops back: {time_build(n, loops):.1f}s", flush=True)


if __name__ == "__main__":
    main()
