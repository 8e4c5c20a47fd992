"""The flowchart rules of Permenpan RB 35/2012 as properties of generated SOPs (issue 10).

Flows come from Hypothesis (a fixed, bounded set of examples per paper: derandomized, so CI
sees the same ones every run) and are laid out in the frame the renderer would give them on
F4 and A4, landscape and portrait: the lane widths of the paper's table, rows as tall as
`min_row_heights` asks (or taller, as a long activity text makes them), pages cut when a
page is full. Then, on the layout's geometry and its SVG (never pixels):

- no symbol in an actor's column that has nothing to do with its step;
- no text under 6 pt, and a question's lines inside its diamond;
- no line through a symbol or a caption, no caption over a table rule between columns;
- every arrow joined: it starts and ends on a symbol's border (off-page connectors included);
- every crossing of two lines has a line jump.

A few real renders (one SOP on each paper) check the same on the measured frame.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import test_layout as props
from sopgen.render.flowchart import END, MIN_LANE_WIDTH, FlowNode, Frame, Layout, Symbol, layout, min_row_heights
from sopgen.render.flowchart.place import END_STEM
from sopgen.render.flowchart.text import CHAR_W
from sopgen.render.html import PAGE_MARGIN_MM, PT_PER_MM, RenderError, column_widths

TOL = props.TOL
PAPERS = {("F4", "lanskap"): (330, 215), ("F4", "potret"): (215, 330), ("A4", "lanskap"): (297, 210), ("A4", "potret"): (210, 297)}
LABELS = [("Ya", "Tidak"), ("lengkap", "tidak lengkap"), ("dinas", "pribadi"), ("setuju", "ditolak")]
QUESTIONS = [
    "",
    "Lengkap?",
    "Data sesuai SIAK?",
    "Kelengkapan berkas?",
    "Berkas permohonan sudah lengkap dan benar?",
    "Apakah konsep surat sudah diparaf oleh Kasi Pemerintahan dan Sekretaris Kecamatan?",
]


def lane_widths(paper: tuple[str, str], lanes: int) -> tuple[float, ...] | None:
    """The lanes of the paper's Mekanisme table (None: the paper cannot hold that many)."""
    width_mm = PAPERS[paper][0] - PAGE_MARGIN_MM[1] - PAGE_MARGIN_MM[3]
    try:
        return column_widths(width_mm * PT_PER_MM, lanes, MIN_LANE_WIDTH).lanes
    except RenderError:
        return None


@st.composite
def flows(draw, paper: tuple[str, str]) -> tuple[list[FlowNode], Frame]:
    lanes = draw(st.integers(1, 8))
    widths = lane_widths(paper, lanes)
    while widths is None:
        lanes -= 1
        widths = lane_widths(paper, lanes)
    n = draw(st.integers(1, 24))
    nodes = []
    for no in range(1, n + 1):
        own = draw(st.integers(0, lanes - 1))
        joint = draw(st.sets(st.integers(0, lanes - 1), max_size=2)) if draw(st.integers(0, 5)) == 0 else set()
        chosen = tuple(sorted({own, *joint}))
        if n > 1 and draw(st.integers(0, 4)) == 0:
            # as offices write them: back a few steps, ahead a few, or the end
            near = st.integers(max(1, no - 4), min(n, no + 4)).filter(lambda t, no=no: t != no)
            targets = st.one_of(st.none(), st.just(END), near) if n > 1 else st.just(END)
            ya, tidak = draw(targets), draw(targets)
            label_ya, label_tidak = draw(st.sampled_from(LABELS))
            question = draw(st.sampled_from(QUESTIONS))
            nodes.append(FlowNode(no, chosen, "keputusan", ya, tidak, question, label_ya, label_tidak))
        else:
            nodes.append(FlowNode(no, chosen, "proses"))
    need = min_row_heights(nodes, widths)
    heights = tuple(h + draw(st.sampled_from([0.0, 0.0, 13.5, 47.0])) for h in need)
    page_h = (PAPERS[paper][1] - PAGE_MARGIN_MM[0] - PAGE_MARGIN_MM[2]) * PT_PER_MM - 90.0  # title, header row
    pages, page, used = [], 0, 0.0
    for h in heights:
        if used and used + h > page_h:
            page, used = page + 1, 0.0
        pages.append(page)
        used += h
    return nodes, Frame(widths, heights, tuple(pages))


# -- the properties ---------------------------------------------------------------------------


def lane_edges(frame: Frame) -> list[float]:
    return [sum(frame.lane_widths[:k]) for k in range(len(frame.lane_widths) + 1)]


def check_symbols_in_own_columns(nodes: list[FlowNode], frame: Frame, lay: Layout) -> None:
    edges = lane_edges(frame)
    for row, sym in lay.symbols:
        if sym.kind == "connector":
            continue
        covered = {k for k, (a, b) in enumerate(pairwise(edges)) if sym.x < b - TOL and sym.right > a + TOL}
        assert covered <= set(nodes[row].lanes), (row, sym, nodes[row].lanes)


def check_text(lay: Layout) -> None:
    """Every font size >= 6 pt; each line of a question inside its diamond (width estimated
    from the number of characters, as for sizing)."""
    for row in range(len(lay.rows)):
        svg = ET.fromstring(lay.svg(row))
        diamonds = [s for s in lay.rows[row] if isinstance(s, Symbol) and s.kind == "decision"]
        for text in svg.iter("{http://www.w3.org/2000/svg}text"):
            size = float(text.get("font-size"))
            assert size >= 6.0
            if text.get("text-anchor") != "middle":
                continue
            x, y, w = float(text.get("x")), float(text.get("y")), len(text.text) * CHAR_W * size
            box = [(x - w / 2, y - 0.8 * size), (x + w / 2, y - 0.8 * size), (x - w / 2, y + 0.2 * size), (x + w / 2, y + 0.2 * size)]
            owner = [d for d in diamonds if d.x <= x <= d.right and d.y <= y <= d.bottom]
            for d in owner:
                for px, py in box:
                    assert abs(px - d.cx) / (d.w / 2) + abs(py - d.cy) / (d.h / 2) <= 1 + TOL, (row, text.text, d)


