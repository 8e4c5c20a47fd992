"""Decisions: which branch leaves by which vertex, the end terminator, and the captions.

A decision's bottom vertex goes to the branch that continues straight down: the end, whose
capsule sits below the diamond in the deciding actor's own column (never in an uninvolved
actor's column), else the next step; the other branch leaves by the side facing its target. The "Ya"/"Tidak" captions are placed only after every fixed edge is drawn, so they can
avoid them.
"""

from __future__ import annotations

from sopgen.render.flowchart.geometry import hit, seg_box
from sopgen.render.flowchart.inputs import resolve
from sopgen.render.flowchart.place import flow_next, queue_long
from sopgen.render.flowchart.shapes import DROP, END, END_H, END_W, LABEL_FONT, Box, FlowNode, Label, Symbol
from sopgen.render.flowchart.state import Draft, Leg
from sopgen.render.flowchart.text import CHAR_W


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


def caption(draft: Draft, i: int, d: int, slabel: str, upward: bool, blabel: str) -> None:
    """Place "Ya"/"Tidak" next to the vertices the branches leave by."""
    grid = draft.grid
    sym = draft.steps[i]
    tw, th = _text_box(slabel)
    vx = sym.right if d > 0 else sym.x
    x0 = min(max(vx + 1.5 if d > 0 else vx - 1.5 - tw, 0.5), grid.width - 0.5 - tw)
    xc = min(max(sym.cx, x0), x0 + tw)
    gap = max(1.0, sym.h / 2 * (1 - abs(xc - sym.cx) / (sym.w / 2)) + 0.8)
    # beside the horizontal, on the side away from where the edge then turns
    above, below = (x0, sym.cy - gap - th, x0 + tw, sym.cy - gap), (x0, sym.cy + gap, x0 + tw, sym.cy + gap + th)
    _put_label(draft, i, slabel, [below, above] if upward else [above, below])
    tw, th = _text_box(blabel)
    boxes = []
    for side in (-d, d):  # raised against the lower edge of the diamond, then beside the stem
        hw = (th - 1) * sym.w / sym.h + 0.8
        x0 = sym.cx + hw if side > 0 else sym.cx - hw - tw
        boxes.append((x0, sym.bottom + 1 - th, x0 + tw, sym.bottom + 1))
    for side in (-d, d):
        x0 = sym.cx + 1.5 if side > 0 else sym.cx - 1.5 - tw
        boxes.append((x0, sym.bottom + 1, x0 + tw, sym.bottom + 1 + th))
    _put_label(draft, i, blabel, boxes)


def _put_label(draft: Draft, row: int, text: str, boxes: list[Box]) -> None:
    """The first box that is free in the row and clear of the lane rules (else the first one
    free in the row, else the first one) becomes the label."""
    grid = draft.grid

    def clear(box: Box) -> bool:  # the table's rule between two actors' columns crosses no text
        return not any(box[0] < x < box[2] for x in grid.lane_x[1:])

    def fits(box: Box) -> bool:
        if box[0] < 0 or box[2] > grid.width or box[1] < grid.tops[row] or box[3] > grid.bottom(row):
            return False
        return not any(hit(box, ob) for ob in draft.row_obs[row]) and not any(
            hit(seg_box(p, q), box) for p, q, _ in draft.row_segs[row]
        )

    x0, y0, x1, y1 = next((b for b in boxes if fits(b) and clear(b)), next((b for b in boxes if fits(b)), boxes[0]))
    label = Label(x0, y0, x1 - x0, y1 - y0, text)
    draft.labels.append((row, label))
    draft.row_obs[row].append(label)


def _text_box(text: str) -> tuple[float, float]:
    """A caption's box (width, height), estimated from its number of characters."""
    return len(text) * CHAR_W * LABEL_FONT + 1.0, LABEL_FONT * 1.25
