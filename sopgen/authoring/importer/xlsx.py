"""Reading an Excel (.xlsx) SOP: each sheet as a grid; shapes from the sheet's drawing part.

Offices that keep SOPs in Excel mark each step's actor with "X"/"√" or a filled cell, or
draw shapes anchored at a cell (`xdr:twoCellAnchor` from col/row). openpyxl reads the cells
(values, merged ranges, fills); the drawing XML, which openpyxl drops, is read directly.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from sopgen.authoring.importer import shapes as kinds
from sopgen.authoring.importer.archive import check_office_zip
from sopgen.authoring.importer.grid import Cell, Grid, ImportProblem, Shape
from sopgen.authoring.importer.identity import MONTHS

MAX_ROWS = 1_000
MAX_COLUMNS = 64
MAX_SHAPES = 5_000
MAX_SHEET = 8 * 1024 * 1024  # one sheet's XML unpacked; an SOP sheet is tens of KB
NS = {
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_COL_EMU, _ROW_EMU = 64 * 9525, 20 * 9525  # a default column and row, for positions only


def read_xlsx(path: Path) -> list[Grid]:
    check_office_zip(path, "Excel")
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/") and info.file_size > MAX_SHEET:
                raise ImportProblem(f"lembar '{info.filename[14:60]}' berukuran {info.file_size // 1048576} MB; sebuah SOP muat dalam beberapa puluh KB")
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_ranges(z.read(info), info.filename[14:60])
        drawings = _drawings(z)
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken workbook  # noqa: BLE001
        raise ImportProblem(f"buku kerja Excel tidak dapat dibuka ({type(e).__name__}: {str(e)[:120]}); simpan ulang dari Excel sebagai .xlsx") from None
    return [_grid(ws, drawings.get(ws.title, [])) for ws in book.worksheets]


# Merged ranges and hyperlinks over a range: openpyxl makes a cell object for every cell they
# cover, so `<mergeCell ref="A1:XFD1048576"/>` in a 5 KB file would take all memory.
_RANGE = re.compile(rb"""<(?:\w+:)?(?:mergeCell|hyperlink)\b[^>]*?\bref=["']\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})["']""")
MAX_RANGE_CELLS = 4 * MAX_ROWS * MAX_COLUMNS  # cells all merged ranges and linked ranges of a sheet cover


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_ranges(xml: bytes, sheet: str) -> None:
    """Refuse a sheet whose merged or linked ranges reach past the row limit or cover more cells
    than an SOP sheet could, before openpyxl expands them cell by cell."""
    covered = 0
    for m in _RANGE.finditer(xml):
        top, bottom = sorted((int(m[2]), int(m[4])))
        left, right = sorted((_column(m[1]), _column(m[3])))
        ref = f"{m[1].decode()}{m[2].decode()}:{m[3].decode()}{m[4].decode()}"
        if bottom > MAX_ROWS:
            raise ImportProblem(f"lembar '{sheet}': rentang sel {ref[:30]} sampai baris {bottom}, melebihi batas {MAX_ROWS} baris")
        covered += (bottom - top + 1) * (right - left + 1)
        if covered > MAX_RANGE_CELLS:
            raise ImportProblem(
                f"lembar '{sheet}': sel gabungan dan tautan mencakup lebih dari {MAX_RANGE_CELLS} sel (rentang {ref[:30]}); "
                "sebuah SOP memakai beberapa ratus"
            )


_FORMAT_NOISE = re.compile(r'\[[^\]]*\]|"[^"]*"|\\.')  # [$-421] locale, "literal", \x escapes
_MONTH_NAMES = {n: name.capitalize() for name, n in MONTHS.items() if name not in ("pebruari", "nopember")}


def _text(value, number_format: str = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        shown = _FORMAT_NOISE.sub("", number_format or "").lower()
        if "y" in shown and "d" not in shown:
            # 'Januari 2023' typed in Excel is stored as 1 January: the day is not in the document.
            return f"{_MONTH_NAMES[value.month]} {value.year}"
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _grid(ws, placed: list[tuple[int, int, Shape]]) -> Grid:
    # Shapes may sit below or beside the cells that hold values: the grid reaches them too.
    rows_n = max([ws.max_row or 0, *(r + 1 for r, _, _ in placed)])
    cols_n = max([ws.max_column or 0, *(c + 1 for _, c, _ in placed)])
    if rows_n > MAX_ROWS:
        raise ImportProblem(f"lembar '{ws.title[:40]}' memuat {rows_n} baris, melebihi batas {MAX_ROWS}")
    if cols_n > MAX_COLUMNS:
        # Formatting alone widens a sheet; only values (or shapes) beyond the limit refuse it.
        used = max([c for (_, c), cell in ws._cells.items() if cell.value not in (None, "")] + [c + 1 for _, c, _ in placed] + [0])
        if used > MAX_COLUMNS:
            raise ImportProblem(f"lembar '{ws.title[:40]}' memuat {used} kolom berisi, melebihi batas {MAX_COLUMNS}")
        cols_n = MAX_COLUMNS
    merged = {}
    for rng in ws.merged_cells.ranges:
        shared = Cell()
        for r in range(rng.min_row, min(rng.max_row, rows_n) + 1):
            for c in range(rng.min_col, min(rng.max_col, cols_n) + 1):
                merged[(r, c)] = (shared, (rng.min_row, rng.min_col))
    rows: list[list[Cell]] = []
    for r in range(1, rows_n + 1):
        row = []
        for c in range(1, cols_n + 1):
            cell, origin = merged.get((r, c), (None, (r, c)))
            if cell is None:
                cell = Cell()
            if origin == (r, c):
                source = ws.cell(r, c)
                cell.paragraphs = [" ".join(x.split()) for x in _text(source.value, source.number_format).split("\n")]
                fill = source.fill
                rgb = getattr(fill.fgColor, "rgb", None) if fill is not None else None
                cell.shaded = fill is not None and fill.patternType == "solid" and not (isinstance(rgb, str) and rgb.upper() in ("FFFFFFFF", "00FFFFFF"))
            row.append(cell)
        rows.append(row)
    for r, c, shape in placed:
        if r < len(rows) and c < len(rows[r]):
            rows[r][c].shapes.append(shape)
    return Grid(rows, f"lembar '{ws.title[:40]}'")


def _xml(z: zipfile.ZipFile, name: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(z.read(name), parser)
    except (KeyError, etree.XMLSyntaxError):
        return None


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    root = _xml(z, f"{folder}/_rels/{name}.rels")
    if root is None:
        return {}
    # A target is relative to the part's folder, or absolute in the package ("/xl/...").
    return {r.get("Id"): posixpath.normpath(posixpath.join(folder, r.get("Target", ""))).lstrip("/") for r in root.findall("rel:Relationship", NS)}


def _drawings(z: zipfile.ZipFile) -> dict[str, list[tuple[int, int, Shape]]]:
    """Shapes of every sheet, by sheet title, with the (row, column) of their anchor cell."""
    book = _xml(z, "xl/workbook.xml")
    if book is None:
        return {}
    targets = _rels(z, "xl/workbook.xml")
    out: dict[str, list[tuple[int, int, Shape]]] = {}
    for sheet in book.findall("m:sheets/m:sheet", NS):
        part = targets.get(sheet.get(f"{{{NS['r']}}}id"))
        if not part:
            continue
        for target in _rels(z, part).values():
            if "/drawings/" in target and target.endswith(".xml"):
                drawing = _xml(z, target)
                if drawing is not None:
                    out.setdefault(sheet.get("name", ""), []).extend(_anchors(drawing, sheet.get("name", "")))
    return out


def _int(el, path: str) -> int:
    found = el.find(path, NS)
    try:
        return int(found.text) if found is not None and found.text else 0
    except ValueError:
        return 0


def _anchors(drawing, sheet: str) -> list[tuple[int, int, Shape]]:
    out = []
    if len(drawing) > MAX_SHAPES:
        raise ImportProblem(f"gambar lembar '{sheet[:40]}' memuat {len(drawing)} bentuk, melebihi batas {MAX_SHAPES}")
    for anchor in drawing:
        start = anchor.find("xdr:from", NS)
        if start is None:
            continue
        row, col = _int(start, "xdr:row"), _int(start, "xdr:col")
        end = anchor.find("xdr:to", NS)
        x, y = col * _COL_EMU + _int(start, "xdr:colOff"), row * _ROW_EMU + _int(start, "xdr:rowOff")
        x2, y2 = (_int(end, "xdr:col") * _COL_EMU + _int(end, "xdr:colOff"), _int(end, "xdr:row") * _ROW_EMU + _int(end, "xdr:rowOff")) if end is not None else (x, y)
        box = (x, y, max(x2 - x, 0), max(y2 - y, 0))
        for sp in anchor:
            shape = _shape(sp, (sheet,), box)
            if shape is not None:
                out.append((row, col, shape))
    return out


def _shape(sp, frame: tuple, box: tuple[int, int, int, int]) -> Shape | None:
    local = sp.tag.split("}")[-1] if isinstance(sp.tag, str) else ""
    if local == "grpSp":
        return Shape("", kinds.GROUP, "", frame=frame, box=box)
    if local not in ("sp", "cxnSp"):
        return None
    pr = sp.find(".//xdr:cNvPr", NS)
    key = pr.get("id", "") if pr is not None else ""
    geom = sp.find("xdr:spPr/a:prstGeom", NS)
    prst = geom.get("prst", "") if geom is not None else ""
    text = " ".join(" ".join(t.text or "" for t in sp.iter(f"{{{NS['a']}}}t")).split())
    xfrm = sp.find("xdr:spPr/a:xfrm", NS)
    flip = (xfrm.get("flipH") in ("1", "true"), xfrm.get("flipV") in ("1", "true")) if xfrm is not None else (False, False)
    st, en = sp.find(".//a:stCxn", NS), sp.find(".//a:endCxn", NS)
    kind = kinds.classify(prst, text, connector=local == "cxnSp")
    return Shape(key, kind, text, st.get("id") if st is not None else None, en.get("id") if en is not None else None, frame, box, flip)
