"""Geometry of the cross-functional flowchart, checked on generated SOPs.

The checks are independent of how the layout routes: symbols are turned into polygons and
tested with the separating-axis theorem, edges are followed through off-page connectors back
to the steps they should join, and every row strip must stay inside its own cell.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import pairwise

import pytest

from sopgen.render.flowchart.place import MAX_SPAN, lane_runs
from sopgen.render.flowchart import (
    END,
    MIN_LANE_WIDTH,
    MIN_ROW_HEIGHT,
    FlowNode,
    Frame,
    Label,
    Layout,
    Segment,
    Symbol,
    layout,
    to_svg,
)

TOL = 0.01
STEP_KINDS = {"terminator", "process", "decision"}


# -- generated SOPs -------------------------------------------------------------------------------


def make_case(seed: int, n: int, lanes: int) -> tuple[list[FlowNode], Frame]:
    rng = random.Random(seed * 1000 + n * 10 + lanes)

    def target(no: int) -> int | str | None:
        r = rng.random()
        if r < 0.2:
            return None
        if r < 0.4:
            return END
        return rng.choice([t for t in range(1, n + 1) if t != no])

    nodes = []
    for no in range(1, n + 1):
        k = rng.randrange(lanes)
        chosen = (k,) if lanes == 1 or rng.random() > 0.12 else tuple(sorted({k, rng.randrange(lanes)}))
        if n > 1 and rng.random() < 0.22:
            text = rng.choice(["", "Lengkap?", "Data <benar> & sah?", "Disetujui kepala dinas?"])
            nodes.append(FlowNode(no, chosen, "keputusan", target(no), target(no), text))
        else:
            nodes.append(FlowNode(no, chosen, "proses"))
    widths = tuple(rng.uniform(MIN_LANE_WIDTH, MIN_LANE_WIDTH + 70) for _ in range(lanes))
    heights = tuple(rng.choice([MIN_ROW_HEIGHT, rng.uniform(MIN_ROW_HEIGHT, MIN_ROW_HEIGHT + 50)]) for _ in range(n))
    pages, page = [], 0
    for i in range(n):
        page += i > 0 and rng.random() < 0.12
        pages.append(page)
    return nodes, Frame(widths, heights, tuple(pages))


CASES = [(1, 1), (1, 3), (2, 2), (6, 1), (6, 2), (6, 4), (15, 2), (15, 5), (40, 3), (40, 8), (60, 2), (60, 6), (60, 8)]
GENERATED = [(seed, n, lanes) for n, lanes in CASES for seed in range(3)]


@pytest.fixture(scope="module", params=GENERATED, ids=lambda c: f"seed{c[0]}-n{c[1]}-lanes{c[2]}")
def case(request: pytest.FixtureRequest) -> tuple[list[FlowNode], Frame, Layout]:
    nodes, frame = make_case(*request.param)
    return nodes, frame, layout(nodes, frame)


def reference() -> tuple[list[FlowNode], Frame]:
    lanes = [0, 2, 2, 3, 1]
    nodes = [FlowNode(no, (k,), "proses") for no, k in enumerate(lanes, start=1)]
    nodes.append(FlowNode(6, (0,), "keputusan", ya=END, tidak=4, label="Data benar?"))
    return nodes, Frame((90.0,) * 4, (60.0,) * 6, (0,) * 6)


# -- independent geometry -------------------------------------------------------------------------


def polygon(sym: Symbol) -> list[tuple[float, float]]:
    if sym.kind == "decision":
        return [(sym.cx, sym.y), (sym.right, sym.cy), (sym.cx, sym.bottom), (sym.x, sym.cy)]
    return [(sym.x, sym.y), (sym.right, sym.y), (sym.right, sym.bottom), (sym.x, sym.bottom)]


def box(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def label_poly(label: Label) -> list[tuple[float, float]]:
    return box(label.x, label.y, label.x + label.w, label.y + label.h)


def interiors_overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Separating-axis test for convex shapes (a segment is a 2-point shape); touching is not overlap."""
    axes = []
    for poly in (a, b):
        for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
            if (x1, y1) != (x2, y2):
                axes.append((y1 - y2, x2 - x1))
    for ax, ay in axes:
        norm = (ax * ax + ay * ay) ** 0.5
        pa = [(x * ax + y * ay) / norm for x, y in a]
        pb = [(x * ax + y * ay) / norm for x, y in b]
        lo, hi = max(min(pa), min(pb)), min(max(pa), max(pb))
        if hi - lo <= TOL:
            # a segment projects to a single point on its own normal: it still enters the
            # other shape when that point lies strictly inside the other's extent
            point, other = (pa, pb) if max(pa) - min(pa) <= TOL else (pb, pa) if max(pb) - min(pb) <= TOL else (None, None)
            if point is None or not min(other) + TOL < point[0] < max(other) - TOL:
                return False
    return True


