"""A decision's branch captions and its "Selesai" capsule, on the layout's geometry.

Permenpan RB 35/2012's form labels each branch of a decision diamond ("Ya"/"Tidak", or the
SOP's own words) right where it leaves the diamond, beside its line. Before: on A4 portrait
the caption of a branch to the end ("pribadi" in flowchart-rules) was pushed a row down, away
from any line, and the capsule sat 3.5 pt under the diamond, crammed into the row, its arrow
barely visible; on F4 landscape the same caption sat 9 pt from the stem, against the diamond.

Checked on the SOPs of flowchart-rules and of `sops/` (the office's real ones, the reference
among them) laid out in the lanes each paper gives them, rows as tall as the layout asks; and,
for the capsule, on the generated SOPs of test_layout.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import pytest

import test_layout as props
from sopgen.render.flowchart import END, FlowNode, Frame, Label, Layout, layout, min_row_heights
from sopgen.render.flowchart.place import END_STEM
from sopgen.render.flowchart.shapes import ARROW, ARROW_HALF
from test_layout_properties import PAPERS, lane_edges, lane_widths

TOL = props.TOL
NEAR = 2.0  # a caption's box is at most this far from its line: it touches it, or nearly
ALONG = 120.0  # how far along its branch a caption may sit where its first line has no clean room, pt
CORNER = 12.0  # a first line that is only a stub to its track: the caption may sit round the corner
ARROW = 6.0  # the least visible line into the capsule: 3 pt of arrowhead and 3 pt of line

ROOT = Path(__file__).parent.parent
SOPS = {
    "flowchart-rules": (Path(__file__).parent / "cases" / "valid" / "flowchart-rules", "alur.yaml"),
    **{p.stem[:7]: (ROOT, p.name) for p in sorted((ROOT / "sops").glob("*.yaml"))},
}


@lru_cache(maxsize=None)
def flow(name: str) -> tuple[FlowNode, ...]:
    from sopgen.render.pdf import flow_nodes
    from sopgen.source.project import load_project
    from sopgen.source.validate import validate

    root, file = SOPS[name]
    project, _ = load_project(root)
    result = validate(sorted((root / "sops").glob("*.yaml")), project)  # all: they refer to each other
    return tuple(flow_nodes(next(s for s in result.sops if s.path.name == file)))


@lru_cache(maxsize=None)
def laid_out(name: str, paper: tuple[str, str]) -> tuple[list[FlowNode], Frame, Layout]:
    nodes = list(flow(name))
    widths = lane_widths(paper, max(k for n in nodes for k in n.lanes) + 1)
    frame = Frame(widths, min_row_heights(nodes, widths), (0,) * len(nodes))
    return nodes, frame, layout(nodes, frame)


def gap(box: tuple[float, float, float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far a box is from an axis-parallel segment (0 when they touch or overlap)."""
    (sx0, sx1), (sy0, sy1) = sorted((a[0], b[0])), sorted((a[1], b[1]))
    return max(sx0 - box[2], box[0] - sx1, sy0 - box[3], box[1] - sy1, 0.0)


def start_of(points: tuple, length: float) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The first `length` pt of a polyline, as segments."""
    out = []
    for a, b in pairwise(points):
        run = abs(b[0] - a[0]) + abs(b[1] - a[1])
        if run >= length:
            t = length / run if run else 0.0
            out.append((a, (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)))
            return out
        out.append((a, b))
        length -= run
    return out


def branch_of(lay: Layout, label: Label):
    """The edge a caption names: it leaves its decision's diamond under that caption."""
    return next(p for p in lay.paths if p.start.kind == "decision" and p.start.step_no == label.step_no and p.branch == label.text)


def check_captions_beside_their_lines(lay: Layout) -> None:
    """Beside the first line of its branch when that line is long enough to hold it; else
    beside its branch further on (a stub to its track, or no room off the table rules and
    other lines there), within ALONG pt of the diamond."""
    for row, label in lay.labels:
        path = branch_of(lay, label)
        (a, b), box = path.points[:2], label.box()
        first = abs(b[0] - a[0]) + abs(b[1] - a[1])
        near = min(gap(box, p, q) for p, q in start_of(path.points, max(first + CORNER, ALONG) + label.w + label.h))
        assert near <= NEAR, (label, path.points[:3], near)
        if first >= label.h + CORNER:  # a first line of some length: beside it, not past its end
            assert gap(box, a, b) <= NEAR, (label, path.points[:2])


