"""Output: number the off-page connectors and cut the drawing into one strip per row.

The renderer puts a small SVG into every row's cell of the table, and the table may break
across pages, so every path is clipped to the rows it crosses; only the piece that ends at
the path's tip carries the arrowhead, and a horizontal piece carries its line jumps.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from sopgen.render.flowchart.bridges import Hops, hops
from sopgen.render.flowchart.shapes import EPS, Layout, Path, Primitive, Segment
from sopgen.render.flowchart.state import Draft, Grid


def assemble(draft: Draft) -> Layout:
    """The finished layout: connectors numbered 1, 2, ... in reading order, rows in row coordinates."""
    grid = draft.grid
    # Number connector pairs in reading order of their first appearance.
    first: dict[str, tuple[int, float]] = {}
    for row, sym in draft.extras:
        if sym.kind == "connector":
            first[sym.text] = min(first.get(sym.text, (row, sym.x)), (row, sym.x))
    number = {tag: str(k + 1) for k, tag in enumerate(sorted(first, key=first.__getitem__))}
    renamed = {id(s): replace(s, text=number[s.text]) for _, s in draft.extras if s.kind == "connector"}
    extras = [(row, renamed.get(id(s), s)) for row, s in draft.extras]
    paths = [replace(p, start=renamed.get(id(p.start), p.start), end=renamed.get(id(p.end), p.end)) for p in draft.paths]
    rows: list[list[Primitive]] = [[] for _ in draft.nodes]
    jumps = hops(draft)
    for k, path in enumerate(paths):
        for row, seg in _clip(grid, path, {j: jumps.get(("path", k, j), ()) for j in range(len(path.points) - 1)}):
            rows[row].append(seg)
    for k, (row, join) in enumerate(draft.joins):
        (x1, y), (x2, _) = join.points
        rows[row].append(Segment(x1, y - grid.tops[row], x2, y - grid.tops[row], hops=jumps.get(("join", k, 0), ())))
    symbols = [*enumerate(draft.steps), *extras]
    for row, item in [*symbols, *draft.labels]:
        rows[row].append(replace(item, y=item.y - grid.tops[row]))
    return Layout(
        grid.width,
        tuple(grid.frame.row_heights),
        tuple(grid.tops),
        tuple(grid.frame.row_pages),
        tuple(tuple(r) for r in rows),
        tuple(symbols),
        tuple(draft.labels),
        tuple(paths),
        tuple(draft.joins),
    )


def _clip(grid: Grid, path: Path, jumps: dict[int, Hops]) -> list[tuple[int, Segment]]:
    """Split a path into per-row pieces; only the piece ending at the tip gets the arrow, and a
    horizontal piece keeps its line jumps."""
    out = []
    page_last, last = grid.page_rows[path.page][-1], len(path.points) - 2
    for k, ((x1, y1), (x2, y2)) in enumerate(pairwise(path.points)):
        for row in grid.rows_in(path.page, min(y1, y2), max(y1, y2)):
            top, bottom = grid.tops[row], grid.bottom(row)
            if abs(y1 - y2) < EPS:
                if top <= y1 < bottom or (row == page_last and abs(y1 - bottom) < EPS):
                    out.append((row, Segment(x1, y1 - top, x2, y2 - top, k == last, jumps[k])))
                continue
            a, b = max(min(y1, y2), top), min(max(y1, y2), bottom)
            if b - a > EPS:
                ya, yb = (a, b) if y2 > y1 else (b, a)
                out.append((row, Segment(x1, ya - top, x2, yb - top, k == last and abs(yb - y2) < EPS)))
    return out
