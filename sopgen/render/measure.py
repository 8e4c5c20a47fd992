"""Measuring the laid-out Mekanisme table in WeasyPrint's box tree.

The flowchart is drawn from the real geometry of the rendered table, not from a guess: after
WeasyPrint has laid the document out, we walk each page's boxes, find the flowchart cell of
every step (`td.alur#alur-N`) and the actor header cells (`th.pelaksana-kolom`), and read their
positions. Units are CSS px as WeasyPrint keeps them (1 px = 0.75 pt).

This module touches WeasyPrint internals (`Page._page_box`); they are stable across the 6x
releases and checked by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sopgen.render.html import RenderError

PX_TO_PT = 0.75


class RowTooTall(RenderError):
    """A step's row is taller than a page: the sheet cannot show it whole."""

    def __init__(self, step: int) -> None:
        super().__init__(
            f"baris langkah {step} terlalu panjang untuk satu halaman dan terpotong; "
            "persingkat teks langkah itu atau bagi menjadi dua langkah"
        )
        self.step = step


class MeasureError(RenderError):
    """The rendered document does not have the boxes the flowchart needs (message in Indonesian,
    saying what to change: a text too long for a page, or a template that lost a cell)."""


@dataclass(frozen=True)
class CellBox:
    """The padding box of one step's flowchart cell, on one page (CSS px, page coordinates)."""

    no: int
    page: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class TableGeometry:
    cells: tuple[CellBox, ...]  # one per step, step order
    lane_edges: tuple[float, ...]  # lane boundaries (x, CSS px) inside the flowchart cell, 0 .. width
    pages: int
    # The SVG placeholder box inside each flowchart cell (WeasyPrint box objects), step order.
    placeholders: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def lane_widths_pt(self) -> tuple[float, ...]:
        e = self.lane_edges
        return tuple((b - a) * PX_TO_PT for a, b in zip(e, e[1:]))

    @property
    def row_heights_pt(self) -> tuple[float, ...]:
        return tuple(c.height * PX_TO_PT for c in self.cells)

    @property
    def row_pages(self) -> tuple[int, ...]:
        """Page of each step row, counted from the first page of the Mekanisme table (0)."""
        first = self.cells[0].page if self.cells else 0
        return tuple(c.page - first for c in self.cells)

    def same_layout(self, other: TableGeometry, tolerance: float = 0.01) -> bool:
        if len(self.cells) != len(other.cells) or self.pages != other.pages:
            return False
        for a, b in zip(self.cells, other.cells):
            if a.page != b.page or any(abs(u - v) > tolerance for u, v in ((a.x, b.x), (a.y, b.y), (a.width, b.width), (a.height, b.height))):
                return False
        return all(abs(u - v) <= tolerance for u, v in zip(self.lane_edges, other.lane_edges))

    def describe_difference(self, other: TableGeometry) -> str:
        for a, b in zip(self.cells, other.cells):
            if a != b:
                return f"langkah {a.no}: halaman {a.page + 1}→{b.page + 1}, tinggi {a.height * PX_TO_PT:.2f}→{b.height * PX_TO_PT:.2f} pt"
        return f"jumlah halaman {self.pages}→{other.pages}"


def _element_id(box) -> str | None:
    element = getattr(box, "element", None)
    return element.get("id") if element is not None and hasattr(element, "get") else None


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    if element is None or not hasattr(element, "get"):
        return set()
    return set((element.get("class") or "").split())


def measure(document, steps: int, lanes: int) -> TableGeometry:
    """Find the flowchart cells of `steps` steps and the `lanes` actor header cells."""
    from weasyprint.formatting_structure.boxes import ReplacedBox, TableCellBox

    found: dict[int, list[tuple[int, Any]]] = {}
    headers: list[Any] = []
    for page_index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if not isinstance(box, TableCellBox):
                continue
            ident = _element_id(box)
            if ident and ident.startswith("alur-") and "alur" in _classes(box):
                try:
                    no = int(ident[5:])
                except ValueError:
                    continue
                found.setdefault(no, []).append((page_index, box))
            elif not headers or len(headers) < lanes:
                if "pelaksana-kolom" in _classes(box):
                    headers.append(box)
    missing = [n for n in range(1, steps + 1) if n not in found]
    if missing:
        raise MeasureError(
            f"sel flowchart langkah {missing[0]} (td.alur#alur-{missing[0]}) tidak ditemukan; "
            "templat harus mempertahankan sel itu"
        )
    split = [n for n, v in found.items() if len(v) > 1]
    if split:
        raise RowTooTall(split[0])
    cells = []
    placeholders = []
    for no in range(1, steps + 1):
        page_index, box = found[no][0]
        cells.append(
            CellBox(no, page_index, box.padding_box_x(), box.padding_box_y(), box.padding_width(), box.padding_height())
        )
        svg = next((b for b in box.descendants() if isinstance(b, ReplacedBox)), None)
        placeholders.append(svg)
    if len(headers) < lanes:
        raise MeasureError("kolom pelaksana di kepala tabel (th.pelaksana-kolom) tidak ditemukan; templat harus mempertahankannya")
    first = cells[0]
    edges = [0.0]
    for th in headers[: lanes - 1]:
        # The grid line between two actor columns: the middle of the collapsed border.
        right = th.border_box_x() + th.border_width()
        line = right - th.border_right_width / 2 if th.border_right_width else right
        edges.append(line - first.x)
    edges.append(first.width)
    for a, b in zip(edges, edges[1:]):
        if b <= a:
            raise MeasureError("lebar kolom pelaksana tidak sesuai dengan sel flowchart; periksa templat")
    return TableGeometry(tuple(cells), tuple(edges), len(document.pages), tuple(placeholders))


def table_room(document, geometry: TableGeometry):
    """The room for step rows on the table's pages (`pagebreak.TableRoom`), read from a greedy
    layout that spans at least two pages; None when the table fits on one page."""
    from weasyprint.formatting_structure.boxes import TableRowBox

    from sopgen.render.pagebreak import TableRoom

    cells = geometry.cells
    later = next((c for c in cells if c.page != cells[0].page), None)
    if later is None:
        return None
    page_box = document.pages[cells[-1].page]._page_box
    tail = 0.0
    for page in document.pages[cells[-1].page:]:
        for box in page._page_box.descendants():
            if isinstance(box, TableRowBox) and "jumlah" in _classes(box):
                tail = max(tail, box.border_height())
    return TableRoom(cells[0].y, later.y, page_box.content_box_y() + page_box.height, tail)


def row_pitches(geometry: TableGeometry) -> tuple[float, ...]:
    """The vertical space each step row takes (CSS px): the distance to the next row on its
    page; for the last row of a page, its height and the rule between rows."""
    cells = geometry.cells
    gaps = [b.y - a.y - a.height for a, b in zip(cells, cells[1:]) if a.page == b.page]
    rule = max(gaps, default=1.0)
    return tuple(
        b.y - a.y if b is not None and b.page == a.page else a.height + rule
        for a, b in zip(cells, [*cells[1:], None])
    )
