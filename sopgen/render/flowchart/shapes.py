"""The flowchart's inputs and outputs: nodes, the measured frame, and what gets drawn.

Plain frozen values, so every stage can share them and a finished layout can be checked
(and compared) as data. Sizes are in pt; the constants are the ones the PDF's table is
measured against, so they live with the types rather than with one stage.
"""

from __future__ import annotations

from dataclasses import dataclass

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
LABEL_FONT = 6.0  # every text of the chart: captions, questions, connector numbers
ARROW = 3.0  # length of an arrowhead
ARROW_HALF = 1.3  # half its width at the base
LABEL_PAD = 0.25  # a caption's box reaches this far past its text's advance width, each side

# shared by more than one stage (the other tuning constants live with their stage)
DROP = 4.0  # how far a bottom branch drops before it turns towards its track
JOG_COST = 15.0  # cost of a jog to another track or column, in pt of edge length
EPS = 1e-6

Point = tuple[float, float]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class FlowNode:
    no: int  # step number, 1..n in order
    lanes: tuple[int, ...]  # 0-based lanes of the actor(s); a joint step spans each run of adjacent ones
    kind: str  # "proses" or "keputusan"
    ya: int | str | None = None  # decisions only: step no, END, or None = next step
    tidak: int | str | None = None
    label: str = ""  # short text drawn inside a diamond
    label_ya: str = "Ya"  # the branch captions as the SOP prints them ("dinas", "lengkap")
    label_tidak: str = "Tidak"


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
    hops: tuple[tuple[float, float], ...] = ()  # horizontal only: x spans where it jumps a crossing line


@dataclass(frozen=True)
class Label:
    """A branch caption ("Ya"/"Tidak" or the SOP's words); (x, y, w, h) is a generous box around its text."""

    x: float
    y: float
    w: float
    h: float
    text: str
    step_no: int = 0  # the decision it captions (it may sit in a later row, along the branch)
    mask: bool = False  # drawn on a white ground: it lies over a table rule between columns
    stacked: bool = False  # one word a line (a long caption where a column is narrow)

    def box(self) -> Box:
        return (self.x, self.y, self.x + self.w, self.y + self.h)


@dataclass(frozen=True)
class Join:
    """The plain line (no arrow) joining two symbols of one joint step: actors in
    non-adjacent columns each get their own symbol, so no uninvolved column is covered."""

    page: int
    points: tuple[Point, Point]  # horizontal, left symbol's edge to right symbol's edge
    left: Symbol
    right: Symbol


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
    """The finished flowchart: one strip per row to draw, and the page-coordinate parts to check."""

    width: float
    row_heights: tuple[float, ...]
    row_tops: tuple[float, ...]  # y of each row's top on its page
    row_pages: tuple[int, ...]
    rows: tuple[tuple[Primitive, ...], ...]  # per row, in row-local coordinates
    symbols: tuple[tuple[int, Symbol], ...]  # (row, symbol in page coordinates)
    labels: tuple[tuple[int, Label], ...]  # (row, label in page coordinates)
    paths: tuple[Path, ...]
    joins: tuple[tuple[int, Join], ...] = ()  # (row, join) in page coordinates

    def svg(self, row: int) -> str:
        from sopgen.render.flowchart.svg import to_svg  # svg draws these types: import it late

        return to_svg(self.rows[row], self.width, self.row_heights[row])