def check_lines_clear(frame: Frame, lay: Layout) -> None:
    """No edge or joint step's line through a symbol or caption; captions off the table rules."""
    for page in set(frame.row_pages):
        symbols, labels = props.page_items(lay, page)
        lines = [(p, list(seg)) for p in lay.paths if p.page == page for seg in pairwise(p.points)]
        lines += [(j, list(j.points)) for _, j in lay.joins if j.page == page]
        for owner, seg in lines:
            for sym in symbols:
                assert not props.interiors_overlap(seg, props.polygon(sym)), (owner, sym)
            for label in labels:
                assert not props.interiors_overlap(seg, props.label_poly(label)), (owner, label)
        for _, join in lay.joins:  # no edge runs along a joint step's line
            if join.page == page:
                assert not any(props.collinear_overlap(seg, join.points) for owner, seg in lines if owner is not join), join
    rules = lane_edges(frame)[1:-1]
    for row, label in lay.labels:  # none across a rule, on a white ground hiding part of it
        assert not label.mask and not any(label.x < x < label.x + label.w for x in rules), label


def check_arrows_joined(lay: Layout) -> None:
    props.test_paths_start_and_end_on_symbol_borders((None, None, lay))
    for _, join in lay.joins:
        (x1, y), (x2, _) = join.points
        for sym, x in ((join.left, x1), (join.right, x2)):
            if sym.kind == "decision":
                assert abs(abs(x - sym.cx) / (sym.w / 2) + abs(y - sym.cy) / (sym.h / 2) - 1) < TOL
            else:
                assert abs(x - sym.x) < TOL or abs(x - sym.right) < TOL


def check_all(nodes: list[FlowNode], frame: Frame, lay: Layout) -> None:
    check_symbols_in_own_columns(nodes, frame, lay)
    check_text(lay)
    check_lines_clear(frame, lay)
    check_arrows_joined(lay)
    props.test_crossing_lines_show_a_bridge((nodes, frame, lay))
    # the flow's edges, named by the captions the SOP gives its branches
    named = [FlowNode(n.no, n.lanes, n.kind, n.ya, n.tidak, n.label) for n in nodes]
    renamed = {(n.no, n.label_ya): "Ya" for n in nodes} | {(n.no, n.label_tidak): "Tidak" for n in nodes}
    plain = [replace(p, branch=renamed.get((p.src, p.branch), p.branch)) for p in lay.paths]
    props.test_drawn_edges_match_the_flow((named, frame, replace(lay, paths=tuple(plain))))


@pytest.mark.parametrize("paper", list(PAPERS), ids=lambda p: f"{p[0]}-{p[1]}")
def test_layout_rules_hold_on_generated_sops(paper: tuple[str, str]) -> None:
    @settings(max_examples=30, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.too_slow])
    @given(flows(paper))
    def check(case: tuple[list[FlowNode], Frame]) -> None:
        nodes, frame = case
        check_all(nodes, frame, layout(nodes, frame))

    check()


# -- real renders ------------------------------------------------------------------------------

SOP = Path(__file__).parent / "cases" / "valid" / "flowchart-rules"


@pytest.mark.parametrize("paper", list(PAPERS), ids=lambda p: f"{p[0]}-{p[1]}")
def test_layout_rules_hold_in_the_rendered_pdf(paper: tuple[str, str], tmp_path: Path) -> None:
    """A joint step over non-adjacent columns, custom captions, a branch to the end and a long
    question, rendered on each paper: the measured frame keeps the rules too, and the captions
    and the end capsule of test_layout_captions."""
    from sopgen.render.pdf import flow_nodes, render_sop
    from sopgen.source.project import load_project
    from sopgen.source.validate import validate

    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "alur.yaml").write_bytes((SOP / "sops" / "alur.yaml").read_bytes())
    toml = (SOP / "sopgen.toml").read_text(encoding="utf-8")
    toml = re.sub(r'ukuran = "\w+"', f'ukuran = "{paper[0]}"', re.sub(r'orientasi = "\w+"', f'orientasi = "{paper[1]}"', toml))
    (tmp_path / "sopgen.toml").write_text(toml, encoding="utf-8")
    project, _ = load_project(tmp_path)
    sop = validate([tmp_path / "sops" / "alur.yaml"], project).sops[0]
    out = render_sop(sop, project, slug="alur", content_hash="uji")
    lay, geometry = out.layout, out.geometry
    nodes = flow_nodes(sop)
    frame = Frame(geometry.lane_widths_pt, geometry.row_heights_pt, geometry.row_pages)
    check_all(nodes, frame, lay)
    from test_layout_captions import check_captions_beside_their_lines, check_end_capsules  # it imports this module

    check_captions_beside_their_lines(lay)  # each branch caption by the line it names
    check_end_capsules(lay, END_STEM)  # "Selesai" under its diamond, a stem long enough to see
    need = min_row_heights(nodes, geometry.lane_widths_pt)
    assert all(h >= n - 1.0 for h, n in zip(geometry.row_heights_pt, need)), "a question's row got the height it asked for"
    assert render_sop(sop, project, slug="alur", content_hash="uji").pdf == out.pdf, "same input, same PDF bytes"
