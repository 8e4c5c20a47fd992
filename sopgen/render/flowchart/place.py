"""Placement: the step symbols, and the edges that need no search.

A step's symbol is centred in its row and spans its lanes. A step flows into the next one from
bottom to top (through a pair of off-page connectors when a page break comes between them);
every other edge is queued as a `Leg` for the router, cut in two at a page break.
"""

from __future__ import annotations

from sopgen.render.flowchart.shapes import (
    CONNECTOR,
    DIAMOND_H,
    EPS,
    MIN_ROW_HEIGHT,
    PROCESS_H,
    SYMBOL_MAX_W,
    FlowNode,
    Symbol,
)
from sopgen.render.flowchart.state import Draft, Leg
from sopgen.render.flowchart.text import diamond_size

_KEEP = 12.0  # channel a widened diamond leaves at each side of its lane (as narrow lanes have)
MAX_SPAN = 16  # rows an edge may run along the tracks of one page; longer: a connector pair


def place_steps(draft: Draft) -> None:
    """One symbol per step, each an obstacle in its row from now on."""
    for i, node in enumerate(draft.nodes):
        draft.steps.append(_symbol(draft, i, node))
        draft.row_obs[i].append(draft.steps[-1])


def _symbol(draft: Draft, i: int, node: FlowNode) -> Symbol:
    grid = draft.grid
    widths, lo, hi = grid.frame.lane_widths, min(node.lanes), max(node.lanes)
    c_lo, c_hi = grid.lane_x[lo] + widths[lo] / 2, grid.lane_x[hi] + widths[hi] / 2
    cy = grid.tops[i] + grid.frame.row_heights[i] / 2
    if node.kind == "keputusan":
        # room above and below for an off-page connector and an arrow (MIN_ROW_HEIGHT's margins)
        room_h = grid.frame.row_heights[i] - (MIN_ROW_HEIGHT - DIAMOND_H)
        # a question may widen its diamond into the lane's side channels, keeping two tracks
        widest = [max(grid.sym_w[k], min(SYMBOL_MAX_W, widths[k] - 2 * _KEEP)) for k in (lo, hi)]
        w, h = diamond_size(node.label, min(widest) if lo == hi else SYMBOL_MAX_W, room_h)
        left, right = c_lo - min(w, widest[0]) / 2, c_hi + min(w, widest[1]) / 2
        return Symbol("decision", left, cy - h / 2, right - left, h, node.label, node.no)
    kind = "terminator" if i in (0, len(draft.nodes) - 1) else "process"
    left, right = c_lo - grid.sym_w[lo] / 2, c_hi + grid.sym_w[hi] / 2
    return Symbol(kind, left, cy - PROCESS_H / 2, right - left, PROCESS_H, "", node.no)


def flow_next(draft: Draft, i: int, branch: str) -> None:
    """Step i flows into step i+1: bottom to top, or through connectors across a page."""
    grid = draft.grid
    a, b = draft.steps[i], draft.steps[i + 1]
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
