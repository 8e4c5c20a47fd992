"""Decisions: which branch leaves by which vertex, and the end terminator.

A decision's bottom vertex goes to the branch that continues straight down: the end, whose
"Selesai" capsule sits below the diamond in the deciding actor's own column (Permenpan RB
35/2012: never in an uninvolved actor's column), at the end of a stem long enough to show its
arrow and its caption (`place.end_stack`); else the next step. The other branch leaves by the
side facing its target. Their captions are placed by `captions`.
"""

from __future__ import annotations

from sopgen.render.flowchart.inputs import resolve
from sopgen.render.flowchart.place import end_stack, flow_next, queue_long
from sopgen.render.flowchart.shapes import END, END_H, END_W, FlowNode, Symbol
from sopgen.render.flowchart.state import Draft, Leg


def decision(draft: Draft, i: int, node: FlowNode) -> tuple:
    """Give one branch the bottom vertex and the other a side vertex; draw or queue both."""
    grid = draft.grid
    sym, n = draft.steps[i], len(draft.nodes)
    branches = [(node.label_ya, resolve(node, node.ya, n)), (node.label_tidak, resolve(node, node.tidak, n))]
    kinds = ["end" if t == END else "next" if t == node.no + 1 else "long" for _, t in branches]
    # the end goes below the diamond, so the bottom vertex leads to it (the other branch
    # leaves by a side, even to the next step)
    b = kinds.index("end") if "end" in kinds else kinds.index("next") if "next" in kinds else 0
    (blabel, btarget), (slabel, starget) = branches[b], branches[1 - b]
    if starget == END:
        d = 1
    else:
        dx = draft.steps[starget - 1].cx - sym.cx
        d = -1 if dx < -1 else 1 if dx > 1 else (-1 if starget < node.no else 1)
    draft.exit_side[i] = d
    page, vx = grid.page(i), sym.right if d > 0 else sym.x
    if btarget == END:
        w, stem = min(END_W, sym.w), end_stack(grid.frame.row_heights[i], sym.h)[1]
        cap = draft.add_extra(i, Symbol("end", sym.cx - w / 2, sym.bottom + stem, w, END_H, "Selesai", node.no))
        draft.add_path(page, [(sym.cx, sym.bottom), (sym.cx, cap.y)], sym, cap, node.no, END, blabel)
        if starget == END:  # both branches end: the side one enters the capsule from its side
            draft.legs.append(Leg(page, i, i, ("side", (vx, sym.cy), d), sym, ("sym", cap, None), node.no, END, slabel))
    elif btarget == node.no + 1:
        flow_next(draft, i, blabel)
    else:
        queue_long(draft, i, btarget - 1, ("bottom", (sym.cx, sym.bottom)), node.no, btarget, blabel)
    if starget != END:
        queue_long(draft, i, starget - 1, ("side", (vx, sym.cy), d), node.no, starget, slabel)
    return (i, d, slabel, starget != END and starget < node.no, blabel)
