"""Routing of the queued legs along vertical tracks, with jogs, heads and tails.

A leg leaves its source by a head (a side vertex, the bottom vertex, or an off-page
connector), runs down or up on tracks in the lanes' side channels, may change track by a
horizontal jog just below a row boundary, and enters its target from the side (or joins the
flow from above, as a last resort) or ends in an off-page connector. Legs are routed one by
one, shortest first, each avoiding what is already drawn; the search relaxes its clash tests
only when nothing is found.
"""

from __future__ import annotations

import math
from itertools import islice

from sopgen.render.flowchart.captions import lift
from sopgen.render.flowchart.clearance import blocked, free_runs, is_free
from sopgen.render.flowchart.connectors import conn_options
from sopgen.render.flowchart.geometry import length, simplify
from sopgen.render.flowchart.shapes import DROP, EPS, JOG_COST, Box, Point
from sopgen.render.flowchart.state import Draft, Grid, Leg

_TOP_PENALTY = 200.0  # entering a target from the top (merging) is a last resort
_JOGS = (2.5, 6.0)  # heights below a row boundary where a long edge may change track
# Connector places tried per track before the track counts as blocked at that end: the search
# stays bounded when a page edge is crowded (the looser passes then take the nearest place).
_CONN_TRIES = 6


def _tries(strict: int) -> int:
    """Connector places tried per track: more once the strict search found nothing."""
    return _CONN_TRIES if strict == 2 else 8 * _CONN_TRIES


def route_legs(draft: Draft) -> None:
    """Route every queued leg greedily, shortest first (ties in a fixed order: deterministic)."""
    for leg in sorted(draft.legs, key=lambda g: (abs(g.b - g.a), g.src, g.branch, g.start[0] == "conn")):
        _route(draft, leg)


def _route(draft: Draft, leg: Leg) -> None:
    """Draw the leg by the strictest search that finds a way, with its connector if it has one."""
    found = _search(draft, leg, 2)
    if found is None and lift(draft, leg.page):  # captions make way for an edge, then settle
        found = _search(draft, leg, 2)
    found = found or next(r for r in (_search(draft, leg, s) for s in (1, 0)) if r is not None)
    pts, box = found
    start, end = leg.start_sym, leg.end[1] if leg.end[0] == "sym" else None
    if box is not None:
        spec = leg.end if leg.end[0] == "conn" else leg.start
        conn = draft.add_connector(spec[1], pts[-1][0] if leg.end[0] == "conn" else pts[0][0], box[1], spec[3], leg.src)
        start, end = (start, conn) if leg.end[0] == "conn" else (conn, end)
    draft.add_path(leg.page, pts, start, end, leg.src, leg.dst, leg.branch)


def _search(draft: Draft, leg: Leg, strict: int) -> tuple[list[Point], Box | None] | None:
    """Cheapest route: a head, vertical runs on tracks with jogs between them, a tail."""
    grid = draft.grid
    xs = grid.tracks
    if leg.start[0] == "bottom":
        xs = sorted({*xs, leg.start[1][0]})
    heads = [_head(draft, leg, x, strict) for x in xs]
    cost = [h[0] if h else math.inf for h in heads]
    if all(h is None for h in heads):
        return None
    at = [h[1][-1][1] if h else 0.0 for h in heads]  # where each track's vertical run starts
    history = []
    for k, level in enumerate(_levels(grid, leg.a, leg.b)):
        if k:  # every run starts at the previous level: test all tracks in one pass
            free = free_runs(draft, leg.page, xs, at[0], level, strict)
        else:
            free = [c < math.inf and is_free(draft, leg.page, [(x, y), (x, level)], None, strict) for c, x, y in zip(cost, xs, at)]
        run = [c + abs(level - y) if ok and c < math.inf else math.inf for c, y, ok in zip(cost, at, free)]
        blocks = blocked(draft, leg.page, level, strict)
        cost, prev = list(run), list(range(len(xs)))
        for order in (range(len(xs)), range(len(xs) - 1, -1, -1)):
            best, src, last = math.inf, -1, None
            for j in order:
                if last is not None and best < math.inf:
                    lo, hi = sorted((xs[last], xs[j]))
                    best = math.inf if any(b0 <= hi + EPS and b1 >= lo - EPS for b0, b1 in blocks) else best + hi - lo
                if best + JOG_COST < cost[j] - EPS:
                    cost[j], prev[j] = best + JOG_COST, src
                if run[j] < best:
                    best, src = run[j], j
                last = j
        history.append((level, prev))
        at = [level] * len(xs)
    best, least = None, _tail_bound(leg)
    bounds = {j: c + least(xs[j], at[j]) for j, c in enumerate(cost) if c < math.inf}
    for j in sorted(bounds, key=lambda j: (bounds[j], j)):
        if best is not None and bounds[j] > best[0] + EPS:
            break  # no tail costs less than its bound: no later track can win
        tail = _tail(draft, leg, xs[j], at[j], strict)
        total = cost[j] + tail[0] if tail else math.inf
        if tail and (best is None or total < best[0] - EPS or (total < best[0] + EPS and j < best[1])):
            best = (total, j, tail)
    if best is None:
        return None
    _, j, (_, pts, box) = best
    middle = []
    for level, prev in reversed(history):
        middle += [(xs[j], level)] + ([(xs[prev[j]], level)] if prev[j] != j else [])
        j = prev[j]
    _, head, head_box = heads[j]
    return simplify(head + middle[::-1] + pts), head_box or box


