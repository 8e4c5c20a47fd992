"""Branch captions ("Ya"/"Tidak", or the SOP's own words such as "lengkap"/"tidak lengkap").

A caption names the line it sits beside, as the Permenpan RB 35/2012 form's "Ya"/"Tidak" at a
diamond's vertices do: it goes beside the first line of its branch, and never under a line (no
edge, no joint step's line, no symbol) nor over a table rule between two actors' columns while
a clean place is anywhere near its branch. Captions are first put beside the vertices their
branches leave by, the bottom one beside the stem (raised against the diamond's lower edge
where the stem is short), after every fixed edge is drawn and before the router runs, so the
router goes around them. A caption with no clean place there (a long custom word in a narrow
column) waits until every edge is routed; so does a caption a relaxed route had to cross or an
edge had to move. It then takes the first clean place beside its branch's first line, or just
round that line's first corner (a stub to its track), else further along its branch (a
vertical run of its track; first where no other edge's line is near, so that it is not read as
that edge's caption), on one line, else stacked one word a line; else clean near its vertex.
Only with no clean place at all does it cross a table rule, on a white ground that hides part
of the rule.

A caption's box is its text measured in DejaVu Sans (`wordfit.text_width`), the face
WeasyPrint draws the SVG's text in, with LABEL_PAD each side; it keeps _CLEAR from every
line and stays off every arrowhead, and sits _GAP from its own line.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Callable

from sopgen.render.flowchart.geometry import hit, seg_box
from sopgen.render.flowchart.shapes import ARROW, ARROW_HALF, EPS, LABEL_FONT, LABEL_PAD, Box, Label, Path, Point
from sopgen.render.flowchart.state import Draft
from sopgen.render.flowchart.text import LINE
from sopgen.render.wordfit import DEJAVU, text_width

_STEP = 2.0  # pitch of the places tried along a branch, pt
_GAP = 1.5  # a caption's distance from its own line
_NEAR = 40.0  # how far from its vertex a caption is looked for first, pt
_RULE_GAP = 0.75  # a clean caption box's least distance from a table rule between columns, pt
_CLEAR = 0.75  # a caption's least distance from any line, less than _GAP from its own, pt
_APART = 6.0  # further along its branch: first looked for this far from other edges' lines, pt
_CORNER = 12.0  # how far past its first corner a caption still names the branch's first line, pt
_ALONG = 120.0  # how far along its branch a caption is looked for clean before anywhere near, pt
_RAISE = (0.0, 2.0, 4.0, 6.0)  # how far a bottom caption is tried raised beside a short stem, pt

Test = Callable[[Draft, int, Box], bool]


def caption(draft: Draft, i: int, d: int, slabel: str, upward: bool, blabel: str) -> None:
    """Captions beside the first line of their branches: the side one (`d`) beside the
    horizontal leaving the side vertex, the bottom one beside the stem under the diamond."""
    grid = draft.grid
    sym = draft.steps[i]
    tw, th = _text_box(slabel)
    vx = sym.right if d > 0 else sym.x
    x0 = min(max(vx + 1.5 if d > 0 else vx - 1.5 - tw, 0.5), grid.width - 0.5 - tw)
    xc = min(max(sym.cx, x0), x0 + tw)
    gap = max(1.0, sym.h / 2 * (1 - abs(xc - sym.cx) / (sym.w / 2)) + 0.8)
    # beside the horizontal, on the side away from where the edge then turns
    above, below = (x0, sym.cy - gap - th, x0 + tw, sym.cy - gap), (x0, sym.cy + gap, x0 + tw, sym.cy + gap + th)
    _put(draft, i, slabel, [below, above] if upward else [above, below])
    tw, th = _text_box(blabel)
    boxes = []
    for r in (*_RAISE, th):  # beside the stem, raised against the diamond's lower edges as far
        off = max(1.5, (r - 1) * sym.w / sym.h + 0.8)  # as a short stem needs; away from the side branch first
        y0 = sym.bottom + 1 - r
        boxes += [(sym.cx + off, y0, sym.cx + off + tw, y0 + th) if s > 0 else (sym.cx - off - tw, y0, sym.cx - off, y0 + th) for s in (-d, d)]
    _put(draft, i, blabel, boxes)


def settle(draft: Draft) -> None:
    """After routing: captions that waited, or that a relaxed route crossed, go to the first
    free place along their own branch (else where they were meant to be)."""
    for row, label in list(draft.labels):
        if any(hit(seg_box(p, q), label.box()) for p, q, _ in draft.row_segs[row]):
            draft.labels.remove((row, label))
            draft.row_obs[row].remove(label)
            draft.waiting.append((row, label.text, [label.box()]))
    for row, text, boxes in draft.waiting:
        sym = draft.steps[row]
        path = next((p for p in draft.paths if p.start is sym and p.branch == text), None)
        found = _search(draft, path, text, row, boxes) if path is not None else None
        place, stacked = found or ((row, boxes[0]), False)
        _add(draft, *place, text, sym.step_no, stacked)
    draft.waiting.clear()


def _search(draft: Draft, path: Path, text: str, row: int, boxes: list[Box]) -> tuple[tuple[int, Box], bool] | None:
    """A place for a caption beside its branch or near its vertex: clean beside the branch's
    first line, else just round its first corner (a first line that is only a stub to its
    track), else over a table rule (with its white ground) beside the first line; on one
    line, else with one word a line (a long caption in a narrow column). Then over a table
    rule in one of the places `caption` meant (`boxes`: against the diamond beside a short
    stem); then clean near the vertex; then clean further away; then over a rule anywhere near."""
    stackings = (False, True) if len(text.split()) > 1 else (False,)
    (ax, ay), (bx, by) = path.points[:2]
    first = max(0.0, abs(bx - ax) + abs(by - ay) - 1.0)  # the caption's start stays beside it
    for test, reach in ((_clean, first), (_clean, first + _CORNER), (_apart(path), _ALONG), (_clean, _ALONG)):
        for stacked in stackings:
            found = _along(draft, path, _text_box(text, stacked), test, reach)
            if found is not None:
                return found, stacked
    for test, reach, pitch, radius in ((_clean, _NEAR, _STEP, _NEAR), (_clean, math.inf, 2 * _STEP, 2 * _NEAR)):
        for stacked in stackings:
            size = _text_box(text, stacked)
            found = _along(draft, path, size, test, reach) or _around(draft, path, size, test, radius, pitch)
            if found is not None:
                return found, stacked
    for stacked in stackings:  # no clean place at all: over a table rule, on a white ground
        found = _along(draft, path, _text_box(text, stacked), _fits, first)
        if found is not None:
            return found, stacked
    box = next((b for b in boxes if _fits(draft, row, b)), None)
    if box is not None:
        return (row, box), False
    for test, reach, pitch, radius in ((_fits, math.inf, 2 * _STEP, 2 * _NEAR),):
        for stacked in stackings:
            size = _text_box(text, stacked)
            found = _along(draft, path, size, test, reach) or _around(draft, path, size, test, radius, pitch)
            if found is not None:
                return found, stacked
    return None


def lift(draft: Draft, page: int) -> bool:
    """Take the page's captions off (they wait for `settle`): an edge found no way around them."""
    lifted = [(row, label) for row, label in draft.labels if draft.grid.page(row) == page]
    for row, label in lifted:
        draft.labels.remove((row, label))
        draft.row_obs[row].remove(label)
        draft.waiting.append((row, label.text, [label.box()]))
    return bool(lifted)