def on_border(point: tuple[float, float], sym: Symbol) -> bool:
    x, y = point
    if sym.kind == "decision":
        return any(abs(x - vx) <= TOL and abs(y - vy) <= TOL for vx, vy in polygon(sym))
    inside = sym.x - TOL <= x <= sym.right + TOL and sym.y - TOL <= y <= sym.bottom + TOL
    edge = min(abs(x - sym.x), abs(x - sym.right), abs(y - sym.y), abs(y - sym.bottom)) <= TOL
    if sym.kind in ("terminator", "end") and min(abs(y - sym.y), abs(y - sym.bottom)) <= TOL:
        # a capsule's flat edges stop where the round ends begin
        edge = sym.x + sym.h / 2 - TOL <= x <= sym.right - sym.h / 2 + TOL or abs(x - sym.cx) <= TOL
    if sym.kind in ("terminator", "end") and min(abs(x - sym.x), abs(x - sym.right)) <= TOL:
        edge = abs(y - sym.cy) <= TOL
    return inside and edge


def page_items(lay: Layout, page: int) -> tuple[list[Symbol], list[Label]]:
    symbols = [s for r, s in lay.symbols if lay.row_pages[r] == page]
    labels = [lab for r, lab in lay.labels if lay.row_pages[r] == page]
    return symbols, labels


def collinear_overlap(s: tuple, t: tuple) -> bool:
    (ax1, ay1), (ax2, ay2) = s
    (bx1, by1), (bx2, by2) = t
    if abs(ax1 - ax2) < TOL and abs(bx1 - bx2) < TOL and abs(ax1 - bx1) < TOL:
        lo, hi = max(min(ay1, ay2), min(by1, by2)), min(max(ay1, ay2), max(by1, by2))
        return hi - lo > TOL
    if abs(ay1 - ay2) < TOL and abs(by1 - by2) < TOL and abs(ay1 - by1) < TOL:
        lo, hi = max(min(ax1, ax2), min(bx1, bx2)), min(max(ax1, ax2), max(bx1, bx2))
        return hi - lo > TOL
    return False


def expected_edges(nodes: list[FlowNode]) -> Counter:
    n = len(nodes)
    edges: Counter = Counter()
    for node in nodes:
        if node.kind == "proses":
            if node.no < n:
                edges[(node.no, node.no + 1, "")] += 1
            continue
        for branch, value in (("Ya", node.ya), ("Tidak", node.tidak)):
            target = value if value is not None else (node.no + 1 if node.no < n else END)
            edges[(node.no, target, branch)] += 1
    return edges


# -- generated cases ------------------------------------------------------------------------------


def test_every_row_has_one_step_symbol_of_the_right_kind(case) -> None:
    nodes, _, lay = case
    # one symbol per run of adjacent lanes (a joint step of non-adjacent actors has several)
    per_row = Counter(r for r, s in lay.symbols if s.kind in STEP_KINDS)
    assert per_row == Counter({r: len(lane_runs(node.lanes)) for r, node in enumerate(nodes)})
    for r, sym in lay.symbols:
        if sym.kind in STEP_KINDS:
            node = nodes[r]
            assert sym.step_no == node.no
            own = lay.symbols[r][1] is sym  # the step's own symbol (the others are its parts)
            if node.kind == "keputusan":
                assert sym.kind == ("decision" if own else "process")
            else:
                ends = r in (0, len(nodes) - 1)
                assert sym.kind == ("terminator" if ends else "process")
            top, bottom = lay.row_tops[r], lay.row_tops[r] + lay.row_heights[r]
            cap = [c for row, c in lay.symbols if row == r and c.kind == "end"]
            if own and cap:  # a decision with the end below: the diamond higher, its capsule under it
                assert top + 12.0 - TOL <= sym.y and cap[0].bottom <= bottom - 1.0 + TOL, (sym, cap)
            else:
                assert abs(sym.cy - (top + lay.row_heights[r] / 2)) < TOL


