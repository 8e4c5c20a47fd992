"""Balanced page breaks of the Mekanisme table: the plan (pure arithmetic) and what the PDF shows.

A greedy break fills every page and leaves the rest to the last one: the 40-step SOP of
sopfactory printed step 40 alone on its seventh page. The balanced layout keeps the same number
of pages, spreads the rows evenly, and its off-page connectors still pair up across each break.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from sopfactory import forty_steps, make_project, sop_yaml
from sopgen.render import pagebreak
from sopgen.render.pagebreak import TableRoom, breaks_of, plan_pages
from sopgen.render.pdf import render_sop
from sopgen.source.project import load_project
from sopgen.source.validate import validate

# a page with room for exactly 8 rows of 75 px below the header, on every page
ROOM = TableRoom(first_top=100.0, next_top=100.0, bottom=100.0 + 8 * 75 + pagebreak.SLACK_PX, tail=0.0)


def counts(plan: tuple[int, ...]) -> list[int]:
    return [plan.count(p) for p in range(max(plan) + 1)]


def test_nine_rows_on_two_pages_are_five_and_four() -> None:
    assert counts(plan_pages([75.0] * 9, [True] * 9, ROOM, 2)) == [5, 4]


def test_forty_rows_of_eight_per_page_are_not_left_with_one() -> None:
    # 33 rows at 8 per page need 5 pages; greedy gives 8, 8, 8, 8, 1
    plan = plan_pages([75.0] * 33, [True] * 33, ROOM, 5)
    assert counts(plan) == [7, 7, 6, 7, 6]
    assert breaks_of(plan) == (8, 15, 21, 28)


def test_the_totals_row_stays_with_the_last_step() -> None:
    room = TableRoom(100.0, 100.0, ROOM.bottom, tail=75.0)
    plan = plan_pages([75.0] * 15, [True] * 15, room, 2)
    assert counts(plan) == [8, 7]  # 7 steps and the totals row on the last page
    assert plan_pages([75.0] * 16, [True] * 16, room, 2) is None  # 16 + totals need 3 pages


def test_a_remark_over_several_steps_is_never_split() -> None:
    # rows 4-6 (index 3..5) share one remark cell: no page may start at row 5 or 6
    breakable = [True, True, True, True, False, False, True, True, True]
    plan = plan_pages([75.0] * 9, breakable, ROOM, 2)
    assert breaks_of(plan) == (4,) or breaks_of(plan) == (7,)
    assert plan[3] == plan[4] == plan[5]


def test_a_smaller_first_page_and_uneven_rows() -> None:
    room = TableRoom(first_top=200.0, next_top=100.0, bottom=700.0, tail=20.0)
    heights = [60.0, 160.0, 60.0, 60.0, 100.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0, 200.0]
    plan = plan_pages(heights, [True] * len(heights), room, 3)
    fills = [sum(h for h, p in zip(heights, plan) if p == k) for k in range(3)]
    fills[-1] += room.tail
    assert fills[0] <= 500 - pagebreak.SLACK_PX and max(fills[1:]) <= 600 - pagebreak.SLACK_PX
    assert max(fills) - min(fills) <= 200  # no page nearly empty
    assert plan == tuple(sorted(plan))


def test_one_page_is_left_alone() -> None:
    assert plan_pages([75.0] * 5, [True] * 5, ROOM, 1) is None


# --- rendered ----------------------------------------------------------------------------------


def load(root: Path, name: str):
    project, _ = load_project(root)
    result = validate([root / "sops" / name], project)
    assert not result.errors
    return project, result.sops[0]


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("empat-puluh"), {"empat-puluh.yaml": forty_steps()})
    return load(root, "empat-puluh.yaml")


def table_counts(rendered) -> list[int]:
    pages = rendered.geometry.row_pages
    return [pages.count(p) for p in range(max(pages) + 1)]


def test_forty_steps_spread_over_the_same_number_of_pages(forty) -> None:
    project, sop = forty
    balanced = render_sop(sop, project, slug="empat-puluh", verify=True)
    greedy = render_sop(sop, project, slug="empat-puluh", balanced=False)  # as the preview lays out
    assert table_counts(greedy)[-1] == 1  # the case of issue #10: step 40 alone
    assert balanced.pages == greedy.pages
    spread = table_counts(balanced)
    assert min(spread) >= 5 and max(spread) - min(spread) <= 2, spread
    # the totals row prints on the last page with the last steps, and every step once
    pdf = pdfium.PdfDocument(balanced.pdf)
    last = pdf[len(pdf) - 1].get_textpage().get_text_range()
    assert "Jumlah waktu" in last and "Langkah 40:" in last and "Langkah 35:" in last
    # off-page connectors: each number printed on the two pages of its break
    seen: dict[str, set[int]] = {}
    for row, primitives in enumerate(balanced.layout.rows):
        for sym in primitives:
            if getattr(sym, "kind", "") == "connector":
                seen.setdefault(sym.text, set()).add(balanced.geometry.row_pages[row])
    pages = balanced.geometry.row_pages
    breaks = {(pages[i - 1], pages[i]) for i in range(1, len(pages)) if pages[i] != pages[i - 1]}
    assert breaks <= {tuple(sorted(v)) for v in seen.values()}
    assert all(len(v) == 2 for v in seen.values())


def test_balanced_render_is_byte_identical(forty) -> None:
    project, sop = forty
    a = render_sop(sop, project, slug="empat-puluh", content_hash="x")
    b = render_sop(sop, project, slug="empat-puluh", content_hash="x")
    assert a.pdf == b.pdf and a.final_html == b.final_html


def test_a_remark_over_several_steps_stays_on_one_page(tmp_path: Path) -> None:
    # 17 rows on F4 landscape: greedy 8, 8, 1; a remark over steps 8-10 keeps them together
    text = sop_yaml("800/017/416-317/2023", "Tujuh Belas Langkah", 17).replace(
        "  - no: 8\n", "  - no: 8\n    keterangan: {teks: Diperiksa bersama, sampai: 10}\n", 1
    )
    project, sop = load(make_project(tmp_path, {"x.yaml": text}), "x.yaml")
    out = render_sop(sop, project, slug="x", verify=True)
    pages = out.geometry.row_pages
    assert pages[7] == pages[8] == pages[9]
    assert min(table_counts(out)) >= 4, table_counts(out)


# --- properties of the plan --------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 120), per_page=st.integers(2, 12))
def test_equal_rows_differ_by_at_most_one_per_page(n: int, per_page: int) -> None:
    room = TableRoom(100.0, 100.0, 100.0 + per_page * 75 + pagebreak.SLACK_PX, 0.0)
    pages = -(-n // per_page)
    plan = plan_pages([75.0] * n, [True] * n, room, pages)
    if pages < 2:
        assert plan is None
        return
    spread = counts(plan)
    assert len(spread) == pages and max(spread) - min(spread) <= 1, spread


@settings(max_examples=200, deadline=None)
@given(
    heights=st.lists(st.floats(60, 260), min_size=2, max_size=80),
    first_top=st.floats(90, 300),
    tail=st.floats(0, 40),
)
def test_plans_fit_the_pages_and_are_no_fuller_than_greedy(heights, first_top, tail) -> None:
    room = TableRoom(first_top, 100.0, 760.0, tail)
    first, later = 760.0 - first_top - pagebreak.SLACK_PX, 760.0 - 100.0 - pagebreak.SLACK_PX
    greedy, page, used = [], 0, 0.0  # WeasyPrint's way: fill each page, the totals row last
    for i, h in enumerate(heights):
        size = h + (tail if i == len(heights) - 1 else 0.0)
        if used and used + size > (first if page == 0 else later):
            page, used = page + 1, 0.0
        if size > (first if page == 0 else later):
            return  # a row taller than a page: validation refuses it (SOP509)
        greedy.append(page)
        used += size
    pages = max(greedy) + 1
    plan = plan_pages(heights, [True] * len(heights), room, pages)
    if pages < 2:
        assert plan is None
        return
    assert plan is not None and plan == tuple(sorted(plan)) and max(plan) < pages

    def fills(p):
        out = [sum(h for h, q in zip(heights, p) if q == k) for k in range(max(p) + 1)]
        out[-1] += tail
        return out

    planned = fills(plan)
    assert planned[0] <= first and all(f <= later for f in planned[1:])
    assert max(planned) <= max(fills(greedy)) + 1e-6
