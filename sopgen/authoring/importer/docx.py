"""Reading a Word (.docx) SOP: every table as a grid, with the flowchart shapes of each cell.

Offices draw the flowchart with Word's shapes anchored inside the actor's cell of each step's
row (DrawingML `wp:anchor` + `wps:wsp`, or VML `v:shape` in older files); connectors may be
glued to the shapes they join (`wps:cNvCnPr` with `a:stCxn`/`a:endCxn`). python-docx opens
the package; the XML is walked directly because python-docx has no API for shapes in cells.
"""

from __future__ import annotations

from pathlib import Path

from sopgen.authoring.importer import shapes as kinds
from sopgen.authoring.importer.archive import check_office_zip
from sopgen.authoring.importer.grid import Cell, Grid, ImportProblem, Shape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
}
MAX_ROWS = 1_000  # rows of one table; an SOP has tens
MAX_COLUMNS = 64
MAX_TABLES = 200
MAX_SHAPES = 5_000


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def read_docx(path: Path) -> list[Grid]:
    """The document's tables (nested ones too, in reading order). Raises ImportProblem."""
    check_office_zip(path, "Word")
    import docx
    from lxml import etree

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises many kinds for a broken package  # noqa: BLE001
        raise ImportProblem(f"dokumen Word tidak dapat dibuka ({type(e).__name__}: {str(e)[:120]}); simpan ulang dari Word sebagai .docx") from None
    body = document.element.body
    if not isinstance(body, etree._Element):
        raise ImportProblem("dokumen Word tanpa isi (body)")
    tables = list(body.iter(_q("w:tbl")))
    if len(tables) > MAX_TABLES:
        raise ImportProblem(f"dokumen memuat {len(tables)} tabel, melebihi batas {MAX_TABLES}")
    counter = [0]
    return [_grid(t, f"tabel {i}", counter) for i, t in enumerate(tables, 1)]


# Elements that may wrap rows, cells or paragraphs without being one: content controls,
# custom XML, and the chosen branch of markup compatibility (never its fallback copy).
_WRAPPERS = frozenset(f"{{{NS[p]}}}{n}" for p, n in (("w", "sdt"), ("w", "sdtContent"), ("w", "customXml"), ("mc", "AlternateContent"), ("mc", "Choice")))


def _own(element, tag: str) -> list:
    """The `tag` children of element, also inside wrappers, never inside a nested table, a
    row or cell of one, or a text box: rows of this table, cells of this row, paragraphs of
    this cell. Each element is visited once, so deep nesting costs what the XML holds."""
    want = _q(tag)
    out, pending = [], [iter(element)]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
        elif child.tag == want:
            out.append(child)
        elif child.tag in _WRAPPERS:
            pending.append(iter(child))
    return out


def _int_attr(el, tag: str, default: int) -> int:
    found = el.find(tag) if el is not None else None
    if found is None:
        return default
    try:
        return int(found.get(_q("w:val"), default))
    except ValueError:
        return default


def _grid(tbl, where: str, counter: list[int]) -> Grid:
    trs = _own(tbl, "w:tr")
    if len(trs) > MAX_ROWS:
        raise ImportProblem(f"{where} memuat {len(trs)} baris, melebihi batas {MAX_ROWS}; satu SOP berisi puluhan langkah")
    rows: list[list[Cell]] = []
    for tr in trs:
        before = min(_int_attr(tr.find(_q("w:trPr")), _q("w:gridBefore"), 0), MAX_COLUMNS)
        row = [Cell() for _ in range(before)]
        for tc in _own(tr, "w:tc"):
            pr = tc.find(_q("w:tcPr"))
            span = max(1, min(_int_attr(pr, _q("w:gridSpan"), 1), MAX_COLUMNS))
            merge = pr.find(_q("w:vMerge")) if pr is not None else None
            above = rows[-1][len(row)] if merge is not None and merge.get(_q("w:val"), "continue") == "continue" and rows and len(rows[-1]) > len(row) else None
            cell = _cell(tc, pr, counter)
            if above is not None:
                above.paragraphs.extend(p for p in cell.paragraphs if p)
                above.shapes.extend(cell.shapes)
                cell = above
            row.extend([cell] * span)
            if len(row) > MAX_COLUMNS:
                raise ImportProblem(f"{where} memuat lebih dari {MAX_COLUMNS} kolom")
        rows.append(row)
    return Grid(rows, where)


def _cell(tc, pr, counter: list[int]) -> Cell:
    cell = Cell()
    shd = pr.find(_q("w:shd")) if pr is not None else None
    fill = (shd.get(_q("w:fill")) or "").lower() if shd is not None else ""
    cell.shaded = fill not in ("", "auto", "ffffff") or (shd is not None and (shd.get(_q("w:val")) or "") in ("solid", "pct50", "pct75"))
    for index, p in enumerate(_own(tc, "w:p")):
        cell.paragraphs.extend(_paragraph_lines(p))
        for shape in _paragraph_shapes(p, (id(tc), index)):
            counter[0] += 1
            if counter[0] > MAX_SHAPES:
                raise ImportProblem(f"dokumen memuat lebih dari {MAX_SHAPES} bentuk gambar")
            cell.shapes.append(shape)
    return cell