def _put(draft: Draft, row: int, text: str, boxes: list[Box]) -> None:
    """The first clean box becomes the caption; with none, the caption waits for `settle`
    (which looks along the whole first line, on one line and then stacked, before it puts
    the caption over a table rule)."""
    box = next((b for b in boxes if _clean(draft, row, b)), None)
    if box is None:
        draft.waiting.append((row, text, boxes))
    else:
        _add(draft, row, box, text, draft.steps[row].step_no)


def _add(draft: Draft, row: int, box: Box, text: str, step_no: int, stacked: bool = False) -> None:
    """The caption; one over a table rule between columns gets a white ground (`mask`)."""
    mask = any(box[0] - EPS < x < box[2] + EPS for x in draft.grid.lane_x[1:])
    label = Label(box[0], box[1], box[2] - box[0], box[3] - box[1], text, step_no, mask, stacked)
    draft.labels.append((row, label))
    draft.row_obs[row].append(label)


def _fits(draft: Draft, row: int, box: Box) -> bool:
    """Inside the row's cell and clear of every symbol, caption, drawn line and arrowhead of the row."""
    grid = draft.grid
    if box[0] < 0 or box[2] > grid.width or box[1] < grid.tops[row] or box[3] > grid.bottom(row):
        return False
    if any(hit(box, ob) for ob in draft.row_obs[row]):
        return False
    room = (box[0] - _CLEAR, box[1] - _CLEAR, box[2] + _CLEAR, box[3] + _CLEAR)  # no line grazes the text
    return not any(hit(seg_box(p, q), room) or (q == tip and hit(_head(p, q), box)) for p, q, tip in draft.row_segs[row])