def _tail_bound(leg: Leg):
    """A lower bound of `_tail`'s cost from (x, y) on a track: what any way into the target
    must at least run (into a side, or over the top at no less than the penalty)."""
    if leg.end[0] != "sym":
        return lambda x, y: 0.0
    sym = leg.end[1]

    def least(x: float, y: float) -> float:
        across = max(0.0, min(abs(x - sym.x), abs(x - sym.right)) - 1.0)
        return max(0.0, abs(sym.cy - y) - sym.h / 2 - 4.0) + min(across, _TOP_PENALTY)

    return least


def _levels(grid: Grid, a: int, b: int) -> list[float]:
    """Heights, in travel order, just below each row boundary crossed, where a leg may jog."""
    if b > a:
        return [grid.tops[k] + j for k in range(a + 1, b + 1) for j in _JOGS]
    return [grid.tops[k] + j for k in range(a, b, -1) for j in reversed(_JOGS)]


def _head(draft: Draft, leg: Leg, x: float, strict: int) -> tuple[float, list[Point], Box | None] | None:
    """The cheapest free way from the leg's start onto track x: (cost, points, connector box)."""
    grid = draft.grid
    kind = leg.start[0]
    if kind == "side":
        (px, py), d = leg.start[1], leg.start[2]
        options = [(0.0, [(px, py), (x, py)], None)] if (x - px) * d > 1 else []
    elif kind == "bottom":
        px, py = leg.start[1]
        if abs(x - px) < EPS:  # straight down from the vertex
            options = [(0.0, [(px, py)], None)]
        else:
            options = [(0.0, [(px, py), (px, py + DROP), (x, py + DROP)], None)] if abs(x - px) > 1 else []
    else:
        options = islice(conn_options(grid, leg.start[1], leg.start[2], x, None), _tries(strict))
    return next(((c + length(p), p, b) for c, p, b in options if is_free(draft, leg.page, p, b, strict)), None)


def _tail(draft: Draft, leg: Leg, x: float, y: float, strict: int) -> tuple[float, list[Point], Box | None] | None:
    """The cheapest free way from (x, y) on a track into the leg's end: (cost, points, box)."""
    grid = draft.grid
    if leg.end[0] == "conn":
        options = islice(conn_options(grid, leg.end[1], leg.end[2], x, y), _tries(strict))
    else:
        sym, row = leg.end[1], leg.end[2]
        options = [
            (0.0, [(x, y), (x, sym.cy), (ex, sym.cy)], None)
            for ex, side in ((sym.x, -1), (sym.right, 1))
            if (x - ex) * side > 1 and draft.exit_side.get(row) != side
        ]
        if row is not None:  # join the flow from the previous step just above the symbol
            tx, ya = draft.top_x.get(row, sym.cx), sym.y - 4.0
            options.append((_TOP_PENALTY, [(x, y), (x, ya), (tx, ya), (tx, sym.y)], None))
    best, direction = None, _direction(leg)
    for penalty, pts, box in options:
        if strict and (pts[1][1] - y) * direction < (2.0 if box else 0.0):
            continue  # the last run would have to turn back
        pts = simplify(pts)
        if best is not None and penalty + length(pts) >= best[0]:
            continue
        if is_free(draft, leg.page, pts, box, strict, pts[-1]):
            best = (penalty + length(pts), pts, box)
            if leg.end[0] == "conn":
                break  # the options come cheapest first
    return best


def _direction(leg: Leg) -> int:
    """Which way the leg travels on the page: 1 down, -1 up."""
    if leg.a != leg.b:
        return 1 if leg.b > leg.a else -1
    spec = leg.end if leg.end[0] == "conn" else leg.start if leg.start[0] == "conn" else None
    return 1 if spec is None or (spec is leg.end) == (spec[2] == "bottom") else -1
