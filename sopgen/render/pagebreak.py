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
    several steps). The plan minimises the fullest page's fill by bisection on that limit: with a
    limit, filling each page as far as it goes is the fewest-page packing, so the smallest limit
    that still needs no more than `pages` pages is the most even spread.
    """
    if pages < 2 or not heights:
        return None
    first = room.bottom - room.first_top - SLACK_PX
    later = room.bottom - room.next_top - SLACK_PX
    if _pack(heights, breakable, room.tail, first, later, max(first, later), pages) is None:
        return None
    low, high = 0.0, max(first, later)
    for _ in range(40):
        mid = (low + high) / 2
        if _pack(heights, breakable, room.tail, first, later, mid, pages) is None:
            low = mid
        else:
            high = mid
    return _pack(heights, breakable, room.tail, first, later, high, pages)


def _groups(breakable: Sequence[bool]) -> list[tuple[int, int]]:
    """Runs of rows that must stay on one page, as (start, end) index ranges."""
    starts = [i for i, ok in enumerate(breakable) if ok or i == 0]
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(breakable)])]


def _pack(
    heights: Sequence[float],
    breakable: Sequence[bool],
    tail: float,
    first: float,
    later: float,
    limit: float,
    pages: int,
) -> tuple[int, ...] | None:
    """Fill pages in order, each up to min(its room, limit); None when more than `pages` needed."""
    out: list[int] = []
    page, used = 0, 0.0
    groups = _groups(breakable)
    for k, (s, e) in enumerate(groups):
        size = sum(heights[s:e]) + (tail if k == len(groups) - 1 else 0.0)
        cap = min(first if page == 0 else later, limit)
        if used and used + size > cap:
            page, used = page + 1, 0.0
            cap = min(later, limit)
        if size > cap or page >= pages:
            return None
        used += size
        out.extend([page] * (e - s))
    return tuple(out)


def breaks_of(plan: Sequence[int]) -> tuple[int, ...]:
    """The step numbers (1-based) that start a new page in a plan."""
    return tuple(i + 1 for i in range(1, len(plan)) if plan[i] != plan[i - 1])
