"""What the layout stages share: the grid the frame fixes, and the drawing in progress.

The stages are functions that take the `Draft` and add to it; nothing is kept anywhere else,
so the order of the stages in `layout()` is the whole story of a run.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Sequence

from sopgen.render.flowchart.shapes import (
    CONNECTOR,
    EPS,
    SYMBOL_MAX_W,
    Box,
    FlowNode,
    Frame,
    Join,
    Label,
    Path,
    Point,
    Symbol,
)

_CHANNEL = 12.0  # minimum free channel at each side of a lane
_TRACK_GAP = 3.0


@dataclass(frozen=True)
class Grid:
    """Lanes, rows and tracks in page coordinates: fixed by the frame before anything is drawn."""

    frame: Frame
    width: float
    lane_x: list[float]  # left edge of each lane
    sym_w: list[float]  # width of a symbol in each lane
    tracks: list[float]  # x of the vertical tracks in the lanes' side channels, sorted
    tops: list[float]  # y of each row's top on its page
    bottoms: list[float]
    page_rows: dict[int, list[int]]  # the rows of each page, in order

    @classmethod
    def of(cls, frame: Frame) -> Grid:
        widths = frame.lane_widths
        width = sum(widths)
        lane_x = [sum(widths[:k]) for k in range(len(widths))]
        margins = [max(_CHANNEL, 0.22 * w) for w in widths]
        sym_w = [min(SYMBOL_MAX_W, w - 2 * m) for w, m in zip(widths, margins)]
        tracks: list[float] = []
        for x0, w, m in zip(lane_x, widths, margins):
            off = 2.0
            while off <= m - 3.5 + EPS:  # 2pt off the table rule, 3.5pt off the symbols
                tracks += [x0 + off, x0 + w - off]
                off += _TRACK_GAP
        tracks.sort()
        tops: list[float] = []
        page_rows: dict[int, list[int]] = {}
        for i, page in enumerate(frame.row_pages):
            fresh = i == 0 or page != frame.row_pages[i - 1]
            tops.append(0.0 if fresh else tops[-1] + frame.row_heights[i - 1])
            page_rows.setdefault(page, []).append(i)
        bottoms = [top + h for top, h in zip(tops, frame.row_heights)]
        return cls(frame, width, lane_x, sym_w, tracks, tops, bottoms, page_rows)

    def bottom(self, row: int) -> float:
        return self.tops[row] + self.frame.row_heights[row]

    def page(self, row: int) -> int:
        return self.frame.row_pages[row]

    def rows_in(self, page: int, lo: float, hi: float) -> list[int]:
        rows = self.page_rows[page]
        first = rows[0]
        # rows of a page are contiguous and their tops increase
        a = bisect_left(self.bottoms, lo - EPS, first, rows[-1] + 1)
        b = bisect_right(self.tops, hi + EPS, first, rows[-1] + 1)
        return list(range(a, b))

    @cached_property
    def columns(self) -> list[float]:
        """Sorted columns inside the lanes where an off-page connector fits (besides tracks)."""
        cols = []
        for x0, w in zip(self.lane_x, self.frame.lane_widths):
            lo, hi = x0 + CONNECTOR / 2 + 1.0, x0 + w - CONNECTOR / 2 - 1.0
            k = 0
            while lo + k * _TRACK_GAP <= hi + EPS:
                cols.append(lo + k * _TRACK_GAP)
                k += 1
        return sorted(cols)

    @cached_property
    def _near(self) -> dict[float, list[float]]:
        return {}

    def near_columns(self, x: float) -> list[float]:
        """Connector columns within two lanes of x, nearest first (kept: asked per track)."""
        if x not in self._near:
            reach = 2 * max(self.frame.lane_widths)
            self._near[x] = sorted((c for c in self.columns if EPS < abs(c - x) <= reach), key=lambda c: abs(c - x))
        return self._near[x]


@dataclass(frozen=True)
class Leg:
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


@dataclass(eq=False)
class Draft:
    """One layout run's drawing so far; obstacles and drawn segments are indexed by row."""

    grid: Grid
    nodes: list[FlowNode]
    row_obs: list[list[Symbol | Label]]
    row_segs: list[list[tuple[Point, Point, Point]]]  # (from, to, path tip)
    steps: list[Symbol] = field(default_factory=list)
    extras: list[tuple[int, Symbol]] = field(default_factory=list)
    labels: list[tuple[int, Label]] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    legs: list[Leg] = field(default_factory=list)
    parts: dict[int, list[Symbol]] = field(default_factory=dict)  # a step's symbols, left to right
    joins: list[tuple[int, Join]] = field(default_factory=list)
    waiting: list[tuple[int, str, list[Box]]] = field(default_factory=list)  # captions placed after routing
    top_x: dict[int, float] = field(default_factory=dict)  # where the flow from the previous step enters a step
    exit_side: dict[int, int] = field(default_factory=dict)  # side vertex a decision leaves by (-1 left, 1 right)
    pairs: int = 0  # off-page connector pairs numbered so far

    @classmethod
    def start(cls, nodes: Sequence[FlowNode], frame: Frame) -> Draft:
        return cls(Grid.of(frame), list(nodes), [[] for _ in nodes], [[] for _ in nodes])

    def add_extra(self, row: int, sym: Symbol) -> Symbol:
        """A symbol besides the steps' own (an end terminator, a connector); an obstacle too."""
        self.extras.append((row, sym))
        self.row_obs[row].append(sym)
        return sym

    def add_path(self, page: int, pts: list[Point], a: Symbol, b: Symbol, src: int, dst: int | str, branch: str) -> None:
        self.paths.append(Path(page, tuple(pts), a, b, src, dst, branch))
        for p, q in pairwise(pts):
            for row in self.grid.rows_in(page, min(p[1], q[1]), max(p[1], q[1])):
                self.row_segs[row].append((p, q, pts[-1]))

    def add_join(self, row: int, join: Join) -> None:
        """A joint step's line: other edges may cross it but not run along it (its tip is no
        point an edge ends at, so no edge counts as merging with it)."""
        self.joins.append((row, join))
        p, q = join.points
        self.row_segs[row].append((p, q, (math.inf, math.inf)))

    def add_connector(self, row: int, x: float, y: float, pair: int, src: int) -> Symbol:
        return self.add_extra(row, Symbol("connector", x - CONNECTOR / 2, y, CONNECTOR, CONNECTOR, f"#{pair}", src))