def check_captions_clear(frame: Frame, lay: Layout) -> None:
    """Inside the drawing and its row; over no symbol, line or other caption."""
    for row, label in lay.labels:
        top = lay.row_tops[row]
        assert -TOL <= label.x and label.x + label.w <= lay.width + TOL, label
        assert top - TOL <= label.y and label.y + label.h <= top + lay.row_heights[row] + TOL, label
        symbols, labels = props.page_items(lay, frame.row_pages[row])
        for sym in symbols:
            assert not props.interiors_overlap(props.label_poly(label), props.polygon(sym)), (label, sym)
        for other in labels:
            if other is not label:
                assert not props.interiors_overlap(props.label_poly(label), props.label_poly(other)), (label, other)
        lines = [seg for p in lay.paths if p.page == frame.row_pages[row] for seg in pairwise(p.points)]
        lines += [j.points for _, j in lay.joins if j.page == frame.row_pages[row]]
        for seg in lines:
            assert not props.interiors_overlap(list(seg), props.label_poly(label)), (label, seg)
        for path in lay.paths:  # nor over an arrowhead, wider than its line
            if path.page == frame.row_pages[row]:
                assert not props.interiors_overlap(arrowhead(path), props.label_poly(label)), (label, path.points[-2:])


def arrowhead(path) -> list[tuple[float, float]]:
    """The triangle svg draws at a path's tip: ARROW long, 2 * ARROW_HALF wide at its base."""
    (px, py), (qx, qy) = path.points[-2:]
    run = abs(qx - px) + abs(qy - py)
    ux, uy = (qx - px) / run, (qy - py) / run
    bx, by = qx - ux * ARROW, qy - uy * ARROW
    return [(qx, qy), (bx - uy * ARROW_HALF, by + ux * ARROW_HALF), (bx + uy * ARROW_HALF, by - ux * ARROW_HALF)]


def check_captions_off_the_rules(frame: Frame, lay: Layout) -> None:
    """No caption across a table rule between two actors' columns, and none on a white ground
    (it would hide the part of a line under it)."""
    rules = lane_edges(frame)[1:-1]
    for row, label in lay.labels:
        crossed = [x for x in rules if label.x - TOL < x < label.x + label.w + TOL]
        assert not crossed, (label, crossed)
        assert not label.mask, label
    for row in range(len(lay.rows)):
        assert '<g fill="#fff" stroke="none">' not in lay.svg(row), row


def check_captions_nearest_their_own_lines(lay: Layout, margin: float = 1.0) -> None:
    """The line nearest a caption is its own branch's, by `margin` pt at least: it is not read as
    the caption of another edge it also sits beside."""
    for row, label in lay.labels:
        own = branch_of(lay, label)
        mine = min(gap(label.box(), a, b) for a, b in pairwise(own.points))
        for path in lay.paths:
            if path is own or path.page != own.page:
                continue
            for seg in pairwise(path.points):
                shared = any(props.collinear_overlap(seg, o) for o in pairwise(own.points))  # a merge
                assert shared or gap(label.box(), *seg) >= mine + margin, (label, mine, path.points)


def check_end_capsules(lay: Layout, stem: float = ARROW) -> None:
    """Each "Selesai" below its diamond, clear of it, reached by a line of at least `stem` pt
    ending in an arrowhead on its top (row-strip coordinates: the arrow is drawn)."""
    for row, cap in lay.symbols:
        if cap.kind != "end":
            continue
        diamond = next(s for r, s in lay.symbols if r == row and s.kind == "decision")
        assert not props.interiors_overlap(props.polygon(cap), props.polygon(diamond)), (cap, diamond)
        assert cap.y - diamond.bottom >= stem - TOL, (cap, diamond)
        down = ((diamond.cx, diamond.bottom), (diamond.cx, cap.y))  # (both branches may end: one by a side)
        assert [p.points for p in lay.paths if p.end is cap and p.points[0] == down[0]] == [down]
        local = cap.y - lay.row_tops[row]
        drawn = [s for s in lay.rows[row] if getattr(s, "arrow", False) and abs(s.y2 - local) < TOL and abs(s.x2 - cap.cx) < TOL]
        assert len(drawn) == 1 and drawn[0].y2 - drawn[0].y1 >= stem - TOL, drawn


@pytest.mark.parametrize("paper", list(PAPERS), ids=lambda p: f"{p[0]}-{p[1]}")
@pytest.mark.parametrize("name", list(SOPS))
def test_captions_sit_beside_the_lines_they_name(name: str, paper: tuple[str, str]) -> None:
    nodes, frame, lay = laid_out(name, paper)
    assert len(lay.labels) == 2 * sum(n.kind == "keputusan" for n in nodes)
    check_captions_beside_their_lines(lay)
    check_captions_clear(frame, lay)


@pytest.mark.parametrize("paper", list(PAPERS), ids=lambda p: f"{p[0]}-{p[1]}")
@pytest.mark.parametrize("name", list(SOPS))
def test_captions_cross_no_column_rule_and_hide_no_line(name: str, paper: tuple[str, str]) -> None:
    """Before: on A4 portrait "pribadi", "lengkap" and "Tidak" of flowchart-rules and the
    reference's "Tidak" lay across the rule beside their diamond, on a white ground that hid
    part of it (065-121's "Tidak" on every paper)."""
    nodes, frame, lay = laid_out(name, paper)
    check_captions_off_the_rules(frame, lay)
    check_captions_clear(frame, lay)
    check_captions_beside_their_lines(lay)
    check_captions_nearest_their_own_lines(lay)


