"""Clash tests for the router: may a polyline (and a connector box) go here?

strict = 2: avoid everything; 1: may overlap other edges; 0: anything goes (over capacity).
Only the rows a piece passes through are looked at.
"""

from __future__ import annotations

from itertools import pairwise

from sopgen.render.flowchart.geometry import clash, hit, same, seg_box
from sopgen.render.flowchart.shapes import EPS, Box, Point
from sopgen.render.flowchart.state import Draft


def is_free(draft: Draft, page: int, pts: list[Point], box: Box | None, strict: int, tip: Point | None = None) -> bool:
    """Whether a polyline (and a connector box) avoids obstacles and, if strict, other edges."""
    grid = draft.grid
    if strict == 0:
        return True
    parts = [(p, q, seg_box(p, q)) for p, q in pairwise(pts)] + ([(None, None, box)] if box else [])
    for p, q, b in parts:
        for row in grid.rows_in(page, b[1], b[3]):
            x0, x1 = b[0] - EPS, b[2] + EPS
            if any(ob.x < x1 and ob.x + ob.w > x0 and hit(b, ob) for ob in draft.row_obs[row]):
                return False
            for s, t, other in draft.row_segs[row]:
                if min(s[0], t[0]) > x1 or max(s[0], t[0]) < x0:
                    continue
                if p is None and hit(seg_box(s, t), b):
                    return False
                if p is not None and strict == 2 and (tip is None or not same(tip, other)) and clash((p, q), (s, t)):
                    return False
    return True


def blocked(draft: Draft, page: int, y: float, strict: int) -> list[tuple[float, float]]:
    """The x intervals a horizontal jog at height y must not touch."""
    grid = draft.grid
    out = []
    for row in grid.rows_in(page, y, y) if strict else ():
        out += [(ob.x, ob.x + ob.w) for ob in draft.row_obs[row] if ob.y + EPS < y < ob.y + ob.h - EPS]
        for p, q, _ in draft.row_segs[row] if strict == 2 else ():
            if abs(p[1] - y) < EPS and abs(q[1] - y) < EPS:
                out.append((min(p[0], q[0]), max(p[0], q[0])))
            elif abs(p[1] - y) < EPS or abs(q[1] - y) < EPS:
                out.append((p[0], p[0]))
    return out
