"""Placement: the step symbols, and the edges that need no search.

A step's symbol is centred in its row and spans its lanes; a decision with a branch to the end
sits higher, so that its "Selesai" capsule fits below it with a stem long enough for an arrow
and the branch's caption beside it (`end_stack`; the row asks for that room). A joint step of actors in
non-adjacent columns gets one symbol per run of adjacent involved columns, joined by plain
lines (Permenpan RB 35/2012: no symbol covers an uninvolved actor's column); the one nearest
the previous step is the step's own symbol, where edges arrive and branches leave. A step flows into the next one from
bottom to top (through a pair of off-page connectors when a page break comes between them);
every other edge is queued as a `Leg` for the router, cut in two at a page break.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Sequence

from sopgen.render.flowchart.shapes import (
    CONNECTOR,
    DIAMOND_H,
    END,
    END_H,
    EPS,
    MIN_ROW_HEIGHT,
    PROCESS_H,
    SYMBOL_MAX_W,
    FlowNode,
    Frame,
    Join,
    Symbol,
)
from sopgen.render.flowchart.inputs import resolve
from sopgen.render.flowchart.state import Draft, Grid, Leg
from sopgen.render.flowchart.text import diamond_size, fits, question_lines

# A row grows for its question up to this height; a question that needs more stays in a row
# of the height it has, shortened in the diamond (it is printed whole in the Aktivitas column).
MAX_DECISION_ROW = 2 * MIN_ROW_HEIGHT
_KEEP = 12.0  # channel a widened diamond leaves at each side of its lane (as narrow lanes have)
MAX_SPAN = 16  # rows an edge may run along the tracks of one page; longer: a connector pair
_MARGIN = (MIN_ROW_HEIGHT - DIAMOND_H) / 2  # above a diamond: an off-page connector and an arrow
END_STEM = 12.0  # diamond to "Selesai": a visible arrow, and the caption (7.5 pt high) beside it
_END_STEM_MIN = 6.0  # in a row shorter than it asked for: still a line and an arrowhead
_END_FOOT = 4.0  # under the capsule
_END_TIGHT = _END_STEM_MIN + END_H + 1.0 - _MARGIN  # the least a decision row with the end below adds
END_ROOM = END_STEM + END_H + _END_FOOT - _MARGIN  # what a decision row with the end below adds


def lane_runs(lanes: tuple[int, ...]) -> list[tuple[int, int]]:
    """The runs of adjacent lanes, left to right: (0, 1, 3) -> [(0, 1), (3, 3)]."""
    runs: list[tuple[int, int]] = []
    for k in sorted(set(lanes)):
        if runs and k == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], k)
        else:
            runs.append((k, k))
    return runs


def place_steps(draft: Draft) -> None:
    """The symbols of every step, each an obstacle in its row from now on."""
    grid = draft.grid
    for i, node in enumerate(draft.nodes):
        runs = lane_runs(node.lanes)
        centre = [(grid.lane_x[lo] + grid.lane_x[hi] + grid.frame.lane_widths[hi]) / 2 for lo, hi in runs]
        main = 0 if i == 0 else min(range(len(runs)), key=lambda k: (abs(centre[k] - draft.steps[-1].cx), k))
        sym = _symbol(draft, i, node, *runs[main])
        draft.steps.append(sym)
        draft.row_obs[i].append(sym)
        parts = [sym]
        for k, run in enumerate(runs):
            if k != main:
                parts.append(draft.add_extra(i, _symbol(draft, i, node, *run, part=True)))
        parts.sort(key=lambda s: s.x)
        draft.parts[i] = parts
        for left, right in pairwise(parts):
            _join(draft, i, left, right)


def _join(draft: Draft, row: int, left: Symbol, right: Symbol) -> None:
    """A plain line between two symbols of a joint step; with a diamond it meets the upper
    slanted edge, leaving the side vertices to the branches."""
    diamond = next((s for s in (left, right) if s.kind == "decision"), None)
    y = diamond.cy - diamond.h / 4 if diamond else left.cy
    x0 = left.cx + left.w / 4 if left.kind == "decision" else left.right
    x1 = right.cx - right.w / 4 if right.kind == "decision" else right.x
    draft.add_join(row, Join(draft.grid.page(row), ((x0, y), (x1, y)), left, right))


def _symbol(draft: Draft, i: int, node: FlowNode, lo: int, hi: int, part: bool = False) -> Symbol:
    """The symbol over lanes lo..hi; `part`: another actor's share of a joint step (a joint
    decision's other actors get a plain rectangle: the question and branches are the diamond's)."""
    grid = draft.grid
    widths = grid.frame.lane_widths
    c_lo, c_hi = grid.lane_x[lo] + widths[lo] / 2, grid.lane_x[hi] + widths[hi] / 2
    row_h = grid.frame.row_heights[i]
    cy = grid.tops[i] + row_h / 2
    if node.kind == "keputusan" and not part:
        # room above and below for an off-page connector and an arrow (MIN_ROW_HEIGHT's margins)
        room_h = row_h - (MIN_ROW_HEIGHT - DIAMOND_H)
        widest = [_widest(grid, k) for k in (lo, hi)]
        ends = ends_below(node, len(draft.nodes))
        w, h = _diamond(node.label, min(widest) if lo == hi else SYMBOL_MAX_W, room_h, ends)
        left, right = c_lo - min(w, widest[0]) / 2, c_hi + min(w, widest[1]) / 2
        y = grid.tops[i] + end_stack(row_h, h)[0] if ends else cy - h / 2
        return Symbol("decision", left, y, right - left, h, node.label, node.no)
    kind = "terminator" if i in (0, len(draft.nodes) - 1) and node.kind == "proses" else "process"
    left, right = c_lo - grid.sym_w[lo] / 2, c_hi + grid.sym_w[hi] / 2
    return Symbol(kind, left, cy - PROCESS_H / 2, right - left, PROCESS_H, "", node.no)


def _diamond(question: str, max_w: float, room_h: float, ends: bool) -> tuple[float, float]:
    """The diamond's size; with the end below, the stem and the "Selesai" capsule take their
    room first, unless the question would then be cut short: a shorter stem then."""
    if not ends:
        return diamond_size(question, max_w, room_h)
    w, h = diamond_size(question, max_w, max(min(room_h, DIAMOND_H), room_h - END_ROOM))
    if fits(question, w, h):
        return w, h
    tw, th = diamond_size(question, max_w, max(min(room_h, DIAMOND_H), room_h - _END_TIGHT))
    return (tw, th) if fits(question, tw, th) else (w, h)


def ends_below(node: FlowNode, n: int) -> bool:
    """Whether a decision has a branch to the end: its "Selesai" capsule goes below the diamond,
    in the deciding actor's own column (no terminator in an uninvolved actor's column)."""
    return node.kind == "keputusan" and END in (resolve(node, node.ya, n), resolve(node, node.tidak, n))


def end_stack(row_h: float, h: float) -> tuple[float, float]:
    """(diamond's top in its row, stem down to the capsule) for a decision with the end below:
    the full margin above and END_STEM where the row has the room it asked for (the three
    centred where it has more), a shorter stem and margin where it has less."""
    slack = row_h - h - END_H
    stem = min(END_STEM, max(_END_STEM_MIN, slack - _MARGIN - _END_FOOT))
    rest = slack - stem
    return max(rest / 2, min(_MARGIN, rest - 1.0)), stem


def _widest(grid: Grid, lane: int) -> float:
    """How wide a question may make a diamond in a lane: into the side channels, keeping two
    tracks at each side, and never wider than other symbols (the tracks beside it carry the
    edges passing its row)."""
    return max(grid.sym_w[lane], min(SYMBOL_MAX_W, grid.frame.lane_widths[lane] - 2 * _KEEP))


def min_row_heights(nodes: Sequence[FlowNode], lane_widths: Sequence[float]) -> tuple[float, ...]:
    """The height each step's row needs so that a decision's question fits its diamond at 6 pt
    in whole words (MIN_ROW_HEIGHT for every other step, and for a question that would need
    more than MAX_DECISION_ROW), and END_ROOM more for a "Selesai" capsule below the diamond:
    the renderer asks the table for it before layout."""
    grid = Grid.of(Frame(tuple(lane_widths), (MIN_ROW_HEIGHT,), (0,)))
    out = []
    for node in nodes:
        need = MIN_ROW_HEIGHT
        if node.kind == "keputusan":
            runs = lane_runs(node.lanes)
            w = min(_widest(grid, lo) if lo == hi else SYMBOL_MAX_W for lo, hi in runs)
            extra = END_ROOM if ends_below(node, len(nodes)) else 0.0
            room = MAX_DECISION_ROW - (MIN_ROW_HEIGHT - DIAMOND_H)
            dw, dh = diamond_size(node.label, w, room, hyphenate=False)
            if question_lines(node.label, dw, dh) is None:  # no row height is worth it
                dh = DIAMOND_H
            need = max(need, math.ceil(dh + MIN_ROW_HEIGHT - DIAMOND_H + extra))
        out.append(float(need))
    return tuple(out)


def flow_next(draft: Draft, i: int, branch: str) -> None:
    """Step i flows into step i+1: bottom to top, or through connectors across a page.

    A joint process step's flow leaves from its symbol nearest the next step."""
    grid = draft.grid
    a, b = draft.steps[i], draft.steps[i + 1]
    if a.kind != "decision":
        a = min(draft.parts[i], key=lambda s: (abs(s.cx - b.cx), s.x))
    if grid.page(i) == grid.page(i + 1):
        lo, hi = max(_flat(a)[0], _flat(b)[0]), min(_flat(a)[1], _flat(b)[1])
        if lo <= hi + EPS:
            x = min(max(a.cx, lo), hi)
            pts = [(x, a.bottom), (x, b.y)]
        else:  # dog-leg in the free space below the source
            x, yd = b.cx, (a.bottom + grid.bottom(i)) / 2
            pts = [(a.cx, a.bottom), (a.cx, yd), (x, yd), (x, b.y)]
        draft.top_x[i + 1] = x
        draft.add_path(grid.page(i), pts, a, b, a.step_no, b.step_no, branch)
        return
    draft.pairs += 1
    out = draft.add_connector(i, a.cx, grid.bottom(i) - 0.5 - CONNECTOR, draft.pairs, a.step_no)
    inc = draft.add_connector(i + 1, b.cx, grid.tops[i + 1] + 0.5, draft.pairs, a.step_no)
    draft.add_path(grid.page(i), [(a.cx, a.bottom), (a.cx, out.y)], a, out, a.step_no, b.step_no, branch)
    draft.add_path(grid.page(i + 1), [(b.cx, inc.bottom), (b.cx, b.y)], inc, b, a.step_no, b.step_no, branch)


def queue_long(draft: Draft, s: int, t: int, start: tuple, src: int, dst: int | str, branch: str) -> None:
    """Queue a track-routed edge from row s to row t, cut in two when the pages differ.

    An edge longer than MAX_SPAN rows on one page is cut in two the same way, by a pair of
    connectors beside its ends: a channel holds only so many parallel edges, and the search
    for a way through grows with the rows it crosses, so this keeps routing bounded.
    """
    grid = draft.grid
    sym, target, ps, pt = draft.steps[s], ("sym", draft.steps[t], t), grid.page(s), grid.page(t)
    if ps == pt and abs(t - s) <= MAX_SPAN:
        draft.legs.append(Leg(ps, s, t, start, sym, target, src, dst, branch))
        return
    draft.pairs += 1
    if ps == pt:
        out, inc = ((s, "bottom"), (t, "top")) if t > s else ((s, "top"), (t, "bottom"))
    elif t > s:
        out, inc = (grid.page_rows[ps][-1], "bottom"), (grid.page_rows[pt][0], "top")
    else:
        out, inc = (grid.page_rows[ps][0], "top"), (grid.page_rows[pt][-1], "bottom")
    draft.legs.append(Leg(ps, s, out[0], start, sym, ("conn", *out, draft.pairs), src, dst, branch))
    draft.legs.append(Leg(pt, inc[0], t, ("conn", *inc, draft.pairs), None, target, src, dst, branch))


def _flat(sym: Symbol) -> tuple[float, float]:
    """The part of the top/bottom edge a vertical edge may attach to."""
    if sym.kind == "decision":
        return (sym.cx, sym.cx)
    inset = sym.h / 2 if sym.kind in ("terminator", "end") else 2.0
    return (sym.x + inset, sym.right - inset) if sym.w > 2 * inset else (sym.cx, sym.cx)