def test_symbols_sit_in_their_lanes(case) -> None:
    nodes, frame, lay = case
    xs = [sum(frame.lane_widths[:k]) for k in range(len(frame.lane_widths) + 1)]
    for r, sym in lay.symbols:
        if sym.kind in STEP_KINDS:
            lo, hi = min(nodes[r].lanes), max(nodes[r].lanes)
            assert xs[lo] < sym.x and sym.right < xs[hi + 1]
            # channels stay free at both outer sides for edges passing by
            assert sym.x - xs[lo] >= 11.9 and xs[hi + 1] - sym.right >= 11.9


def test_paths_start_and_end_on_symbol_borders(case) -> None:
    _, _, lay = case
    for path in lay.paths:
        symbols, _ = page_items(lay, path.page)
        assert path.start in symbols and path.end in symbols
        assert on_border(path.points[0], path.start), path
        assert on_border(path.points[-1], path.end), path
        assert len(path.points) >= 2
        for (x1, y1), (x2, y2) in pairwise(path.points):
            assert abs(x1 - x2) < 1e-9 or abs(y1 - y2) < 1e-9, "edges are orthogonal"


def test_segments_avoid_symbols_and_labels(case) -> None:
    _, _, lay = case
    for path in lay.paths:
        symbols, labels = page_items(lay, path.page)
        for seg in pairwise(path.points):
            for sym in symbols:
                assert not interiors_overlap(list(seg), polygon(sym)), (path, sym)
            for label in labels:
                assert not interiors_overlap(list(seg), label_poly(label)), (path, label)


def test_labels_and_extra_symbols_do_not_overlap(case) -> None:
    _, frame, lay = case
    for page in set(frame.row_pages):
        symbols, labels = page_items(lay, page)
        shapes = [polygon(s) for s in symbols] + [label_poly(lab) for lab in labels]
        for i, a in enumerate(shapes):
            for b in shapes[i + 1 :]:
                assert not interiors_overlap(a, b)


# Cases where sharing is unavoidable. seed0-n60-lanes2: on page 4 the joint decision 37 spans
# both lanes (x 12.0..99.6 of 112.3pt), so everything passing its row must use the channels
# beside it: 3 tracks at the right, and at the left 3 tracks that its own "Tidak" caption
# (17.5pt wide, the channel is 12pt) covers. Seven edges (5->43, 11->46 from the top
# connectors down; 38->22, 38->24, 59->14, 59->17, 60->21 up to the top) must cross that row,
# more than even all six tracks could carry, so some of them have to share a track.
OVER_CAPACITY = {(0, 60, 2)}


def test_edges_do_not_share_lines_unless_they_merge(case, request: pytest.FixtureRequest) -> None:
    _, _, lay = case
    try:
        for i, p in enumerate(lay.paths):
            for q in lay.paths[i + 1 :]:
                if p.page != q.page or p.points[-1] == q.points[-1]:
                    continue
                for s in pairwise(p.points):
                    for t in pairwise(q.points):
                        assert not collinear_overlap(s, t), (p, q)
    except AssertionError:
        if request.node.callspec.params["case"] in OVER_CAPACITY:
            pytest.xfail("more edges must pass a row than there are free tracks beside its symbol")
        raise


def test_each_decision_has_one_ya_and_one_tidak(case) -> None:
    nodes, _, lay = case
    texts: dict[int, list[str]] = {}
    for _, label in lay.labels:  # a caption may sit along its branch, in a later row
        texts.setdefault(label.step_no - 1, []).append(label.text)
    for r, node in enumerate(nodes):
        assert sorted(texts.get(r, [])) == (["Tidak", "Ya"] if node.kind == "keputusan" else [])


def test_connectors_pair_up_in_reading_order(case) -> None:
    _, frame, lay = case
    outgoing = Counter(p.end.text for p in lay.paths if p.end.kind == "connector")
    incoming = Counter(p.start.text for p in lay.paths if p.start.kind == "connector")
    drawn = [(r, s) for r, s in lay.symbols if s.kind == "connector"]
    assert outgoing == incoming and set(outgoing.values()) <= {1}
    assert Counter(s.text for _, s in drawn) == Counter({t: 2 for t in outgoing})
    assert sorted(int(t) for t in outgoing) == list(range(1, len(outgoing) + 1))
    first = {}
    for r, s in sorted(drawn, key=lambda d: (d[0], d[1].x)):
        first.setdefault(s.text, r)
    assert [int(t) for t in first] == sorted(int(t) for t in first)
    for p in lay.paths:
        if p.end.kind == "connector":
            q = next(q for q in lay.paths if q.start.kind == "connector" and q.start.text == p.end.text)
            assert (p.src, p.dst, p.branch) == (q.src, q.dst, q.branch)
            # a pair joins two pages, or two rows too far apart for the tracks of one page
            assert frame.row_pages[0] <= p.page != q.page or abs(p.dst - p.src) > MAX_SPAN


