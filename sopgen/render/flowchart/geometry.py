"""Pure geometry on points, orthogonal segments and boxes, shared by placement and routing.

Comparisons allow EPS, so every stage tells touching from overlapping the same way.
"""

from __future__ import annotations

from itertools import pairwise

from sopgen.render.flowchart.shapes import EPS, Box, Label, Point, Symbol


def hit(box: Box, ob: Symbol | Label | Box) -> bool:
    """Whether a box (a segment is a thin one) enters the interior of an obstacle."""
    x0, y0, x1, y1 = box
    if isinstance(ob, Symbol) and ob.kind == "decision":
        # The diamond is |dx|/a + |dy|/b < 1; its minimum over a box is at the clamped centre.
        px, py = min(max(ob.cx, x0), x1), min(max(ob.cy, y0), y1)
        return abs(px - ob.cx) / (ob.w / 2) + abs(py - ob.cy) / (ob.h / 2) < 1 - EPS
    bx0, by0, bx1, by1 = ob if isinstance(ob, tuple) else ob.box()
    return x0 < bx1 - EPS and x1 > bx0 + EPS and y0 < by1 - EPS and y1 > by0 + EPS


def seg_box(a: Point, b: Point) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def clash(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    """Whether two orthogonal segments overlap or touch; a clean crossing is fine."""
    sv, tv = abs(s[0][0] - s[1][0]) < EPS, abs(t[0][0] - t[1][0]) < EPS
    if sv == tv:
        axis = 0 if sv else 1  # the shared coordinate
        if abs(s[0][axis] - t[0][axis]) > EPS:
            return False
        a0, a1 = sorted((s[0][1 - axis], s[1][1 - axis]))
        b0, b1 = sorted((t[0][1 - axis], t[1][1 - axis]))
        return min(a1, b1) - max(a0, b0) > -EPS
    v, h = (s, t) if sv else (t, s)
    x, y = v[0][0], h[0][1]
    y0, y1 = sorted((v[0][1], v[1][1]))
    x0, x1 = sorted((h[0][0], h[1][0]))
    if not (x0 - EPS <= x <= x1 + EPS and y0 - EPS <= y <= y1 + EPS):
        return False
    return not (x0 + EPS < x < x1 - EPS and y0 + EPS < y < y1 - EPS)


def same(p: Point, q: Point) -> bool:
    return abs(p[0] - q[0]) < EPS and abs(p[1] - q[1]) < EPS


def simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and join straight runs that keep their direction."""
    out: list[Point] = []
    for p in points:
        if out and same(p, out[-1]):
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            straight = abs((bx - ax) * (p[1] - by) - (by - ay) * (p[0] - bx)) < EPS
            if straight and (bx - ax) * (p[0] - bx) + (by - ay) * (p[1] - by) > 0:
                out[-1] = p
                continue
        out.append(p)
    return out


def length(points: list[Point]) -> float:
    return sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in pairwise(points))
