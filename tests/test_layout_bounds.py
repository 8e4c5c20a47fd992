"""Routing stays bounded for the largest SOPs validation lets through (issue 13): many loops
back, long spans, crowded page edges. Times are printed by bench/bench_layout.py, not asserted;
these sizes run in a few seconds and the drawings keep the layout's properties."""

from __future__ import annotations

import bisect
from pathlib import Path
import random

import pytest

import sopgen.render.flowchart as flowchart
from sopgen.render.flowchart import FlowNode, Frame, layout
from sopgen.render.flowchart.clearance import free_runs, is_free
from sopgen.render.flowchart.place import MAX_SPAN
import test_layout as props


def loops_back(n: int, loops: int, lanes: int, seed: int, reach: int) -> list[FlowNode]:
    """n steps, `loops` decisions each looping back up to `reach` steps (the rest flows on)."""
    rng = random.Random(seed)
    deciding = set(rng.sample(range(3, n), loops))
    nodes = []
    for no in range(1, n + 1):
        lane = (rng.randrange(lanes),)
        if no in deciding:
            nodes.append(FlowNode(no, lane, "keputusan", None, rng.randint(max(1, no - reach), no - 1), "Lengkap?"))
        else:
            nodes.append(FlowNode(no, lane, "proses"))
    return nodes


def check(nodes: list[FlowNode], frame: Frame):
    lay = layout(nodes, frame)
    case = (nodes, frame, lay)
    props.test_paths_start_and_end_on_symbol_borders(case)
    segments_avoid_symbols_and_labels(lay)
    props.test_connectors_pair_up_in_reading_order(case)
    props.test_drawn_edges_match_the_flow(case)
    return lay


def segments_avoid_symbols_and_labels(lay) -> None:
    """test_layout's check, looking only at the symbols and labels near each segment (a
    300-row page would make the all-pairs check slower than the layout)."""
    items: dict[int, list] = {}
    for r, s in lay.symbols:
        items.setdefault(lay.row_pages[r], []).append((s.y, s.bottom, props.polygon(s)))
    for r, lab in lay.labels:
        items.setdefault(lay.row_pages[r], []).append((lab.y, lab.y + lab.h, props.label_poly(lab)))
    for page in items:
        items[page].sort(key=lambda t: t[0])
    tallest = max((b - a for page in items.values() for a, b, _ in page), default=0.0)
    for path in lay.paths:
        page = items.get(path.page, [])
        tops = [t[0] for t in page]
        for seg in zip(path.points, path.points[1:]):
            lo, hi = min(seg[0][1], seg[1][1]), max(seg[0][1], seg[1][1])
            for top, bottom, poly in page[bisect.bisect_left(tops, lo - tallest - 1) : bisect.bisect_right(tops, hi + 1)]:
                assert not props.interiors_overlap(list(seg), poly), (path, poly)


@pytest.mark.parametrize("rows_per_page", [8, 300], ids=["pages-of-8-rows", "one-long-page"])
def test_300_steps_with_150_loops_back(rows_per_page: int) -> None:
    n = 300
    nodes = loops_back(n, 150, 4, seed=7, reach=60)
    frame = Frame((100.0,) * 4, (60.0,) * n, tuple(i // rows_per_page for i in range(n)))
    lay = check(nodes, frame)
    if rows_per_page == 300:  # the HTML view: loops longer than MAX_SPAN rows go by connectors
        long = [p for p in lay.paths if p.end.kind == "connector" and abs(p.dst - p.src) > MAX_SPAN]
        assert long


def test_many_loops_back_to_the_first_step_still_finish() -> None:
    n = 60
    nodes = [FlowNode(no, ((no - 1) % 4,), "keputusan" if no % 2 == 0 and no > 2 else "proses",
                      None, 1 if no % 2 == 0 and no > 2 else None, "Ulang?") for no in range(1, n + 1)]
    nodes = [nd if nd.kind == "keputusan" else FlowNode(nd.no, nd.lanes, "proses") for nd in nodes]
    frame = Frame((100.0,) * 4, (60.0,) * n, tuple(i // 8 for i in range(n)))
    lay = layout(nodes, frame)
    props.test_drawn_edges_match_the_flow((nodes, frame, lay))
    props.test_paths_start_and_end_on_symbol_borders((nodes, frame, lay))


def test_the_batch_run_test_agrees_with_the_single_one(monkeypatch) -> None:
    """free_runs (every track at once) gives exactly is_free's answer for each track."""
    drafts = []
    real = flowchart.assemble
    monkeypatch.setattr(flowchart, "assemble", lambda draft: (drafts.append(draft), real(draft))[1])
    for seed in range(3):
        nodes = loops_back(60, 25, 3, seed, reach=12)
        rng = random.Random(seed)
        heights = tuple(rng.choice([56.0, 70.0, 90.0]) for _ in nodes)
        layout(nodes, Frame((60.0, 90.0, 120.0), heights, tuple(i // 9 for i in range(60))))
    checked = 0
    for draft in drafts:
        grid, rng = draft.grid, random.Random(1)
        xs = sorted({*grid.tracks, *(s.cx for s in draft.steps)})
        for _ in range(150):
            row = rng.randrange(len(draft.nodes))
            page = grid.page(row)
            y0 = rng.uniform(grid.tops[row], grid.bottom(row))
            rows = grid.page_rows[page]
            y1 = rng.uniform(grid.tops[rows[0]], grid.bottom(rows[-1]))
            for strict in (2, 1):
                single = [is_free(draft, page, [(x, y0), (x, y1)], None, strict) for x in xs]
                assert free_runs(draft, page, xs, y0, y1, strict) == single
                checked += not all(single)
    assert checked > 50  # the runs met obstacles and edges, not only empty space


def test_a_step_too_long_for_a_page_is_a_message_naming_the_file_and_the_fix(tmp_path) -> None:
    """Once "galat internal: MeasureError": now the build says which step to shorten."""
    import os

    from click.testing import CliRunner

    from sopfactory import make_project, sop_yaml
    from sopgen.cli import main

    long = " ".join(["kelengkapan berkas permohonan pemohon diperiksa"] * 60)[:2000]
    root = make_project(tmp_path, {"panjang.yaml": sop_yaml("800/001/416-317/2023", "Panjang", 3, aktivitas={2: long})}, "A4", "potret")
    old = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["build"], env={"CI": "1"})
    finally:
        os.chdir(old)
    assert result.exit_code == 1
    assert "sops/panjang.yaml: gagal: baris langkah 2 terlalu panjang untuk satu halaman" in result.output
    assert "persingkat teks langkah itu" in result.output and "galat internal" not in result.output