def test_drawn_edges_match_the_flow(case) -> None:
    nodes, _, lay = case
    drawn: Counter = Counter()
    for p in lay.paths:
        if p.start.kind != "connector":
            assert p.start.step_no == p.src
            # follow the edge through its connector to where it finally arrives
            q = p
            while q.end.kind == "connector":
                q = next(r for r in lay.paths if r.start.kind == "connector" and r.start.text == q.end.text)
            if q.end.kind == "end":
                assert q.dst == END and q.end.step_no == p.src
            else:
                assert q.end.kind in STEP_KINDS and q.end.step_no == p.dst
            drawn[(p.src, p.dst, p.branch)] += 1
    assert drawn == expected_edges(nodes)


def test_row_strips_stay_in_their_cells_and_add_up(case) -> None:
    _, _, lay = case
    for r, prims in enumerate(lay.rows):
        h = lay.row_heights[r]
        for p in prims:
            if isinstance(p, Segment):
                xs, ys = (p.x1, p.x2), (p.y1, p.y2)
            else:
                xs, ys = (p.x, p.x + p.w), (p.y, p.y + p.h)
            assert all(-TOL <= x <= lay.width + TOL for x in xs), p
            assert all(-TOL <= y <= h + TOL for y in ys), p
    pieces = [p for prims in lay.rows for p in prims if isinstance(p, Segment)]
    drawn_length = sum(abs(s.x2 - s.x1) + abs(s.y2 - s.y1) for s in pieces)
    path_length = sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for p in lay.paths for a, b in pairwise(p.points))
    path_length += sum(j.points[1][0] - j.points[0][0] for _, j in lay.joins)
    assert abs(drawn_length - path_length) < 1e-6
    assert sum(s.arrow for s in pieces) == len(lay.paths)
    assert sum(isinstance(p, Symbol) for prims in lay.rows for p in prims) == len(lay.symbols)


def crossing_points(lay: Layout) -> list[tuple[int, float, float]]:
    """(page, x, y) where a vertical piece passes cleanly through a horizontal one."""
    pieces = [(p.page, a, b) for p in lay.paths for a, b in pairwise(p.points)]
    pieces += [(j.page, *j.points) for _, j in lay.joins]
    flat = [(pg, a, b) for pg, a, b in pieces if abs(a[1] - b[1]) < TOL and abs(a[0] - b[0]) > TOL]
    upright = [(pg, a, b) for pg, a, b in pieces if abs(a[0] - b[0]) < TOL and abs(a[1] - b[1]) > TOL]
    out = []
    for pg, (hx1, y), (hx2, _) in flat:
        for pv, (x, vy1), (_, vy2) in upright:
            if pv == pg and min(hx1, hx2) + TOL < x < max(hx1, hx2) - TOL and min(vy1, vy2) + TOL < y < max(vy1, vy2) - TOL:
                out.append((pg, x, y))
    return out


def test_crossing_lines_show_a_bridge(case) -> None:
    """Issue 10: where two lines cross, the horizontal one jumps (a reader tells a crossing
    from a junction)."""
    _, frame, lay = case
    for page, x, y in crossing_points(lay):
        row = next(r for r in range(len(lay.rows)) if frame.row_pages[r] == page and lay.row_tops[r] <= y < lay.row_tops[r] + lay.row_heights[r])
        local = y - lay.row_tops[row]
        flats = [s for s in lay.rows[row] if isinstance(s, Segment) and abs(s.y1 - local) < TOL and abs(s.y2 - local) < TOL]
        assert any(min(s.x1, s.x2) < x < max(s.x1, s.x2) and any(a < x < b for a, b in s.hops) for s in flats), (page, x, y)
        assert "A" in lay.svg(row).split('<path d="', 1)[-1]