def _head(p: Point, q: Point) -> Box:
    """The box of the arrowhead a line p->q ends in at q (wider than the line)."""
    run = abs(q[0] - p[0]) + abs(q[1] - p[1])
    if run < EPS:
        return seg_box(p, q)
    ux, uy = (q[0] - p[0]) / run, (q[1] - p[1]) / run
    bx, by = q[0] - ux * min(ARROW, run), q[1] - uy * min(ARROW, run)
    wx, wy = abs(uy) * ARROW_HALF, abs(ux) * ARROW_HALF
    return (min(bx, q[0]) - wx, min(by, q[1]) - wy, max(bx, q[0]) + wx, max(by, q[1]) + wy)


def _apart(path: Path) -> Test:
    """`_clean`, and _APART from every other edge's line: beside its own line only, not where
    a reader could take it for the caption of an edge it also sits beside."""
    own = set(pairwise(path.points))

    def test(draft: Draft, row: int, box: Box) -> bool:
        wide = (box[0] - _APART, box[1] - _APART, box[2] + _APART, box[3] + _APART)
        others = (seg_box(p, q) for p, q, _ in draft.row_segs[row] if (p, q) not in own)
        return _clean(draft, row, box) and not any(hit(seg, wide) for seg in others)

    return test


def _clean(draft: Draft, row: int, box: Box) -> bool:
    """`_fits`, and no table rule between two actors' columns runs through the text or
    touches it (the box is estimated from the characters: a margin keeps the printed text
    off the rule)."""
    return _fits(draft, row, box) and not any(box[0] - _RULE_GAP < x < box[2] + _RULE_GAP for x in draft.grid.lane_x[1:])


def _along(draft: Draft, path: Path, size: tuple[float, float], test: Test, reach: float) -> tuple[int, Box] | None:
    """The first place for a caption of `size` passing `test` beside the branch's own line,
    walking from the diamond at most `reach` pt."""
    tw, th = size
    walked = 0.0
    for a, b in pairwise(path.points):
        length = abs(b[0] - a[0]) + abs(b[1] - a[1])
        for k in range(int(length / _STEP) + 1):
            if walked + k * _STEP > reach:
                return None
            t = min(1.0, k * _STEP / length) if length > EPS else 0.0
            at = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            for box in _beside(at, a, b, tw, th):
                found = _in_row(draft, path.page, box, test)
                if found is not None:
                    return found
        walked += length
    return None


def _around(draft: Draft, path: Path, size: tuple[float, float], test: Test, reach: float, pitch: float) -> tuple[int, Box] | None:
    """The place for a caption of `size` passing `test` nearest the vertex the branch leaves
    by, within `reach` pt."""
    tw, th = size
    (vx, vy), steps = path.points[0], range(-int(reach / pitch), int(reach / pitch) + 1)
    offsets = sorted(((i * pitch, j * pitch) for i in steps for j in steps), key=lambda o: (math.hypot(*o), o))
    for dx, dy in offsets:
        x0, y0 = vx + dx - tw / 2, vy + dy - th / 2
        found = _in_row(draft, path.page, (x0, y0, x0 + tw, y0 + th), test)
        if found is not None:
            return found
    return None


def _in_row(draft: Draft, page: int, box: Box, test: Test) -> tuple[int, Box] | None:
    """(row, box) when the box lies inside one row of the page and passes `test` there."""
    grid = draft.grid
    for r in grid.rows_in(page, box[1], box[3]):
        if grid.tops[r] <= box[1] and box[3] <= grid.bottom(r):
            return (r, box) if test(draft, r, box) else None
    return None


def _beside(at: Point, a: Point, b: Point, tw: float, th: float) -> list[Box]:
    """Boxes next to a point of the line a->b, reaching forward along it, on both sides."""
    x, y = at
    if abs(a[1] - b[1]) < EPS:  # horizontal: above, then below
        x0 = x if b[0] >= a[0] else x - tw
        return [(x0, y - _GAP - th, x0 + tw, y - _GAP), (x0, y + _GAP, x0 + tw, y + _GAP + th)]
    y0 = y if b[1] >= a[1] else y - th
    return [(x + _GAP, y0, x + _GAP + tw, y0 + th), (x - _GAP - tw, y0, x - _GAP, y0 + th)]


def _text_box(text: str, stacked: bool = False) -> tuple[float, float]:
    """A caption's box (width, height): its text measured in the face it is printed in, and
    LABEL_PAD each side; `stacked`: one word a line."""
    lines = text.split() if stacked else [text]
    return max(text_width(x, LABEL_FONT, face=DEJAVU) for x in lines) + 2 * LABEL_PAD, LABEL_FONT * (1.25 + LINE * (len(lines) - 1))
