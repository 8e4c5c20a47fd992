"""Decisions: which branch leaves by which vertex, and the end terminator.

A decision's bottom vertex goes to the branch that continues straight down: the end, whose
capsule sits below the diamond in the deciding actor's own column (never in an uninvolved
actor's column), else the next step; the other branch leaves by the side facing its target. Their captions are placed by `captions`.
"""

from __future__ import annotations

from sopgen.render.flowchart.inputs import resolve
from sopgen.render.flowchart.place import flow_next, queue_long
from sopgen.render.flowchart.shapes import DROP, END, END_H, END_W, FlowNode, Symbol
from sopgen.render.flowchart.state import Draft, Leg


def decision(draft: Draft, i: int, node: FlowNode) -> tuple:
    """Give one branch the bottom vertex and the other a side vertex; draw or queue both."""
    grid = draft.grid
    sym, n, widths = draft.steps[i], len(draft.nodes), grid.frame.lane_widths
    branches = [(node.label_ya, resolve(node, node.ya, n)), (node.label_tidak, resolve(node, node.tidak, n))]
    kinds = ["end" if t == END else "next" if t == node.no + 1 else "long" for _, t in branches]
    lo, hi = min(node.lanes), max(node.lanes)
    # A branch to the end ends in the deciding actor's own column (Permenpan RB 35/2012: no
    # terminator in an uninvolved actor's column), below the diamond.
    free = None
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
        dx = draft.steps[starget - 1].cx - sym.cx
        d = -1 if dx < -1 else 1 if dx > 1 else (-1 if starget < node.no else 1)
    draft.exit_side[i] = d
    cap = None
    if END in (btarget, starget):
        if free is not None:  # the nearest lane the decision does not occupy
            w, cx = min(END_W, grid.sym_w[free]), grid.lane_x[free] + widths[free] / 2
            cap = Symbol("end", cx - w / 2, sym.cy - END_H / 2, w, END_H, "Selesai", node.no)
        else:  # no lane left: below the diamond
            w = min(END_W, sym.w)
            cap = Symbol("end", sym.cx - w / 2, sym.bottom + 3.5, w, END_H, "Selesai", node.no)
        draft.add_extra(i, cap)
    page, vx = grid.page(i), sym.right if d > 0 else sym.x
    if btarget == END:
        if free is None:
            pts = [(sym.cx, sym.bottom), (sym.cx, cap.y)]
        else:
            yd = sym.bottom + DROP
            pts = [(sym.cx, sym.bottom), (sym.cx, yd), (cap.cx, yd), (cap.cx, cap.bottom)]
        draft.add_path(page, pts, sym, cap, node.no, END, blabel)
    elif btarget == node.no + 1:
        flow_next(draft, i, blabel)
    else:
        queue_long(draft, i, btarget - 1, ("bottom", (sym.cx, sym.bottom)), node.no, btarget, blabel)
    if starget == END and free is not None:
        ex = cap.x if d > 0 else cap.right
        draft.add_path(page, [(vx, sym.cy), (ex, sym.cy)], sym, cap, node.no, END, slabel)
    elif starget == END:
        start, end = ("side", (vx, sym.cy), d), ("sym", cap, None)
        draft.legs.append(Leg(page, i, i, start, sym, end, node.no, END, slabel))
    else:
        queue_long(draft, i, starget - 1, ("side", (vx, sym.cy), d), node.no, starget, slabel)
    return (i, d, slabel, starget != END and starget < node.no, blabel)
