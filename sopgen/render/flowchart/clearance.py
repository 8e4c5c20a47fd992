"""Clash tests for the router: may a polyline (and a connector box) go here?

strict = 2: avoid everything; 1: may overlap other edges; 0: anything goes (over capacity).
Only the rows a piece passes through are looked at.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import pairwise

from sopgen.render.flowchart.geometry import clash, hit, same, seg_box
from sopgen.render.flowchart.shapes import EPS, Box, Point, Symbol
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


def free_runs(draft: Draft, page: int, xs: list[float], y0: float, y1: float, strict: int) -> list[bool]:
    """`is_free` of the vertical run from y0 to y1 on every track of `xs` (sorted) at once.

    One pass over the rows' obstacles and segments marks the tracks each one blocks, so a
    search level costs what is drawn there plus the tracks, not their product.
    """
    if strict == 0:
        return [True] * len(xs)
    lo, hi = min(y0, y1), max(y0, y1)
    blocked_at: set[int] = set()
    spans: list[tuple[float, float]] = []  # open x intervals no run may enter

    def mark(a: float, b: float) -> None:  # closed interval [a, b] of blocked tracks
        for j in range(bisect_left(xs, a), bisect_right(xs, b)):
            blocked_at.add(j)

    for row in draft.grid.rows_in(page, lo, hi):
        for ob in draft.row_obs[row]:
            bx0, by0, bx1, by1 = ob.box()
            if not (lo < by1 - EPS and hi > by0 + EPS) and not (isinstance(ob, Symbol) and ob.kind == "decision"):
                continue
            if isinstance(ob, Symbol) and ob.kind == "decision":
                py = min(max(ob.cy, lo), hi)
                reach = ob.w / 2 * (1 - EPS - abs(py - ob.cy) / (ob.h / 2))
                if reach > 0:
                    spans.append((ob.cx - reach, ob.cx + reach))
            else:
                spans.append((bx0 + EPS, bx1 - EPS))
        for s, t, _ in draft.row_segs[row] if strict == 2 else ():
            if abs(s[0] - t[0]) < EPS:  # vertical: blocks its own track where the y ranges touch
                if min(hi, max(s[1], t[1])) - max(lo, min(s[1], t[1])) > -EPS:
                    mark(s[0] - EPS, s[0] + EPS)
                continue
            y, a, b = s[1], min(s[0], t[0]), max(s[0], t[0])
            if not lo - EPS <= y <= hi + EPS:
                continue
            if lo + EPS < y < hi - EPS:  # a clean crossing, except at the segment's ends
                mark(a - EPS, a + EPS)
                mark(b - EPS, b + EPS)
            else:
                mark(a - EPS, b + EPS)
    for a, b in spans:
        for j in range(bisect_right(xs, a), bisect_left(xs, b)):
            if a < xs[j] < b:
                blocked_at.add(j)
    return [j not in blocked_at for j in range(len(xs))]