def _inside(el, top, tags: tuple[str, ...]) -> bool:
    wanted = {_q(t) for t in tags}
    parent = el.getparent()
    while parent is not None and parent is not top:
        if parent.tag in wanted:
            return True
        parent = parent.getparent()
    return False


def _paragraph_lines(p) -> list[str]:
    """The paragraph's own text (not that of text boxes), split at line breaks."""
    lines, current = [], []
    skip = {_q("w:drawing"), _q("w:pict"), _q("mc:AlternateContent")}
    for run in p.iter(_q("w:r")):
        if _inside(run, p, ("w:drawing", "w:pict", "mc:AlternateContent")) or run.tag in skip:
            continue
        for child in run:
            if child.tag == _q("w:t"):
                current.append(child.text or "")
            elif child.tag == _q("w:tab"):
                current.append(" ")
            elif child.tag in (_q("w:br"), _q("w:cr")):
                lines.append("".join(current))
                current = []
    lines.append("".join(current))
    return [" ".join(line.split()) for line in lines]


def _text_of(el) -> str:
    paragraphs = []
    for p in el.iter(_q("w:p")):
        paragraphs.append("".join(t.text or "" for t in p.iter(_q("w:t"))))
    return " ".join(" ".join(paragraphs).split())


def _paragraph_shapes(p, frame: tuple) -> list[Shape]:
    out = []
    for drawing in p.iter(_q("w:drawing")):
        if not _inside(drawing, p, ("mc:Fallback",)):
            out.extend(_drawing(drawing, frame))
    for pict in p.iter(_q("w:pict")):
        if not _inside(pict, p, ("mc:Fallback",)):
            out.extend(_vml(pict, frame))
    return out


def _emu(el, path: str) -> int:
    found = el.find(path, NS)
    try:
        return int((found.text or "0").strip()) if found is not None else 0
    except ValueError:
        return 0


def _drawing(drawing, frame: tuple) -> list[Shape]:
    anchor = drawing.find("wp:anchor", NS)
    if anchor is None:
        anchor = drawing.find("wp:inline", NS)
    if anchor is None:
        return []
    doc_pr = anchor.find("wp:docPr", NS)
    key = doc_pr.get("id", "") if doc_pr is not None else ""
    extent = anchor.find("wp:extent", NS)
    w, h = (int(extent.get("cx", "0") or 0), int(extent.get("cy", "0") or 0)) if extent is not None else (0, 0)
    h_ref = anchor.find("wp:positionH", NS)
    v_ref = anchor.find("wp:positionV", NS)
    x, y = _emu(anchor, "wp:positionH/wp:posOffset"), _emu(anchor, "wp:positionV/wp:posOffset")
    where = (*frame, h_ref.get("relativeFrom") if h_ref is not None else "", v_ref.get("relativeFrom") if v_ref is not None else "")
    wsp = anchor.find("a:graphic/a:graphicData/wps:wsp", NS)
    if wsp is None:
        group = anchor.find("a:graphic/a:graphicData/wpg:wgp", NS)
        kind = kinds.GROUP if group is not None else kinds.OTHER
        return [Shape(key, kind, "", frame=where, box=(x, y, w, h))]
    return [_wsp(wsp, key, where, (x, y, w, h))]


def _wsp(wsp, key: str, frame: tuple, box: tuple[int, int, int, int]) -> Shape:
    geom = wsp.find("wps:spPr/a:prstGeom", NS)
    prst = geom.get("prst", "") if geom is not None else ""
    xfrm = wsp.find("wps:spPr/a:xfrm", NS)
    flip = (xfrm.get("flipH") in ("1", "true"), xfrm.get("flipV") in ("1", "true")) if xfrm is not None else (False, False)
    box_text = wsp.find("wps:txbx", NS)
    text = _text_of(box_text) if box_text is not None else ""
    cn = wsp.find("wps:cNvCnPr", NS)
    start = end = None
    if cn is not None:
        st, en = cn.find("a:stCxn", NS), cn.find("a:endCxn", NS)
        start = st.get("id") if st is not None else None
        end = en.get("id") if en is not None else None
    kind = kinds.classify(prst, text, connector=cn is not None)
    return Shape(key, kind, text, start, end, frame, box, flip)


def _vml(pict, frame: tuple) -> list[Shape]:
    out = []
    names = ("shape", "rect", "roundrect", "oval", "line", "polyline")
    for el in pict.iter():
        if not isinstance(el.tag, str) or not el.tag.startswith("{" + NS["v"] + "}"):
            continue
        name = el.tag.split("}")[1]
        if name not in names or _inside(el, pict, ("v:shape", "v:rect", "v:roundrect", "v:oval")):
            continue
        box = el.find("v:textbox", NS)
        text = _text_of(box) if box is not None else ""
        out.append(Shape(el.get("id", ""), kinds.classify_vml(name, el.get("type", ""), text, el.get("{urn:schemas-microsoft-com:office:office}connectortype")), text, frame=frame))
    return out
