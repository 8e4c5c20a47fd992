"""Word files of SOPs laid out as offices make them, built in code for the import tests.

`reference_docx` is the reference SOP (sops/065-111-...) as its office would type it in Word:
the identity table (logo cell, kop, labels and values, "Disahkan oleh" with name, pangkat and
NIP on separate lines), the six list boxes with typed numbers, and the Mekanisme table whose
flowchart is drawn with Word shapes anchored in the actor cells (DrawingML with a VML
fallback, as Word writes them), glued connectors and Ya/Tidak text boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.shared import Pt

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
EMU = 12700  # per point


@dataclass
class Drawn:
    """One shape: kind is a DrawingML preset (flowChartProcess, flowChartDecision, ...)."""

    id: int
    prst: str
    x: float  # points from the cell's column edge / the paragraph
    y: float
    w: float
    h: float
    text: str = ""
    start: int | None = None  # connectors: glued shape ids
    end: int | None = None
    flip_v: bool = False
    flip_h: bool = False
    fallback: bool = True  # write the VML fallback Word adds


def shape_run(s: Drawn) -> str:
    connector = s.prst in ("straightConnector1", "bentConnector3")
    if connector:
        glue = "".join(
            f'<a:{tag} id="{ref}" idx="{idx}"/>' for tag, ref, idx in (("stCxn", s.start, 2), ("endCxn", s.end, 0)) if ref is not None
        )
        nv = f"<wps:cNvCnPr>{glue}</wps:cNvCnPr>"
    else:
        nv = "<wps:cNvSpPr/>"
    flips = (' flipH="1"' if s.flip_h else "") + (' flipV="1"' if s.flip_v else "")
    text = f"<wps:txbx><w:txbxContent><w:p><w:r><w:t>{s.text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>" if s.text else ""
    cx, cy = int(s.w * EMU), int(s.h * EMU)
    drawing = (
        f'<w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="{251659264 + s.id}" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="column"><wp:posOffset>{int(s.x * EMU)}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{int(s.y * EMU)}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{s.id}" name="Shape {s.id}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp>{nv}<wps:spPr><a:xfrm{flips}><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="{s.prst}"><a:avLst/></a:prstGeom></wps:spPr>{text}<wps:bodyPr/></wps:wsp>'
        "</a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )
    vml_type = {"flowChartProcess": "109", "flowChartDecision": "110", "flowChartTerminator": "116"}.get(s.prst, "32")
    fallback = (
        f'<mc:Fallback><w:pict><v:shape id="_x0000_s{1024 + s.id}" type="#_x0000_t{vml_type}" '
        f'style="position:absolute;margin-left:{s.x}pt;margin-top:{s.y}pt;width:{s.w}pt;height:{s.h}pt">'
        + (f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{s.text}</w:t></w:r></w:p></w:txbxContent></v:textbox>" if s.text else "")
        + "</v:shape></w:pict></mc:Fallback>"
    )
    if not s.fallback:
        return f"<w:r {NS}>{drawing}</w:r>"
    return f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>{fallback}</mc:AlternateContent></w:r>'


def vml_run(shape_type: str, text: str = "") -> str:
    """An old Word (2007) shape: VML only."""
    box = f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>" if text else ""
    return f'<w:r {NS}><w:pict><v:shape id="_x0000_s9{shape_type}" type="#_x0000_t{shape_type}" style="position:absolute;width:60pt;height:20pt">{box}</v:shape></w:pict></w:r>'


def add_shapes(cell, shapes: list[Drawn]) -> None:
    paragraph = cell.paragraphs[0]
    for s in shapes:
        paragraph._p.append(parse_xml(shape_run(s)))


def fill(cell, lines: list[str], bold: bool = False) -> None:
    """Typed lines, one paragraph each (a cell starts with one empty paragraph)."""
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = paragraph.add_run(line)
        run.bold = bold


def shade(cell, colour: str = "BFBFBF") -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {NS} w:val="clear" w:color="auto" w:fill="{colour}"/>'))


@dataclass
class Step:
    aktivitas: str
    lanes: list[int]
    kelengkapan: str
    waktu: str
    output: str
    question: str = ""  # a decision
    keterangan: str = ""


@dataclass
class Document:
    """What goes on the form; `layout` decides how the flowchart is drawn."""

    nomor: str
    pembuatan: str
    revisi: str
    efektif: str
    kop: list[str]
    signer: list[str]
    unit: str
    nama: str
    boxes: list[tuple[str, list[str]]]
    actors: list[str]
    steps: list[Step]
    tidak: int | None = None  # the decision's Tidak target (step number), Ya ends
    waktu_head: str = "Waktu (menit)"
    marks: bool = False  # lanes as "X" cells instead of shapes
    extra_rows: list[list[str]] = field(default_factory=list)


def reference_document() -> Document:
    return Document(
        nomor="065/111/416-317/2023",
        pembuatan="5 Oktober 2023",
        revisi="-",
        efektif="5 Oktober 2023",
        kop=["PEMERINTAH KABUPATEN MOJOKERTO", "KECAMATAN DAWARBLANDONG", "Jl. Mayjend Sungkono No. 61", "Telp.(031 ) 7921515", "DAWARBLANDONG"],
        signer=["Disahkan oleh", "", "AKHMAK TAUFIQ. S.Sos..MM.", "Pembina", "NIP. 19700626 199003 1 006"],
        unit="SUB BAGIAN PENYUSUNAN PROGRAM DAN KEUANGAN",
        nama="PENGUMPULAN DATA KINERJA",
        boxes=[
            ("DASAR HUKUM", [
                "1. Instruksi Presiden Nomor 7 Tahun 1999 tentang Akuntabilitas Kinerja Instansi Pemerintah",
                "2. Peraturan Menteri Negara Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 29 Tahun 2010 tentang Pedoman Penyusunan Penetapan Kinerja dan Pelaporan Akuntabilitas Kinerja Instansi Pemerintah",
            ]),
            ("KUALIFIKASI PELAKSANA", [
                "1. Menguasai Kebijakan mengenai penetapan kinerja",
                "2. Memiliki pemahaman tentang mekanisme dan metode penyusunan penetapan kinerja",
                "3. Memiliki kemampuan mengevaluasi penetapan kinerja",
                "4. Memiliki pemahaman tentang RPJMD dan Perda APBD",
            ]),
            ("KETERKAITAN", ["1. SOP Pengukuran Data Kinerja"]),
            ("PERALATAN/PERLENGKAPAN", [
                "1. Instrumen Evaluasi Penetapan Kinerja",
                "2. Pedoman Penetapan Kinerja",
                "3. Seperangkat Komputer yang dilengkapi aplikasi office (word, excell) dan sejenisnya",
            ]),
            ("PERINGATAN", ["1. Apabila dokumen penetapan kinerja pada SKPD tidak ada maka evaluasi tidak dapat dilakukan"]),
            ("PENCATATAN DAN PENDATAAN", ["1. Dokumen Penetapan Kinerja Pemerintah Daerah"]),
        ],
        actors=[
            "Kasubag Perencanaan dan Keuangan",
            "Kepala Sub Bagian Umum dan Kepegawaian",
            "Kasubag Penyusunan Program dan Keuangan, Kasubag Umum dan Kepegawaian",
            "Kasi",
        ],
        steps=[
            Step("Memerintahkan staf untuk menyampaikan format permintaan data dan informasi kinerja kepada Kepala Sub Bagian Penyusunan Program dan Keuangan", [0], "dokumen", "5", "dokumen format data"),
            Step("Menyampaikan format permintaan data dan informasi kinerja kepada Kasubag Umum dan Kepegawaian", [2], "dokumen", "5", "dokumen format data"),
            Step("Menyampaikan format permintaan data dan informasi kinerja kepada masing- masing Kasi", [2], "dokumen", "10", "dokumen format data"),
            Step("Menghimpun data dan informasi kinerja dari masing Kasi dan menyampaikannya kepada Kasubag Perencanaan dan Keuangan", [3], "dokumen", "480", "dokumen"),
            Step("Menghimpun data dan informasi kinerja dari Kasubag Umum dan Kepegawaian", [1], "dokumen", "480", "rekap dokumen,"),
            Step("Menganalisa dan mengevaluasi data dan informasi kinerja yang telah terkumpul sebagai bahan penyusunan Laporan Kinerja dan bila ada kesalahan data dikirim kembali kepada para kepala seksi", [0], "dokumen", "480", "rekap hasil capaian pengumpulan data kinerja bulanan", question="Data benar?"),
        ],
        tidak=4,
    )


def _identity(d: Document, document) -> None:
    t = document.add_table(rows=6, cols=3)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(3, 0))  # the logo's cell
    for r, (label, value) in enumerate([("Nomor SOP", d.nomor), ("Tgl Pembuatan", d.pembuatan), ("Tgl Revisi", d.revisi), ("Tgl Efektif", d.efektif)]):
        fill(t.cell(r, 1), [label])
        fill(t.cell(r, 2), [value])
    fill(t.cell(4, 0), d.kop, bold=True)
    fill(t.cell(4, 1).merge(t.cell(4, 2)), d.signer)
    fill(t.cell(5, 0), [d.unit], bold=True)
    fill(t.cell(5, 1), ["Nama SOP"])
    fill(t.cell(5, 2), [d.nama], bold=True)
    document.add_paragraph()
    pairs = [d.boxes[i : i + 2] for i in range(0, len(d.boxes), 2)]
    boxes = document.add_table(rows=2 * len(pairs), cols=2)
    boxes.style = "Table Grid"
    for i, pair in enumerate(pairs):
        for c, (title, items) in enumerate(pair):
            fill(boxes.cell(2 * i, c), [title], bold=True)
            fill(boxes.cell(2 * i + 1, c), items)


def _mekanisme(d: Document, document) -> None:
    document.add_paragraph().add_run(f"SOP MEKANISME {d.nama}").bold = True
    n = len(d.actors)
    cols = 2 + n + 3 + 1
    t = document.add_table(rows=2 + len(d.steps) + len(d.extra_rows), cols=cols)
    t.style = "Table Grid"
    fill(t.cell(0, 0).merge(t.cell(1, 0)), ["NO"], bold=True)
    fill(t.cell(0, 1).merge(t.cell(1, 1)), ["Aktivitas"], bold=True)
    fill(t.cell(0, 2).merge(t.cell(0, 1 + n)), ["Pelaksana"], bold=True)
    fill(t.cell(0, 2 + n).merge(t.cell(0, 4 + n)), ["Mutu Baku"], bold=True)
    fill(t.cell(0, 5 + n).merge(t.cell(1, 5 + n)), ["Keterangan"], bold=True)
    for i, name in enumerate(d.actors):
        fill(t.cell(1, 2 + i), [name], bold=True)
    for i, head in enumerate(["Kelengkapan", d.waktu_head, "Output"]):
        fill(t.cell(1, 2 + n + i), [head], bold=True)
        shade(t.cell(1, 2 + n + i))
    ids = iter(range(100, 10_000))
    symbols: dict[int, int] = {}
    for i, step in enumerate(d.steps):
        row = 2 + i
        fill(t.cell(row, 0), [str(i + 1)])
        fill(t.cell(row, 1), [step.aktivitas])
        for k, value in enumerate([step.kelengkapan, step.waktu, step.output, step.keterangan]):
            fill(t.cell(row, 2 + n + k), [value] if value else [])
        for lane in step.lanes:
            if d.marks:
                fill(t.cell(row, 2 + lane), ["X"])
            else:
                symbols.setdefault(i, next(ids))
    if not d.marks:
        _flowchart(d, t, symbols, ids)
    for r, texts in enumerate(d.extra_rows):
        for c, text in enumerate(texts):
            fill(t.cell(2 + len(d.steps) + r, c), [text])


def _flowchart(d: Document, t, symbols: dict[int, int], ids) -> None:
    """Symbols in their actor cells, arrows glued from each to the next, the decision's two
    labelled branches, a start and an end capsule."""
    n = len(d.actors)
    per_cell: dict[tuple[int, int], list[Drawn]] = {}
    for i, step in enumerate(d.steps):
        prst = "flowChartDecision" if step.question else "flowChartProcess"
        h = 40 if step.question else 22
        for lane in step.lanes:
            per_cell.setdefault((2 + i, 2 + lane), []).append(Drawn(symbols[i], prst, 8, 6, 64, h, step.question))
    first = (2, 2 + d.steps[0].lanes[0])
    start = next(ids)
    per_cell[first].insert(0, Drawn(start, "flowChartTerminator", 14, -30, 52, 16, "Mulai"))
    per_cell[first].append(Drawn(next(ids), "straightConnector1", 40, -14, 0, 20, start=start, end=symbols[0]))
    for i in range(len(d.steps) - 1):
        if d.steps[i].question:
            continue
        here = (2 + i, 2 + d.steps[i].lanes[0])
        there = d.steps[i + 1].lanes[0]
        wide = (there - d.steps[i].lanes[0]) * 80
        per_cell[here].append(Drawn(next(ids), "bentConnector3", 40, 28, abs(wide), 30, start=symbols[i], end=symbols[i + 1], flip_h=wide < 0))
    for i, step in enumerate(d.steps):
        if not step.question:
            continue
        here = (2 + i, 2 + step.lanes[0])
        end = next(ids)
        per_cell[here].append(Drawn(end, "flowChartTerminator", 14, 70, 52, 16, "Selesai"))
        per_cell[here].append(Drawn(next(ids), "straightConnector1", 40, 46, 0, 24, start=symbols[i], end=end))
        per_cell[here].append(Drawn(next(ids), "rect", 44, 48, 18, 12, "Ya"))
        if d.tidak is not None:
            back = (d.steps[d.tidak - 1].lanes[0] - step.lanes[0]) * 80
            per_cell[here].append(Drawn(next(ids), "bentConnector3", 72, -120, abs(back), 146, start=symbols[i], end=symbols[d.tidak - 1], flip_v=True, flip_h=back < 0))
            per_cell[here].append(Drawn(next(ids), "rect", 76, 8, 26, 12, "Tidak"))
    for (row, col), shapes in per_cell.items():
        add_shapes(t.cell(row, col), shapes)


def build_docx(d: Document, path: Path) -> Path:
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(9)
    _identity(d, document)
    document.add_paragraph()
    _mekanisme(d, document)
    document.save(str(path))
    return path


def reference_docx(path: Path) -> Path:
    return build_docx(reference_document(), path)


def split_mekanisme(source: Path, target: Path, header: bool, at: int = 5):
    """The Mekanisme table of `source` split after grid row `at` into a second table that
    follows a '(bersambung)' paragraph, with or without the two header rows; returns the
    python-docx document (to change more) after saving it at `target`."""
    import copy

    d = docx.Document(str(source))
    first = d.tables[-1]._tbl
    second = copy.deepcopy(first)
    first.addnext(second)
    first.addnext(d.add_paragraph("(bersambung)")._p)
    for tr in first.tr_lst[at:]:
        first.remove(tr)
    for tr in second.tr_lst[0 if not header else 2 : at]:
        second.remove(tr)
    d.save(str(target))
    return d