@pytest.mark.parametrize("paper", list(PAPERS), ids=lambda p: f"{p[0]}-{p[1]}")
def test_captions_of_the_reference_sop_in_its_rendered_pdf(paper: tuple[str, str], tmp_path: Path) -> None:
    """The reference SOP (065-111) rendered on each paper, in the frame WeasyPrint measured
    (rows as tall as their activity text). Before: on A4 and F4 portrait its "Tidak" lay
    across the rule on a white ground; with the rule kept clear but no care for other lines, on
    A4 portrait it sat on the line from step 5 into the diamond, as if it named that one."""
    from sopgen.render.pdf import render_sop
    from sopgen.source.project import load_project
    from sopgen.source.validate import validate

    (tmp_path / "sops").mkdir()
    for sop_file in (ROOT / "sops").glob("*.yaml"):  # they refer to each other
        (tmp_path / "sops" / sop_file.name).write_bytes(sop_file.read_bytes())
    toml = (ROOT / "sopgen.toml").read_text(encoding="utf-8")
    toml = re.sub(r'ukuran = "\w+"', f'ukuran = "{paper[0]}"', re.sub(r'orientasi = "\w+"', f'orientasi = "{paper[1]}"', toml))
    (tmp_path / "sopgen.toml").write_text(toml, encoding="utf-8")
    project, _ = load_project(tmp_path)
    result = validate(sorted((tmp_path / "sops").glob("*.yaml")), project)
    sop = next(s for s in result.sops if s.path.name.startswith("065-111"))
    out = render_sop(sop, project, slug="ref", content_hash="uji")
    geometry, lay = out.geometry, out.layout
    frame = Frame(geometry.lane_widths_pt, geometry.row_heights_pt, geometry.row_pages)
    assert len(lay.labels) == 2
    check_captions_off_the_rules(frame, lay)
    check_captions_clear(frame, lay)
    check_captions_beside_their_lines(lay)
    check_captions_nearest_their_own_lines(lay)


@pytest.mark.parametrize("paper", list(PAPERS), ids=lambda p: f"{p[0]}-{p[1]}")
def test_a_branch_to_the_end_has_a_capsule_with_room_and_its_caption_by_the_stem(paper: tuple[str, str]) -> None:
    """flowchart-rules step 4: "pribadi" ends, "dinas" goes on. The row asked for the room:
    the whole stem, and "pribadi" beside it between the diamond and the capsule."""
    nodes, frame, lay = laid_out("flowchart-rules", paper)
    check_end_capsules(lay, END_STEM)
    (row, cap), = [(r, s) for r, s in lay.symbols if s.kind == "end"]
    assert nodes[row].no == 4 and nodes[row].tidak == END
    diamond = lay.symbols[row][1]
    label = next(lab for _, lab in lay.labels if lab.text == "pribadi")
    assert label.y >= diamond.bottom - TOL and label.y + label.h <= cap.y + TOL, (label, diamond, cap)
    assert min(abs(label.x - diamond.cx), abs(label.x + label.w - diamond.cx)) <= NEAR, (label, diamond)


@pytest.mark.parametrize("paper", list(PAPERS), ids=lambda p: f"{p[0]}-{p[1]}")
@pytest.mark.parametrize("name", list(SOPS))
def test_every_end_capsule_shows_its_arrow(name: str, paper: tuple[str, str]) -> None:
    check_end_capsules(laid_out(name, paper)[2])


def test_end_capsules_of_generated_sops_show_their_arrows(case) -> None:
    """In any row at least MIN_ROW_HEIGHT tall, asked for or not."""
    check_end_capsules(case[2])


@pytest.fixture(scope="module", params=props.GENERATED[::3], ids=lambda c: f"seed{c[0]}-n{c[1]}-lanes{c[2]}")
def case(request: pytest.FixtureRequest) -> tuple[list[FlowNode], Frame, Layout]:
    nodes, frame = props.make_case(*request.param)
    return nodes, frame, layout(nodes, frame)


def test_a_decision_row_with_the_end_below_asks_for_the_stem() -> None:
    ends = FlowNode(2, (0,), "keputusan", None, END, "Lengkap?")
    goes_on = FlowNode(2, (0,), "keputusan", None, 1, "Lengkap?")
    first, last = FlowNode(1, (0,), "proses"), FlowNode(3, (0,), "proses")
    with_end, without = min_row_heights([first, ends, last], (90.0,)), min_row_heights([first, goes_on, last], (90.0,))
    assert with_end[1] >= without[1] + END_STEM - 3.0
    assert (with_end[0], with_end[2]) == (without[0], without[2])

