"""Balanced page breaks for the Mekanisme table.

WeasyPrint breaks the table greedily: every page is filled, and the last page gets what is
left, often a single step (a 40-step SOP whose seventh page holds step 40 and the totals).
Offices print and bind these sheets; a page with one step looks like a mistake and splits the
flowchart needlessly. So, from the measured first layout, we keep the same (minimum) number of
pages and spread the rows over them as evenly as their heights allow: the smallest page fill
with which the rows still fit on that many pages. The rows that then start a page get a forced
break (`tr.halaman-baru`, see `sop.css.j2`) and the document is laid out once more.

Everything here is arithmetic on measured heights (CSS px); `measure.table_room` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

# Rounding in WeasyPrint's layout is far below this; a plan never fills a page to the last pixel.
SLACK_PX = 2.0


@dataclass(frozen=True)
class TableRoom:
    """Where the step rows of the Mekanisme table can go, measured on the greedy layout."""

    first_top: float  # y of the first step row on the table's first page
    next_top: float  # y of the first step row on a following page (below the repeated header)
    bottom: float  # the lowest y a row may reach (the page's content bottom)
    tail: float  # the height of the rows after the last step (the "Jumlah waktu" row)


def plan_pages(
    heights: Sequence[float], breakable: Sequence[bool], room: TableRoom, pages: int
) -> tuple[int, ...] | None:
    """The page (0-based) of each row, spread evenly over `pages` pages; None if impossible.

    `heights[i]` is the vertical space row i takes (its height and its border);
    `breakable[i]` is False where a page must not start before row i (a remark cell spanning
    several steps). Two steps: the smallest fill limit with which the rows still fit on
    `pages` pages (bisection; with a limit, filling each page as far as it goes is the
    fewest-page packing), so no page is fuller than it must be; then each page is filled
    towards an even share of what is left, so the last page is not the one left short.
    """
    if pages < 2 or not heights:
        return None
    groups = _groups(breakable)
    sizes = [sum(heights[s:e]) for s, e in groups]
    sizes[-1] += room.tail
    caps = (room.bottom - room.first_top - SLACK_PX, room.bottom - room.next_top - SLACK_PX)
    if not _fits(sizes, caps, max(caps), pages):
        return None
    low, high = 0.0, max(caps)
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if not _fits(sizes, caps, mid, pages) else (low, mid)
    ends = _spread(sizes, caps, high, pages)
    if ends is None:
        return None
    out: list[int] = []
    start = 0
    for page, end in enumerate(ends):
        for s, e in groups[start:end]:
            out.extend([page] * (e - s))
        start = end
    return tuple(out)


def _groups(breakable: Sequence[bool]) -> list[tuple[int, int]]:
    """Runs of rows that must stay on one page, as (start, end) index ranges."""
    starts = [i for i, ok in enumerate(breakable) if ok or i == 0]
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(breakable)])]


def _fits(sizes: Sequence[float], caps: tuple[float, float], limit: float, pages: int, first_page: bool = True) -> bool:
    """Whether the groups fit on `pages` pages filled in order up to min(room, limit)."""
    page, used = 0, 0.0
    for size in sizes:
        cap = min(caps[0] if page == 0 and first_page else caps[1], limit)
        if used and used + size > cap:
            page, used = page + 1, 0.0
            cap = min(caps[1], limit)
        if size > cap or page >= pages:
            return False
        used += size
    return True


def _spread(sizes: Sequence[float], caps: tuple[float, float], limit: float, pages: int) -> list[int] | None:
    """Where each page ends (group index), each page filled towards an even share of the rest.

    A page takes the next group while that brings it closer to the share, or while the rest
    would not fit on the pages left; never beyond min(room, limit)."""
    ends: list[int] = []
    i = 0
    for page in range(pages):
        left = pages - page
        share = sum(sizes[i:]) / left
        cap = min(caps[0] if page == 0 else caps[1], limit)
        fill, j = 0.0, i
        while j < len(sizes) and fill + sizes[j] <= cap:
            must = not _fits(sizes[j:], caps, limit, left - 1, first_page=False) if left > 1 else True
            if not must and fill and abs(fill + sizes[j] - share) > abs(fill - share):
                break
            fill, j = fill + sizes[j], j + 1
        if j == i:
            return None
        ends.append(j)
        i = j
        if i == len(sizes):
            return ends
    return None


def breaks_of(plan: Sequence[int]) -> tuple[int, ...]:
    """The step numbers (1-based) that start a new page in a plan."""
    return tuple(i + 1 for i in range(1, len(plan)) if plan[i] != plan[i - 1])
