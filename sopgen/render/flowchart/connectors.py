"""Off-page connectors of routed edges: where one may sit at a page edge, and the ways to it.

A connector sits on its edge's track or, when that column is taken, anywhere in a lane's band
at the page edge, reached by a short jog. Tiers further from the page edge cost more than the
arrow they save, so connectors pack against the edge and do not fence off the tracks of the
edges still to be routed.
"""

from __future__ import annotations

import heapq
from typing import Iterator

from sopgen.render.flowchart.shapes import CONNECTOR, EPS, JOG_COST, Box, Point
from sopgen.render.flowchart.state import Grid

_TIER_COST = 8.0  # stacking an off-page connector away from the page edge
_TIER_STEP = CONNECTOR + 2.0  # pitch of the connector tiers


def conn_boxes(grid: Grid, row: int, where: str, x: float) -> list[Box]:
    """Connector places on a column, stacked from the page edge into the row's outer half."""
    if x - CONNECTOR / 2 < 0 or x + CONNECTOR / 2 > grid.width:
        return []
    top, mid, step = grid.tops[row], grid.tops[row] + grid.frame.row_heights[row] / 2, _TIER_STEP
    ys = [top + 0.5 + k * step for k in range(int((mid - top - 0.5 - CONNECTOR) // step) + 1)]
    if where == "bottom":
        ys = [grid.bottom(row) - (y - top) - CONNECTOR for y in ys]
    return [(x - CONNECTOR / 2, y, x + CONNECTOR / 2, y + CONNECTOR) for y in ys]


def conn_options(grid: Grid, row: int, where: str, x: float, y: float | None) -> Iterator[tuple[float, list[Point], Box]]:
    """Ways between track x and an off-page connector in the row's band at the page edge.

    The connector sits on the track itself or, when that column is taken, on another
    column inside a lane, reached by a short horizontal run just inside the connector's
    tier (the band between the page edge and the symbols is free of symbols). With `y` the
    options are tails arriving from (x, y), without it heads leaving towards the track.
    Yielded cheapest first, lazily: a tier further from the page edge costs _TIER_COST
    more (net of the shorter arrow), a column off the track a jog and the horizontal run.
    """
    near = grid.near_columns(x)
    on_track = bool(conn_boxes(grid, row, where, x))

    def tier(k: int, box: Box) -> Iterator[tuple[float, int, float, float]]:
        edge = box[3] if where == "top" else box[1]  # the side facing the row's middle
        base = k * (_TIER_STEP + _TIER_COST) + (abs(edge - y) if y is not None else 0.0)
        if on_track:
            yield base, k, x, edge
        for c in near:
            yield base + JOG_COST + abs(c - x) + (3.0 if y is None else 0.0), k, c, edge

    tiers = [tier(k, box) for k, box in enumerate(conn_boxes(grid, row, where, grid.width / 2))]
    for _, k, cx, edge in heapq.merge(*tiers):
        jog = edge + 3.0 if where == "top" else edge - 3.0
        if y is None:
            pts = [(cx, edge)] if cx == x else [(cx, edge), (cx, jog), (x, jog)]
        else:
            pts = [(x, y), (x, edge)] if cx == x else [(x, y), (x, jog), (cx, jog), (cx, edge)]
        top = edge - CONNECTOR if where == "top" else edge
        box = (cx - CONNECTOR / 2, top, cx + CONNECTOR / 2, top + CONNECTOR)
        yield k * (_TIER_STEP + _TIER_COST) + (0.0 if cx == x else JOG_COST), pts, box