# A cheaper sweep over more shapes: 1 to 60 steps and 2 to 8 actors, drawn per seed, checked
# for the essentials only (ends on borders, no edge through a symbol, connectors in pairs).
def _sweep_case(seed: int) -> tuple[int, int, int]:
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    return seed, n, rng.randint(2, 8)


SWEEP = [_sweep_case(seed) for seed in range(100, 124)]


@pytest.mark.parametrize("params", SWEEP, ids=lambda c: f"seed{c[0]}-n{c[1]}-lanes{c[2]}")
def test_sweep_of_generated_sops(params: tuple[int, int, int]) -> None:
    nodes, frame = make_case(*params)
    lay = layout(nodes, frame)
    case = (nodes, frame, lay)
    test_paths_start_and_end_on_symbol_borders(case)
    test_segments_avoid_symbols_and_labels(case)
    test_connectors_pair_up_in_reading_order(case)
    test_drawn_edges_match_the_flow(case)
    test_crossing_lines_show_a_bridge(case)


def test_layout_is_deterministic(case) -> None:
    nodes, frame, lay = case
    again = layout(nodes, frame)
    assert again == lay
    assert [again.svg(r) for r in range(len(nodes))] == [lay.svg(r) for r in range(len(nodes))]


# -- specific cases -------------------------------------------------------------------------------


def test_reference_case_loops_back_from_6_to_4() -> None:
    nodes, frame = reference()
    lay = layout(nodes, frame)
    back = [p for p in lay.paths if (p.src, p.dst) == (6, 4)]
    assert len(back) == 1 and back[0].branch == "Tidak"
    step4 = next(s for _, s in lay.symbols if s.step_no == 4 and s.kind in STEP_KINDS)
    end_pt = back[0].points[-1]
    assert abs(end_pt[1] - step4.cy) < TOL and min(abs(end_pt[0] - step4.x), abs(end_pt[0] - step4.right)) < TOL
    assert back[0].points[0][1] > back[0].points[-1][1], "the loop climbs back up"
    ends = [(r, s) for r, s in lay.symbols if s.kind == "end"]
    assert len(ends) == 1 and ends[0][0] == 5 and ends[0][1].text == "Selesai"
    decision = next(s for _, s in lay.symbols if s.kind == "decision")
    # issue 10: the end sits in the deciding actor's column (lane 0), below the diamond
    assert 0 < ends[0][1].x and ends[0][1].right < 90 and ends[0][1].y >= decision.bottom
    assert [s.kind for r, s in lay.symbols if s.kind in STEP_KINDS] == ["terminator"] + ["process"] * 3 + ["process", "decision"]


def test_single_step_is_one_terminator() -> None:
    lay = layout([FlowNode(1, (0,), "proses")], Frame((80.0,), (60.0,), (0,)))
    assert [s.kind for _, s in lay.symbols] == ["terminator"] and lay.paths == ()
    assert len(lay.rows) == 1 and len(lay.rows[0]) == 1


def test_last_decision_ends_through_end_symbols_in_one_lane() -> None:
    nodes = [FlowNode(1, (0,), "proses"), FlowNode(2, (0,), "keputusan", ya=None, tidak=END)]
    lay = layout(nodes, Frame((MIN_LANE_WIDTH,), (MIN_ROW_HEIGHT,) * 2, (0, 0)))
    ends = [s for _, s in lay.symbols if s.kind == "end"]
    assert len(ends) == 1
    diamond = lay.symbols[1][1]
    assert ends[0].y >= diamond.bottom, "with one lane the end terminator goes below the diamond"
    assert sorted(p.branch for p in lay.paths if p.src == 2) == ["Tidak", "Ya"]


def test_page_break_uses_connectors_on_both_pages() -> None:
    nodes = [FlowNode(no, (no % 2,), "proses") for no in range(1, 5)]
    lay = layout(nodes, Frame((80.0, 80.0), (60.0,) * 4, (0, 0, 1, 1)))
    conns = [(r, s) for r, s in lay.symbols if s.kind == "connector"]
    assert [(r, s.text) for r, s in conns] == [(1, "1"), (2, "1")]
    out, inc = conns[0][1], conns[1][1]
    assert out.y > lay.row_tops[1] + lay.row_heights[1] / 2, "outgoing connector at the bottom of the page"
    assert inc.bottom < lay.row_tops[2] + lay.row_heights[2] / 2, "incoming connector at the top of the next page"


