"""Cross-functional flowchart layout for the "Mekanisme" table (pure geometry, no rendering).

Each step owns one table row and each actor one lane column. The layout is computed in page
coordinates (x from the left edge of lane 0, y from the top of the page's first row) and then
cut into one strip per row, because the renderer puts a small SVG into every row's cell and a
table may break across pages.

Routing: a step flows into the next one from the bottom to the top (with a dog-leg in the free
space below the source when the lanes differ). Everything else (loops, skips, a decision's
side branch) runs along vertical "tracks" in the free channels at both sides of each lane and
enters its target from the side; tracks are chosen greedily, shortest edges first, so that no
edge crosses a symbol or label, and edges only cross each other at right angles. Edges into
the same point may merge.

Page breaks: an edge whose ends lie on different pages is cut at the page edge it travels
through. A downward edge ends in a numbered off-page connector at the bottom of the last row
of its page and resumes from a connector with the same number at the top of the first row of
the target page; an upward loop ends at the top of the first row of its page and resumes at the
bottom of the last row of the target page. A connector sits on its edge's track or, when that
column is taken, anywhere in a lane's band at the page edge, reached by a short jog; tiers
further from the page edge cost more than the arrow they save, so connectors pack against the
edge and do not fence off the tracks of the edges still to be routed. Numbers count 1, 2, ...
in reading order.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Iterator, Sequence
from xml.sax.saxutils import escape

END = "selesai"  # branch target meaning the procedure ends

MIN_ROW_HEIGHT = 56.0  # a diamond (26pt) plus 15pt above and below: connector (10) and arrow
MIN_LANE_WIDTH = 52.0  # a 28pt symbol and a 12pt channel with three tracks at each side

SYMBOL_MAX_W = 60.0
PROCESS_H = 22.0
DIAMOND_W = 34.0
DIAMOND_H = 26.0
END_W = 28.0
END_H = 11.0
CONNECTOR = 10.0  # side of the off-page connector pentagon
LABEL_FONT = 5.5

_CHANNEL = 12.0  # minimum free channel at each side of a lane
_TRACK_GAP = 3.0
_DROP = 4.0  # how far a bottom branch drops before it turns towards its track
_ARROW = 3.0
_TOP_PENALTY = 200.0  # entering a target from the top (merging) is a last resort
_JOGS = (2.5, 6.0)  # heights below a row boundary where a long edge may change track
_JOG_COST = 15.0
_TIER_COST = 8.0  # stacking an off-page connector away from the page edge
_TIER_STEP = CONNECTOR + 2.0  # pitch of the connector tiers
_EPS = 1e-6

Point = tuple[float, float]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class FlowNode:
    no: int  # step number, 1..n in order
    lanes: tuple[int, ...]  # 0-based lanes of the actor(s); a joint step spans min..max
    kind: str  # "proses" or "keputusan"
    ya: int | str | None = None  # decisions only: step no, END, or None = next step
    tidak: int | str | None = None
    label: str = ""  # short text drawn inside a diamond


@dataclass(frozen=True)
class Frame:
    lane_widths: tuple[float, ...]  # pt
    row_heights: tuple[float, ...]  # pt, one per node
    row_pages: tuple[int, ...]  # page index per row, non-decreasing


@dataclass(frozen=True)
class Symbol:
    """A flowchart symbol; (x, y) is the top-left corner of its bounding box."""

    kind: str  # "terminator", "process", "decision", "connector" or "end"
    x: float
    y: float
    w: float
    h: float
    text: str = ""
    step_no: int = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def box(self) -> Box:
        return (self.x, self.y, self.right, self.bottom)


@dataclass(frozen=True)
class Segment:
    """An axis-aligned line; `arrow` puts an arrowhead at (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    arrow: bool = False


@dataclass(frozen=True)
class Label:
    """A branch caption ("Ya"/"Tidak"); (x, y, w, h) is a generous box around its text."""

    x: float
    y: float
    w: float
    h: float
    text: str

    def box(self) -> Box:
        return (self.x, self.y, self.x + self.w, self.y + self.h)


Primitive = Symbol | Segment | Label


@dataclass(frozen=True)
class Path:
    """One drawn edge (or the part of it on one page) in page coordinates, kept for checks."""

    page: int
    points: tuple[Point, ...]  # orthogonal polyline, arrowhead at the last point
    start: Symbol
    end: Symbol
    src: int  # step the edge leaves
    dst: int | str  # step it leads to, or END
    branch: str  # "Ya", "Tidak" or "" for a plain flow


@dataclass(frozen=True)
class Layout:
    width: float
    row_heights: tuple[float, ...]
    row_tops: tuple[float, ...]  # y of each row's top on its page
    row_pages: tuple[int, ...]
    rows: tuple[tuple[Primitive, ...], ...]  # per row, in row-local coordinates
    symbols: tuple[tuple[int, Symbol], ...]  # (row, symbol in page coordinates)
    labels: tuple[tuple[int, Label], ...]  # (row, label in page coordinates)
    paths: tuple[Path, ...]

    def svg(self, row: int) -> str:
        return to_svg(self.rows[row], self.width, self.row_heights[row])


def layout(nodes: Sequence[FlowNode], frame: Frame) -> Layout:
    """Place the symbols, route the edges and cut the drawing into row strips."""
    _validate(nodes, frame)
    return _Builder(nodes, frame).run()


# -- geometry helpers -----------------------------------------------------------------------------


def _hit(box: Box, ob: Symbol | Label | Box) -> bool:
    """Whether a box (a segment is a thin one) enters the interior of an obstacle."""
    x0, y0, x1, y1 = box
    if isinstance(ob, Symbol) and ob.kind == "decision":
        # The diamond is |dx|/a + |dy|/b < 1; its minimum over a box is at the clamped centre.
        px, py = min(max(ob.cx, x0), x1), min(max(ob.cy, y0), y1)
        return abs(px - ob.cx) / (ob.w / 2) + abs(py - ob.cy) / (ob.h / 2) < 1 - _EPS
    bx0, by0, bx1, by1 = ob if isinstance(ob, tuple) else ob.box()
    return x0 < bx1 - _EPS and x1 > bx0 + _EPS and y0 < by1 - _EPS and y1 > by0 + _EPS


def _seg_box(a: Point, b: Point) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _clash(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    """Whether two orthogonal segments overlap or touch; a clean crossing is fine."""
    sv, tv = abs(s[0][0] - s[1][0]) < _EPS, abs(t[0][0] - t[1][0]) < _EPS
    if sv == tv:
        axis = 0 if sv else 1  # the shared coordinate
        if abs(s[0][axis] - t[0][axis]) > _EPS:
            return False
        a0, a1 = sorted((s[0][1 - axis], s[1][1 - axis]))
        b0, b1 = sorted((t[0][1 - axis], t[1][1 - axis]))
        return min(a1, b1) - max(a0, b0) > -_EPS
    v, h = (s, t) if sv else (t, s)
    x, y = v[0][0], h[0][1]
    y0, y1 = sorted((v[0][1], v[1][1]))
    x0, x1 = sorted((h[0][0], h[1][0]))
    if not (x0 - _EPS <= x <= x1 + _EPS and y0 - _EPS <= y <= y1 + _EPS):
        return False
    return not (x0 + _EPS < x < x1 - _EPS and y0 + _EPS < y < y1 - _EPS)


def _same(p: Point, q: Point) -> bool:
    return abs(p[0] - q[0]) < _EPS and abs(p[1] - q[1]) < _EPS


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and join straight runs that keep their direction."""
    out: list[Point] = []
    for p in points:
        if out and _same(p, out[-1]):
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            straight = abs((bx - ax) * (p[1] - by) - (by - ay) * (p[0] - bx)) < _EPS
            if straight and (bx - ax) * (p[0] - bx) + (by - ay) * (p[1] - by) > 0:
                out[-1] = p
                continue
        out.append(p)
    return out


def _length(points: list[Point]) -> float:
    return sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in pairwise(points))


def _flat(sym: Symbol) -> tuple[float, float]:
    """The part of the top/bottom edge a vertical edge may attach to."""
    if sym.kind == "decision":
        return (sym.cx, sym.cx)
    inset = sym.h / 2 if sym.kind in ("terminator", "end") else 2.0
    return (sym.x + inset, sym.right - inset) if sym.w > 2 * inset else (sym.cx, sym.cx)


def _text_box(text: str) -> tuple[float, float]:
    return len(text) * 0.6 * LABEL_FONT + 1.0, LABEL_FONT * 1.25


def _resolve(node: FlowNode, value: int | str | None, n: int) -> int | str:
    """A branch target as a step number or END; None means the next step."""
    if value is None:
        return node.no + 1 if node.no < n else END
    if value == END:
        return END
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= n and value != node.no:
        return value
    raise ValueError(f"langkah {node.no}: tujuan cabang tidak sah: {value!r}")


def _validate(nodes: Sequence[FlowNode], frame: Frame) -> None:
    n = len(nodes)
    if len(frame.row_heights) != n or len(frame.row_pages) != n:
        raise ValueError("frame needs one row height and one page per node")
    if not frame.lane_widths or min(frame.lane_widths) < MIN_LANE_WIDTH - _EPS:
        raise ValueError(f"every lane must be at least {MIN_LANE_WIDTH}pt wide")
    if n and min(frame.row_heights) < MIN_ROW_HEIGHT - _EPS:
        raise ValueError(f"every row must be at least {MIN_ROW_HEIGHT}pt high")
    if any(b < a for a, b in pairwise(frame.row_pages)):
        raise ValueError("row pages must not decrease")
    for i, node in enumerate(nodes):
        if node.no != i + 1:
            raise ValueError(f"node {i} must have no={i + 1}, got {node.no}")
        if not node.lanes or any(not 0 <= k < len(frame.lane_widths) for k in node.lanes):
            raise ValueError(f"langkah {node.no}: lane out of range: {node.lanes}")
        if node.kind not in ("proses", "keputusan"):
            raise ValueError(f"langkah {node.no}: unknown kind {node.kind!r}")
        if node.kind == "keputusan":
            _resolve(node, node.ya, n)
            _resolve(node, node.tidak, n)


@dataclass(frozen=True)
class _Leg:
    """A track-routed edge (or its part on one page) waiting to be routed."""

    page: int
    a: int  # row it starts in
    b: int  # row it ends in
    start: tuple  # ("side", point, dir) | ("bottom", point) | ("conn", row, "top"/"bottom", pair)
    start_sym: Symbol | None
    end: tuple  # ("sym", symbol, its step row or None) | ("conn", row, "top"/"bottom", pair)
    src: int
    dst: int | str
    branch: str


class _Builder:
    """Working state of one layout run; obstacles and drawn segments are indexed by row."""

    def __init__(self, nodes: Sequence[FlowNode], frame: Frame) -> None:
        self.nodes, self.frame = list(nodes), frame
        widths = frame.lane_widths
        self.width = sum(widths)
        self.lane_x = [sum(widths[:k]) for k in range(len(widths))]
        margins = [max(_CHANNEL, 0.22 * w) for w in widths]
        self.sym_w = [min(SYMBOL_MAX_W, w - 2 * m) for w, m in zip(widths, margins)]
        self.tracks: list[float] = []
        for x0, w, m in zip(self.lane_x, widths, margins):
            off = 2.0
            while off <= m - 3.5 + _EPS:  # 2pt off the table rule, 3.5pt off the symbols
                self.tracks += [x0 + off, x0 + w - off]
                off += _TRACK_GAP
        self.tracks.sort()
        self.tops: list[float] = []
        self.page_rows: dict[int, list[int]] = {}
        for i, page in enumerate(frame.row_pages):
            fresh = i == 0 or page != frame.row_pages[i - 1]
            self.tops.append(0.0 if fresh else self.tops[-1] + frame.row_heights[i - 1])
            self.page_rows.setdefault(page, []).append(i)
        self.bottoms = [top + h for top, h in zip(self.tops, frame.row_heights)]
        self.steps: list[Symbol] = []
        self.extras: list[tuple[int, Symbol]] = []
        self.labels: list[tuple[int, Label]] = []
        self.paths: list[Path] = []
        self.row_obs: list[list[Symbol | Label]] = [[] for _ in nodes]
        self.row_segs: list[list[tuple[Point, Point, Point]]] = [[] for _ in nodes]  # (from, to, path tip)
        self.legs: list[_Leg] = []
        self.top_x: dict[int, float] = {}  # where the flow from the previous step enters a step
        self.exit_side: dict[int, int] = {}  # side vertex a decision leaves by (-1 left, 1 right)
        self.pairs = 0
        self._columns: list[float] | None = None

    def bottom(self, row: int) -> float:
        return self.tops[row] + self.frame.row_heights[row]

    def page(self, row: int) -> int:
        return self.frame.row_pages[row]

    def rows_in(self, page: int, lo: float, hi: float) -> list[int]:
        rows = self.page_rows[page]
        first = rows[0]
        # rows of a page are contiguous and their tops increase
        a = bisect_left(self.bottoms, lo - _EPS, first, rows[-1] + 1)
        b = bisect_right(self.tops, hi + _EPS, first, rows[-1] + 1)
        return list(range(a, b))

    def run(self) -> Layout:
        for i, node in enumerate(self.nodes):
            self.steps.append(self._place(i, node))
            self.row_obs[i].append(self.steps[-1])
        captions = []
        for i, node in enumerate(self.nodes):
            if node.kind == "keputusan":
                captions.append(self._decision(i, node))
            elif i + 1 < len(self.nodes):
                self._next(i, "")
        for caption in captions:  # after all fixed edges, so captions can avoid them
            self._caption(*caption)
        for leg in sorted(self.legs, key=lambda g: (abs(g.b - g.a), g.src, g.branch, g.start[0] == "conn")):
            self._route(leg)
        return self._assemble()

    # -- symbols and fixed edges ------------------------------------------------------------------

    def _place(self, i: int, node: FlowNode) -> Symbol:
        widths, lo, hi = self.frame.lane_widths, min(node.lanes), max(node.lanes)
        c_lo, c_hi = self.lane_x[lo] + widths[lo] / 2, self.lane_x[hi] + widths[hi] / 2
        cy = self.tops[i] + self.frame.row_heights[i] / 2
        if node.kind == "keputusan":
            left, right = c_lo - min(DIAMOND_W, self.sym_w[lo]) / 2, c_hi + min(DIAMOND_W, self.sym_w[hi]) / 2
            return Symbol("decision", left, cy - DIAMOND_H / 2, right - left, DIAMOND_H, node.label, node.no)
        kind = "terminator" if i in (0, len(self.nodes) - 1) else "process"
        left, right = c_lo - self.sym_w[lo] / 2, c_hi + self.sym_w[hi] / 2
        return Symbol(kind, left, cy - PROCESS_H / 2, right - left, PROCESS_H, "", node.no)

    def _extra(self, row: int, sym: Symbol) -> Symbol:
        self.extras.append((row, sym))
        self.row_obs[row].append(sym)
        return sym

    def _path(self, page: int, pts: list[Point], a: Symbol, b: Symbol, src: int, dst: int | str, branch: str) -> None:
        self.paths.append(Path(page, tuple(pts), a, b, src, dst, branch))
        for p, q in pairwise(pts):
            for row in self.rows_in(page, min(p[1], q[1]), max(p[1], q[1])):
                self.row_segs[row].append((p, q, pts[-1]))

    def _connector(self, row: int, x: float, y: float, pair: int, src: int) -> Symbol:
        return self._extra(row, Symbol("connector", x - CONNECTOR / 2, y, CONNECTOR, CONNECTOR, f"#{pair}", src))

    def _next(self, i: int, branch: str) -> None:
        """Step i flows into step i+1: bottom to top, or through connectors across a page."""
        a, b = self.steps[i], self.steps[i + 1]
        if self.page(i) == self.page(i + 1):
            lo, hi = max(_flat(a)[0], _flat(b)[0]), min(_flat(a)[1], _flat(b)[1])
            if lo <= hi + _EPS:
                x = min(max(a.cx, lo), hi)
                pts = [(x, a.bottom), (x, b.y)]
            else:  # dog-leg in the free space below the source
                x, yd = b.cx, (a.bottom + self.bottom(i)) / 2
                pts = [(a.cx, a.bottom), (a.cx, yd), (x, yd), (x, b.y)]
            self.top_x[i + 1] = x
            self._path(self.page(i), pts, a, b, a.step_no, b.step_no, branch)
            return
        self.pairs += 1
        out = self._connector(i, a.cx, self.bottom(i) - 0.5 - CONNECTOR, self.pairs, a.step_no)
        inc = self._connector(i + 1, b.cx, self.tops[i + 1] + 0.5, self.pairs, a.step_no)
        self._path(self.page(i), [(a.cx, a.bottom), (a.cx, out.y)], a, out, a.step_no, b.step_no, branch)
        self._path(self.page(i + 1), [(b.cx, inc.bottom), (b.cx, b.y)], inc, b, a.step_no, b.step_no, branch)

    def _decision(self, i: int, node: FlowNode) -> tuple:
        """Give one branch the bottom vertex and the other a side vertex; draw or queue both."""
        sym, n, widths = self.steps[i], len(self.nodes), self.frame.lane_widths
        branches = [("Ya", _resolve(node, node.ya, n)), ("Tidak", _resolve(node, node.tidak, n))]
        kinds = ["end" if t == END else "next" if t == node.no + 1 else "long" for _, t in branches]
        lo, hi = min(node.lanes), max(node.lanes)
        free = hi + 1 if hi + 1 < len(widths) else lo - 1 if lo > 0 else None
        if "end" in kinds and free is None:
            # no lane for the end terminator: it goes below the diamond, so the bottom vertex
            # must lead to it (the other branch leaves by a side, even to the next step)
            b = kinds.index("end")
        elif "next" in kinds:
            b = kinds.index("next")
        elif "end" in kinds:
            b = kinds.index("end") if free is None else 1 - kinds.index("end")
        else:
            b = 0
        (blabel, btarget), (slabel, starget) = branches[b], branches[1 - b]
        if starget == END:
            d = 1 if free is None or free > hi else -1
        else:
            dx = self.steps[starget - 1].cx - sym.cx
            d = -1 if dx < -1 else 1 if dx > 1 else (-1 if starget < node.no else 1)
        self.exit_side[i] = d
        cap = None
        if END in (btarget, starget):
            if free is not None:  # the nearest lane the decision does not occupy
                w, cx = min(END_W, self.sym_w[free]), self.lane_x[free] + widths[free] / 2
                cap = Symbol("end", cx - w / 2, sym.cy - END_H / 2, w, END_H, "Selesai", node.no)
            else:  # no lane left: below the diamond
                w = min(END_W, sym.w)
                cap = Symbol("end", sym.cx - w / 2, sym.bottom + 3.5, w, END_H, "Selesai", node.no)
            self._extra(i, cap)
        page, vx = self.page(i), sym.right if d > 0 else sym.x
        if btarget == END:
            if free is None:
                pts = [(sym.cx, sym.bottom), (sym.cx, cap.y)]
            else:
                yd = sym.bottom + _DROP
                pts = [(sym.cx, sym.bottom), (sym.cx, yd), (cap.cx, yd), (cap.cx, cap.bottom)]
            self._path(page, pts, sym, cap, node.no, END, blabel)
        elif btarget == node.no + 1:
            self._next(i, blabel)
        else:
            self._long(i, btarget - 1, ("bottom", (sym.cx, sym.bottom)), node.no, btarget, blabel)
        if starget == END and free is not None:
            ex = cap.x if d > 0 else cap.right
            self._path(page, [(vx, sym.cy), (ex, sym.cy)], sym, cap, node.no, END, slabel)
        elif starget == END:
            start, end = ("side", (vx, sym.cy), d), ("sym", cap, None)
            self.legs.append(_Leg(page, i, i, start, sym, end, node.no, END, slabel))
        else:
            self._long(i, starget - 1, ("side", (vx, sym.cy), d), node.no, starget, slabel)
        return (i, d, slabel, starget != END and starget < node.no, blabel)

    def _long(self, s: int, t: int, start: tuple, src: int, dst: int | str, branch: str) -> None:
        """Queue a track-routed edge from row s to row t, cut in two when the pages differ."""
        sym, target, ps, pt = self.steps[s], ("sym", self.steps[t], t), self.page(s), self.page(t)
        if ps == pt:
            self.legs.append(_Leg(ps, s, t, start, sym, target, src, dst, branch))
            return
        self.pairs += 1
        if t > s:
            out, inc = (self.page_rows[ps][-1], "bottom"), (self.page_rows[pt][0], "top")
        else:
            out, inc = (self.page_rows[ps][0], "top"), (self.page_rows[pt][-1], "bottom")
        self.legs.append(_Leg(ps, s, out[0], start, sym, ("conn", *out, self.pairs), src, dst, branch))
        self.legs.append(_Leg(pt, inc[0], t, ("conn", *inc, self.pairs), None, target, src, dst, branch))

    # -- captions ---------------------------------------------------------------------------------

    def _caption(self, i: int, d: int, slabel: str, upward: bool, blabel: str) -> None:
        """Place "Ya"/"Tidak" next to the vertices the branches leave by."""
        sym = self.steps[i]
        tw, th = _text_box(slabel)
        vx = sym.right if d > 0 else sym.x
        x0 = min(max(vx + 1.5 if d > 0 else vx - 1.5 - tw, 0.5), self.width - 0.5 - tw)
        xc = min(max(sym.cx, x0), x0 + tw)
        gap = max(1.0, sym.h / 2 * (1 - abs(xc - sym.cx) / (sym.w / 2)) + 0.8)
        # beside the horizontal, on the side away from where the edge then turns
        above, below = (x0, sym.cy - gap - th, x0 + tw, sym.cy - gap), (x0, sym.cy + gap, x0 + tw, sym.cy + gap + th)
        self._put_label(i, slabel, [below, above] if upward else [above, below])
        tw, th = _text_box(blabel)
        boxes = []
        for side in (-d, d):  # raised against the lower edge of the diamond, then beside the stem
            hw = (th - 1) * sym.w / sym.h + 0.8
            x0 = sym.cx + hw if side > 0 else sym.cx - hw - tw
            boxes.append((x0, sym.bottom + 1 - th, x0 + tw, sym.bottom + 1))
        for side in (-d, d):
            x0 = sym.cx + 1.5 if side > 0 else sym.cx - 1.5 - tw
            boxes.append((x0, sym.bottom + 1, x0 + tw, sym.bottom + 1 + th))
        self._put_label(i, blabel, boxes)

    def _put_label(self, row: int, text: str, boxes: list[Box]) -> None:
        def fits(box: Box) -> bool:
            if box[0] < 0 or box[2] > self.width or box[1] < self.tops[row] or box[3] > self.bottom(row):
                return False
            return not any(_hit(box, ob) for ob in self.row_obs[row]) and not any(
                _hit(_seg_box(p, q), box) for p, q, _ in self.row_segs[row]
            )

        x0, y0, x1, y1 = next((b for b in boxes if fits(b)), boxes[0])
        label = Label(x0, y0, x1 - x0, y1 - y0, text)
        self.labels.append((row, label))
        self.row_obs[row].append(label)

    # -- track routing ----------------------------------------------------------------------------
    # strict = 2: avoid everything; 1: may overlap other edges; 0: anything goes (over capacity).

    def _free(self, page: int, pts: list[Point], box: Box | None, strict: int, tip: Point | None = None) -> bool:
        """Whether a polyline (and a connector box) avoids obstacles and, if strict, other edges."""
        if strict == 0:
            return True
        parts = [(p, q, _seg_box(p, q)) for p, q in pairwise(pts)] + ([(None, None, box)] if box else [])
        for p, q, b in parts:
            for row in self.rows_in(page, b[1], b[3]):
                x0, x1 = b[0] - _EPS, b[2] + _EPS
                if any(ob.x < x1 and ob.x + ob.w > x0 and _hit(b, ob) for ob in self.row_obs[row]):
                    return False
                for s, t, other in self.row_segs[row]:
                    if min(s[0], t[0]) > x1 or max(s[0], t[0]) < x0:
                        continue
                    if p is None and _hit(_seg_box(s, t), b):
                        return False
                    if p is not None and strict == 2 and (tip is None or not _same(tip, other)) and _clash((p, q), (s, t)):
                        return False
        return True

    def _blocks(self, page: int, y: float, strict: int) -> list[tuple[float, float]]:
        """The x intervals a horizontal jog at height y must not touch."""
        out = []
        for row in self.rows_in(page, y, y) if strict else ():
            out += [(ob.x, ob.x + ob.w) for ob in self.row_obs[row] if ob.y + _EPS < y < ob.y + ob.h - _EPS]
            for p, q, _ in self.row_segs[row] if strict == 2 else ():
                if abs(p[1] - y) < _EPS and abs(q[1] - y) < _EPS:
                    out.append((min(p[0], q[0]), max(p[0], q[0])))
                elif abs(p[1] - y) < _EPS or abs(q[1] - y) < _EPS:
                    out.append((p[0], p[0]))
        return out

    def _conn_boxes(self, row: int, where: str, x: float) -> list[Box]:
        """Connector places on a column, stacked from the page edge into the row's outer half."""
        if x - CONNECTOR / 2 < 0 or x + CONNECTOR / 2 > self.width:
            return []
        top, mid, step = self.tops[row], self.tops[row] + self.frame.row_heights[row] / 2, _TIER_STEP
        ys = [top + 0.5 + k * step for k in range(int((mid - top - 0.5 - CONNECTOR) // step) + 1)]
        if where == "bottom":
            ys = [self.bottom(row) - (y - top) - CONNECTOR for y in ys]
        return [(x - CONNECTOR / 2, y, x + CONNECTOR / 2, y + CONNECTOR) for y in ys]

    def _conn_options(self, row: int, where: str, x: float, y: float | None) -> Iterator[tuple[float, list[Point], Box]]:
        """Ways between track x and an off-page connector in the row's band at the page edge.

        The connector sits on the track itself or, when that column is taken, on another
        column inside a lane, reached by a short horizontal run just inside the connector's
        tier (the band between the page edge and the symbols is free of symbols). With `y` the
        options are tails arriving from (x, y), without it heads leaving towards the track.
        Yielded cheapest first, lazily: a tier further from the page edge costs _TIER_COST
        more (net of the shorter arrow), a column off the track a jog and the horizontal run.
        """
        cols = self._conn_columns()
        reach = 2 * max(self.frame.lane_widths)
        near = sorted((c for c in cols if _EPS < abs(c - x) <= reach), key=lambda c: abs(c - x))
        on_track = bool(self._conn_boxes(row, where, x))

        def tier(k: int, box: Box) -> Iterator[tuple[float, int, float, float]]:
            edge = box[3] if where == "top" else box[1]  # the side facing the row's middle
            base = k * (_TIER_STEP + _TIER_COST) + (abs(edge - y) if y is not None else 0.0)
            if on_track:
                yield base, k, x, edge
            for c in near:
                yield base + _JOG_COST + abs(c - x) + (3.0 if y is None else 0.0), k, c, edge

        tiers = [tier(k, box) for k, box in enumerate(self._conn_boxes(row, where, self.width / 2))]
        for _, k, cx, edge in heapq.merge(*tiers):
            jog = edge + 3.0 if where == "top" else edge - 3.0
            if y is None:
                pts = [(cx, edge)] if cx == x else [(cx, edge), (cx, jog), (x, jog)]
            else:
                pts = [(x, y), (x, edge)] if cx == x else [(x, y), (x, jog), (cx, jog), (cx, edge)]
            top = edge - CONNECTOR if where == "top" else edge
            box = (cx - CONNECTOR / 2, top, cx + CONNECTOR / 2, top + CONNECTOR)
            yield k * (_TIER_STEP + _TIER_COST) + (0.0 if cx == x else _JOG_COST), pts, box

    def _conn_columns(self) -> list[float]:
        """Sorted columns inside the lanes where an off-page connector fits (besides tracks)."""
        if self._columns is None:
            cols = []
            for x0, w in zip(self.lane_x, self.frame.lane_widths):
                lo, hi = x0 + CONNECTOR / 2 + 1.0, x0 + w - CONNECTOR / 2 - 1.0
                k = 0
                while lo + k * _TRACK_GAP <= hi + _EPS:
                    cols.append(lo + k * _TRACK_GAP)
                    k += 1
            self._columns = sorted(cols)
        return self._columns

    def _direction(self, leg: _Leg) -> int:
        if leg.a != leg.b:
            return 1 if leg.b > leg.a else -1
        spec = leg.end if leg.end[0] == "conn" else leg.start if leg.start[0] == "conn" else None
        return 1 if spec is None or (spec is leg.end) == (spec[2] == "bottom") else -1

    def _head(self, leg: _Leg, x: float, strict: int) -> tuple[float, list[Point], Box | None] | None:
        kind = leg.start[0]
        if kind == "side":
            (px, py), d = leg.start[1], leg.start[2]
            options = [(0.0, [(px, py), (x, py)], None)] if (x - px) * d > 1 else []
        elif kind == "bottom":
            px, py = leg.start[1]
            if abs(x - px) < _EPS:  # straight down from the vertex
                options = [(0.0, [(px, py)], None)]
            else:
                options = [(0.0, [(px, py), (px, py + _DROP), (x, py + _DROP)], None)] if abs(x - px) > 1 else []
        else:
            options = self._conn_options(leg.start[1], leg.start[2], x, None)
        return next(((c + _length(p), p, b) for c, p, b in options if self._free(leg.page, p, b, strict)), None)

    def _tail(self, leg: _Leg, x: float, y: float, strict: int) -> tuple[float, list[Point], Box | None] | None:
        if leg.end[0] == "conn":
            options = self._conn_options(leg.end[1], leg.end[2], x, y)
        else:
            sym, row = leg.end[1], leg.end[2]
            options = [
                (0.0, [(x, y), (x, sym.cy), (ex, sym.cy)], None)
                for ex, side in ((sym.x, -1), (sym.right, 1))
                if (x - ex) * side > 1 and self.exit_side.get(row) != side
            ]
            if row is not None:  # join the flow from the previous step just above the symbol
                tx, ya = self.top_x.get(row, sym.cx), sym.y - 4.0
                options.append((_TOP_PENALTY, [(x, y), (x, ya), (tx, ya), (tx, sym.y)], None))
        best, direction = None, self._direction(leg)
        for penalty, pts, box in options:
            if strict and (pts[1][1] - y) * direction < (2.0 if box else 0.0):
                continue  # the last run would have to turn back
            pts = _simplify(pts)
            if best is not None and penalty + _length(pts) >= best[0]:
                continue
            if self._free(leg.page, pts, box, strict, pts[-1]):
                best = (penalty + _length(pts), pts, box)
                if leg.end[0] == "conn":
                    break  # the options come cheapest first
        return best

    def _levels(self, a: int, b: int) -> list[float]:
        """Heights, in travel order, just below each row boundary crossed, where a leg may jog."""
        if b > a:
            return [self.tops[k] + j for k in range(a + 1, b + 1) for j in _JOGS]
        return [self.tops[k] + j for k in range(a, b, -1) for j in reversed(_JOGS)]

    def _search(self, leg: _Leg, strict: int) -> tuple[list[Point], Box | None] | None:
        """Cheapest route: a head, vertical runs on tracks with jogs between them, a tail."""
        xs = self.tracks
        if leg.start[0] == "bottom":
            xs = sorted({*xs, leg.start[1][0]})
        heads = [self._head(leg, x, strict) for x in xs]
        cost = [h[0] if h else math.inf for h in heads]
        if all(h is None for h in heads):
            return None
        at = [h[1][-1][1] if h else 0.0 for h in heads]  # where each track's vertical run starts
        history = []
        for level in self._levels(leg.a, leg.b):
            run = [
                c + abs(level - y) if c < math.inf and self._free(leg.page, [(x, y), (x, level)], None, strict) else math.inf
                for c, x, y in zip(cost, xs, at)
            ]
            blocks = self._blocks(leg.page, level, strict)
            cost, prev = list(run), list(range(len(xs)))
            for order in (range(len(xs)), range(len(xs) - 1, -1, -1)):
                best, src, last = math.inf, -1, None
                for j in order:
                    if last is not None and best < math.inf:
                        lo, hi = sorted((xs[last], xs[j]))
                        best = math.inf if any(b0 <= hi + _EPS and b1 >= lo - _EPS for b0, b1 in blocks) else best + hi - lo
                    if best + _JOG_COST < cost[j] - _EPS:
                        cost[j], prev[j] = best + _JOG_COST, src
                    if run[j] < best:
                        best, src = run[j], j
                    last = j
            history.append((level, prev))
            at = [level] * len(xs)
        best = None
        for j, c in enumerate(cost):
            tail = self._tail(leg, xs[j], at[j], strict) if c < math.inf else None
            if tail and (best is None or c + tail[0] < best[0] - _EPS):
                best = (c + tail[0], j, tail)
        if best is None:
            return None
        _, j, (_, pts, box) = best
        middle = []
        for level, prev in reversed(history):
            middle += [(xs[j], level)] + ([(xs[prev[j]], level)] if prev[j] != j else [])
            j = prev[j]
        _, head, head_box = heads[j]
        return _simplify(head + middle[::-1] + pts), head_box or box

    def _route(self, leg: _Leg) -> None:
        found = next(r for r in (self._search(leg, s) for s in (2, 1, 0)) if r is not None)
        pts, box = found
        start, end = leg.start_sym, leg.end[1] if leg.end[0] == "sym" else None
        if box is not None:
            spec = leg.end if leg.end[0] == "conn" else leg.start
            conn = self._connector(spec[1], pts[-1][0] if leg.end[0] == "conn" else pts[0][0], box[1], spec[3], leg.src)
            start, end = (start, conn) if leg.end[0] == "conn" else (conn, end)
        self._path(leg.page, pts, start, end, leg.src, leg.dst, leg.branch)

    # -- output -----------------------------------------------------------------------------------

    def _assemble(self) -> Layout:
        # Number connector pairs in reading order of their first appearance.
        first: dict[str, tuple[int, float]] = {}
        for row, sym in self.extras:
            if sym.kind == "connector":
                first[sym.text] = min(first.get(sym.text, (row, sym.x)), (row, sym.x))
        number = {tag: str(k + 1) for k, tag in enumerate(sorted(first, key=first.__getitem__))}
        renamed = {id(s): replace(s, text=number[s.text]) for _, s in self.extras if s.kind == "connector"}
        extras = [(row, renamed.get(id(s), s)) for row, s in self.extras]
        paths = [replace(p, start=renamed.get(id(p.start), p.start), end=renamed.get(id(p.end), p.end)) for p in self.paths]
        rows: list[list[Primitive]] = [[] for _ in self.nodes]
        for path in paths:
            for row, seg in self._clip(path):
                rows[row].append(seg)
        symbols = [*enumerate(self.steps), *extras]
        for row, item in [*symbols, *self.labels]:
            rows[row].append(replace(item, y=item.y - self.tops[row]))
        return Layout(
            self.width,
            tuple(self.frame.row_heights),
            tuple(self.tops),
            tuple(self.frame.row_pages),
            tuple(tuple(r) for r in rows),
            tuple(symbols),
            tuple(self.labels),
            tuple(paths),
        )

    def _clip(self, path: Path) -> list[tuple[int, Segment]]:
        """Split a path into per-row pieces; only the piece ending at the tip gets the arrow."""
        out = []
        rows, last = self.page_rows[path.page], len(path.points) - 2
        for k, ((x1, y1), (x2, y2)) in enumerate(pairwise(path.points)):
            for row in rows:
                top, bottom = self.tops[row], self.bottom(row)
                if abs(y1 - y2) < _EPS:
                    if top <= y1 < bottom or (row == rows[-1] and abs(y1 - bottom) < _EPS):
                        out.append((row, Segment(x1, y1 - top, x2, y2 - top, k == last)))
                    continue
                a, b = max(min(y1, y2), top), min(max(y1, y2), bottom)
                if b - a > _EPS:
                    ya, yb = (a, b) if y2 > y1 else (b, a)
                    out.append((row, Segment(x1, ya - top, x2, yb - top, k == last and abs(yb - y2) < _EPS)))
        return out


# -- SVG --------------------------------------------------------------------------------------------


def _f(v: float) -> str:
    s = f"{v:.2f}"
    return "0.00" if s == "-0.00" else s


def _points(pts: Sequence[Point]) -> str:
    return " ".join(f"{_f(x)},{_f(y)}" for x, y in pts)


def _text(x: float, y: float, size: float, text: str, anchor: str = "middle") -> str:
    return f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" text-anchor="{anchor}">{escape(text)}</text>'


def _symbol_text(sym: Symbol) -> list[str]:
    """Centred text, split over two lines and shrunk until it roughly fits the symbol."""
    words = sym.text.split()
    if not words:
        return []
    lines = [" ".join(words)]
    if len(words) > 1 and len(lines[0]) > 10:
        cut = min(range(1, len(words)), key=lambda k: max(len(" ".join(words[:k])), len(" ".join(words[k:]))))
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
    room_w, room_h = (sym.w * 0.6, sym.h * 0.6) if sym.kind == "decision" else (sym.w - 4, sym.h - 2)
    longest = max(len(line) for line in lines)
    size = max(3.0, min(LABEL_FONT, room_w / (0.55 * longest), room_h / (1.15 * len(lines))))
    if sym.kind == "connector":
        size = min(size, CONNECTOR * 0.55)
    centre = sym.y + sym.h * (0.42 if sym.kind == "connector" else 0.5)
    y0 = centre - (len(lines) - 1) * size * 0.575 + size * 0.35
    return [_text(sym.cx, y0 + k * size * 1.15, size, line) for k, line in enumerate(lines)]


def _shape(sym: Symbol) -> str:
    x, y, w, h = _f(sym.x), _f(sym.y), _f(sym.w), _f(sym.h)
    if sym.kind == "decision":
        return f'<polygon points="{_points([(sym.cx, sym.y), (sym.right, sym.cy), (sym.cx, sym.bottom), (sym.x, sym.cy)])}"/>'
    if sym.kind == "connector":  # off-page connector: a pentagon pointing down
        shoulder = sym.y + sym.h * 0.62
        pts = [(sym.x, sym.y), (sym.right, sym.y), (sym.right, shoulder), (sym.cx, sym.bottom), (sym.x, shoulder)]
        return f'<polygon points="{_points(pts)}"/>'
    radius = f' rx="{_f(sym.h / 2)}" ry="{_f(sym.h / 2)}"' if sym.kind in ("terminator", "end") else ""
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}"{radius}/>'


def to_svg(row_primitives: Sequence[Primitive], width: float, height: float) -> str:
    """One row's strip as standalone SVG; arrowheads are plain polygons, not <marker>s."""
    lines, heads, shapes, texts = [], [], [], []
    for p in row_primitives:
        if isinstance(p, Segment):
            x2, y2 = p.x2, p.y2
            if p.arrow:
                length = abs(p.x2 - p.x1) + abs(p.y2 - p.y1)
                ux, uy = (p.x2 - p.x1) / length, (p.y2 - p.y1) / length
                bx, by = p.x2 - ux * _ARROW, p.y2 - uy * _ARROW
                heads.append(f'<polygon points="{_points([(p.x2, p.y2), (bx - uy * 1.3, by + ux * 1.3), (bx + uy * 1.3, by - ux * 1.3)])}"/>')
                x2, y2 = p.x2 - ux * min(_ARROW - 0.5, length), p.y2 - uy * min(_ARROW - 0.5, length)
            lines.append(f'<line x1="{_f(p.x1)}" y1="{_f(p.y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>')
        elif isinstance(p, Symbol):
            shapes.append(_shape(p))
            texts.extend(_symbol_text(p))
        else:
            texts.append(_text(p.x + 0.5, p.y + p.h * 0.78, LABEL_FONT, p.text, "start"))
    w, h = _f(width), _f(height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}">'
        f'<g fill="none" stroke="#000" stroke-width="0.8">{"".join(lines)}</g>'
        f'<g fill="#000" stroke="none">{"".join(heads)}</g>'
        f'<g fill="#fff" stroke="#000" stroke-width="0.8">{"".join(shapes)}</g>'
        f'<g fill="#000" stroke="none">{"".join(texts)}</g>'
        "</svg>"
    )
