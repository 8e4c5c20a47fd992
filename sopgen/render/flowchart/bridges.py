"""Line jumps: where two lines must cross, the horizontal one hops over the vertical one.

The router lets edges cross only at right angles, never touch or run along each other; what
is left are clean crossings of a vertical piece through a horizontal one (an edge, or the line
of a joint step). Without a jump a reader cannot tell a crossing from a junction, so every
such crossing gets a small arc on the horizontal line; crossings closer than an arc's width
share one wider arc.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import pairwise

from sopgen.render.flowchart.shapes import EPS, Point
from sopgen.render.flowchart.state import Draft

HOP = 2.0  # radius (height) of a line jump, pt
_GAP = 1.0  # free line kept between two jumps, and at a line's plain end
_HEAD = 3.5  # an arrowhead's length and a little: no jump under it
_MIN = 0.75  # half the narrowest jump, where a crossing comes that close to a line's end

Key = tuple[str, int, int]  # ("path", path index, segment index) or ("join", join index, 0)
Hops = tuple[tuple[float, float], ...]  # x intervals where a horizontal line arcs up


def crossings(draft: Draft) -> dict[Key, list[float]]:
    """The x of every clean crossing on each horizontal piece (page coordinates)."""
    horizontal: dict[int, list[tuple[Key, Point, Point]]] = {}
    vertical: dict[int, list[tuple[float, float, float]]] = {}  # page -> (x, y0, y1)
    pieces = [(("path", k, j), p.page, a, b) for k, p in enumerate(draft.paths) for j, (a, b) in enumerate(pairwise(p.points))]
    pieces += [(("join", k, 0), j.page, *j.points) for k, (_, j) in enumerate(draft.joins)]
    for key, page, a, b in pieces:
        if abs(a[1] - b[1]) < EPS and abs(a[0] - b[0]) > EPS:
            horizontal.setdefault(page, []).append((key, a, b))
        elif abs(a[0] - b[0]) < EPS and abs(a[1] - b[1]) > EPS:
            vertical.setdefault(page, []).append((a[0], min(a[1], b[1]), max(a[1], b[1])))
    out: dict[Key, list[float]] = {}
    for page, lines in horizontal.items():
        verts = sorted(vertical.get(page, []))
        xs = [v[0] for v in verts]
        for key, a, b in lines:
            (x0, y), x1 = a, b[0]
            lo, hi = min(x0, x1), max(x0, x1)
            for x, y0, y1 in verts[bisect_right(xs, lo + EPS) : bisect_left(xs, hi - EPS)]:
                if y0 + EPS < y < y1 - EPS:
                    out.setdefault(key, []).append(x)
    return out


def hops(draft: Draft) -> dict[Key, Hops]:
    """The jumps of each horizontal piece that is crossed: nearby crossings share one arc,
    kept off the piece's ends (and off the arrowhead where the piece ends in one)."""
    ends: dict[Key, tuple[Point, Point, bool]] = {}
    for k, p in enumerate(draft.paths):
        last = len(p.points) - 2
        for j, (a, b) in enumerate(pairwise(p.points)):
            ends[("path", k, j)] = (a, b, j == last)
    for k, (_, join) in enumerate(draft.joins):
        ends[("join", k, 0)] = (*join.points, False)
    out: dict[Key, Hops] = {}
    for key, xs in crossings(draft).items():
        a, b, arrow = ends[key]
        room = [min(a[0], b[0]) + _GAP, max(a[0], b[0]) - _GAP]
        if arrow:  # the arrowhead sits at b
            room[b[0] < a[0]] = b[0] + (_HEAD if b[0] < a[0] else -_HEAD)
        groups: list[list[float]] = []
        for x in sorted(xs):
            if groups and x - groups[-1][-1] < 2 * HOP + _GAP:
                groups[-1].append(x)
            else:
                groups.append([x])
        spans = []
        for g in groups:
            # within the room where it can be, but always over the crossing
            lo = min(max(g[0] - HOP, room[0]), g[0] - _MIN)
            hi = max(min(g[-1] + HOP, room[1]), g[-1] + _MIN)
            spans.append((lo, hi))
        out[key] = tuple(spans)
    return out