def test_invalid_input_is_rejected() -> None:
    ok = Frame((80.0,), (60.0,), (0,))
    with pytest.raises(ValueError):
        layout([FlowNode(1, (0,), "proses")], Frame((80.0,), (MIN_ROW_HEIGHT - 1,), (0,)))
    with pytest.raises(ValueError):
        layout([FlowNode(1, (0,), "proses")], Frame((MIN_LANE_WIDTH - 1,), (60.0,), (0,)))
    with pytest.raises(ValueError):
        layout([FlowNode(1, (1,), "proses")], ok)
    with pytest.raises(ValueError):
        layout([FlowNode(1, (0,), "keputusan", ya=1)], ok)
    with pytest.raises(ValueError):
        layout([FlowNode(1, (0,), "proses"), FlowNode(2, (0,), "proses")], Frame((80.0,), (60.0,) * 2, (1, 0)))


# -- SVG ------------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_svg_parses_and_escapes_text() -> None:
    prims = [
        Segment(10, 0, 10, 20, arrow=True),
        Segment(10, 20, 40, 20),
        Symbol("decision", 20, 10, 34, 26, "<&> ok?", 3),
        Symbol("connector", 60, 2, 10, 10, "7", 3),
        Label(57, 5, 8, 7, "Ya<"),
    ]
    text = to_svg(prims, 120, 56)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and root.get("width") == "120.00pt" and root.get("viewBox") == "0 0 120.00 56.00"
    words = [t.text for t in root.iter(f"{SVG}text")]
    assert "<&> ok?" in " ".join(words) and "Ya<" in words and "7" in words
    assert "marker" not in text and "font-family" not in text
    polygons = list(root.iter(f"{SVG}polygon"))
    assert len(polygons) == 3, "one arrowhead, one diamond, one connector"
    assert len(list(root.iter(f"{SVG}line"))) == 2


def test_svg_arrowhead_points_at_the_end() -> None:
    root = ET.fromstring(to_svg([Segment(5, 50, 5, 10, arrow=True)], 20, 60))
    head = next(root.iter(f"{SVG}polygon"))
    pts = [tuple(map(float, p.split(","))) for p in head.get("points").split()]
    assert (5.0, 10.0) in pts and all(y >= 10.0 for _, y in pts), "tip at (x2, y2), body behind it"
    line = next(root.iter(f"{SVG}line"))
    assert float(line.get("y2")) > 10.0, "the line stops under the arrowhead"


def test_row_svgs_are_well_formed() -> None:
    nodes, frame = make_case(1, 15, 3)
    lay = layout(nodes, frame)
    for r in range(len(nodes)):
        root = ET.fromstring(lay.svg(r))
        assert float(root.get("height")[:-2]) == pytest.approx(frame.row_heights[r], abs=0.01)


@pytest.mark.parametrize("kind", ["proses", "keputusan"])
def test_joint_step_of_non_adjacent_actors_covers_no_other_column(kind: str) -> None:
    """Issue 10: a joint step of lanes 0 and 3 was one capsule over all four columns."""
    nodes = [
        FlowNode(1, (1,), "proses"),
        FlowNode(2, (0, 3), kind, ya=None, tidak=1, label="Setuju?"),
        FlowNode(3, (2,), "proses"),
    ]
    lay = layout(nodes, Frame((80.0,) * 4, (60.0,) * 3, (0, 0, 0)))
    parts = sorted((s for r, s in lay.symbols if r == 1), key=lambda s: s.x)
    assert len(parts) == 2
    assert 0 < parts[0].x and parts[0].right < 80 and 240 < parts[1].x and parts[1].right < 320
    assert [r for r, _ in lay.joins] == [1]
    join = lay.joins[0][1]
    (x1, y1), (x2, y2) = join.points
    assert (join.left, join.right) == (parts[0], parts[1]) and y1 == y2
    # the line meets both symbols' borders (a diamond's upper slanted edge)
    for sym, x in ((parts[0], x1), (parts[1], x2)):
        if sym.kind == "decision":
            assert abs(abs(x - sym.cx) / (sym.w / 2) + abs(y1 - sym.cy) / (sym.h / 2) - 1) < TOL
        else:
            assert x in (sym.x, sym.right) and sym.y < y1 < sym.bottom
    assert any(isinstance(p, Segment) and not p.arrow and p.x1 == x1 and p.x2 == x2 for p in lay.rows[1])
