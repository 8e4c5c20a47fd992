"""`sopgen import`: Word and Excel SOPs in the Permenpan RB 35/2012 form back to YAML."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from sopdocx import Document, Step, build_docx, parse_xml, reference_document, reference_docx, split_mekanisme, vml_run
from sopgen.authoring.importer import ImportProblem, convert, import_document
from sopgen.cli import main
from sopgen.source.project import load_project
from sopgen.source.yamlload import load_text

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "sops" / "065-111-pengumpulan-data-kinerja.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proyek"
    (root / "sops").mkdir(parents=True)
    shutil.copy(ROOT / "sopgen.toml", root / "sopgen.toml")
    return root


def _pdf_text(root: Path, sop_file: Path) -> list[str]:
    from sopgen.render.pdf import render_sop
    from sopgen.source.validate import validate

    project, _ = load_project(root)
    result = validate([sop_file], project)
    assert not result.errors, [d.format() for d in result.errors]
    pdf = pdfium.PdfDocument(render_sop(result.sops[0], project, slug="sop").pdf)
    return [" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]


def test_reference_word_file_imports_to_the_same_pdf_text(project: Path, tmp_path: Path) -> None:
    """The reference SOP typed in Word the way offices do: imported, it prints what the YAML
    transcription prints, page by page."""
    source = reference_docx(tmp_path / "SOP Pengumpulan Data Kinerja.docx")
    done = import_document(source, load_project(project)[0])
    assert done.path == project / "sops" / "065-111-pengumpulan-data-kinerja.yaml"
    assert [d.code for d in done.diagnostics] == ["SOP402", "SOP401", "SOP401"]  # the document's own slips
    data = load_text(done.text.encode(), "x").data
    steps = data["langkah"]
    lanes = [a["id"] for a in data["pelaksana"]]
    assert [lanes.index(s["pelaksana"]) for s in steps] == [0, 2, 2, 3, 1, 0]
    assert (steps[5]["jenis"], steps[5]["pertanyaan"], steps[5]["ya"], steps[5]["tidak"]) == ("keputusan", "Data benar?", "selesai", 4)
    reference_root = tmp_path / "acuan"
    (reference_root / "sops").mkdir(parents=True)
    shutil.copy(ROOT / "sopgen.toml", reference_root / "sopgen.toml")
    shutil.copy(REFERENCE, reference_root / "sops" / REFERENCE.name)
    expected = _pdf_text(reference_root, reference_root / "sops" / REFERENCE.name)
    assert _pdf_text(project, done.path) == expected
    assert "PENGUMPULAN DATA KINERJA" in expected[0] and "Data benar?" in " ".join(expected)


def test_guesses_are_comments_at_their_line_and_in_the_summary(project: Path, tmp_path: Path) -> None:
    source = reference_docx(tmp_path / "sop.docx")
    root_result = _run(project, ["import", str(source)])
    assert root_result.exit_code == 0, root_result.output
    written = (project / "sops" / "065-111-pengumpulan-data-kinerja.yaml").read_text(encoding="utf-8").splitlines()
    flagged = {n: line for n, line in enumerate(written, 1) if "# periksa:" in line}
    assert any(line.startswith('nama: "Pengumpulan Data Kinerja"') for line in flagged.values())
    assert any(line.strip().startswith("unit:") for line in flagged.values())
    assert any(line.strip().startswith("alias:") for line in flagged.values())
    for n, line in flagged.items():
        note = line.split("# periksa: ", 1)[1]
        assert f"065-111-pengumpulan-data-kinerja.yaml:{n}: periksa: {note}" in root_result.output


def _run(root: Path, args: list[str]):
    import os

    here = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, args)
    finally:
        os.chdir(here)


def test_an_existing_sop_file_is_never_replaced(project: Path, tmp_path: Path) -> None:
    source = reference_docx(tmp_path / "sop.docx")
    assert _run(project, ["import", str(source)]).exit_code == 0
    target = project / "sops" / "065-111-pengumpulan-data-kinerja.yaml"
    target.write_text("# diubah tangan\n", encoding="utf-8")
    again = _run(project, ["import", str(source)])
    assert again.exit_code == 1 and "sudah ada" in again.output and "Traceback" not in again.output
    assert target.read_text(encoding="utf-8") == "# diubah tangan\n"


def test_lanes_from_marked_cells_when_there_are_no_shapes(project: Path, tmp_path: Path) -> None:
    doc = reference_document()
    doc.marks = True
    source = build_docx(doc, tmp_path / "bertanda.docx")
    text, guesses, nomor, nama = convert(source, load_project(project)[0])
    data = load_text(text.encode(), "x").data
    lanes = [a["id"] for a in data["pelaksana"]]
    assert [lanes.index(s["pelaksana"]) for s in data["langkah"]] == [0, 2, 2, 3, 1, 0]
    assert sum("sel bertanda" in note for _, note in guesses) == 6


def test_unlabelled_branches_are_guessed_and_said(project: Path, tmp_path: Path) -> None:
    source = reference_docx(tmp_path / "sop.docx")
    unlabelled = tmp_path / "tanpa-label.docx"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(unlabelled, "w") as out:
        for info in z.infolist():
            body = z.read(info.filename)
            if info.filename == "word/document.xml":
                body = body.replace(b"<w:t>Ya</w:t>", b"<w:t></w:t>").replace(b"<w:t>Tidak</w:t>", b"<w:t></w:t>")
            out.writestr(info, body)
    text, guesses, _, _ = convert(unlabelled, load_project(project)[0])
    step = load_text(text.encode(), "x").data["langkah"][5]
    assert (step["ya"], step["tidak"]) == ("selesai", 4)
    assert [n for _, n in guesses if "ditebak (panah tanpa label" in n]


def test_old_word_vml_shapes_give_the_lanes(project: Path, tmp_path: Path) -> None:
    import docx

    doc = reference_document()
    doc.marks = True
    source = build_docx(doc, tmp_path / "lama.docx")
    d = docx.Document(str(source))
    table = d.tables[-1]
    for row in table.rows[2:]:
        for cell in row.cells[2:6]:
            if cell.text == "X":
                cell.paragraphs[0].runs[0].text = ""
                cell.paragraphs[0]._p.append(parse_xml(vml_run("109")))
    d.save(str(source))
    text, guesses, _, _ = convert(source, load_project(project)[0])
    data = load_text(text.encode(), "x").data
    lanes = [a["id"] for a in data["pelaksana"]]
    assert [lanes.index(s["pelaksana"]) for s in data["langkah"]] == [0, 2, 2, 3, 1, 0]
    assert not [n for _, n in guesses if "bertanda" in n or "tidak ada bentuk" in n]


def _workbook(path: Path, marks: bool = True) -> tuple[Path, int]:
    """The reference SOP in one Excel sheet as offices lay it out; returns the first step row."""
    import openpyxl
    from openpyxl.styles import PatternFill

    doc = reference_document()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SOP"
    rows = [
        ["", "Nomor SOP", doc.nomor], ["", "Tgl Pembuatan", doc.pembuatan], ["", "Tgl Revisi", "-"],
        ["", "Tgl Efektif", doc.efektif], ["\n".join(doc.kop), "\n".join(doc.signer)], [doc.unit, "Nama SOP", doc.nama], [],
    ]
    for title, items in doc.boxes:
        rows += [[title], ["\n".join(items)]]
    rows += [[], ["No", "Kegiatan", "Pelaksana", "", "", "", "Mutu Baku", "", "", "Keterangan"], ["", "", *doc.actors, "Persyaratan", "Waktu (menit)", "Output", ""]]
    for r in rows:
        ws.append(r)
    head = ws.max_row - 1
    ws.merge_cells(start_row=head, start_column=3, end_row=head, end_column=6)
    ws.merge_cells(start_row=head, start_column=7, end_row=head, end_column=9)
    ws.merge_cells(start_row=5, start_column=2, end_row=5, end_column=3)
    first = ws.max_row + 1
    for i, step in enumerate(doc.steps, 1):
        ws.append([i, step.aktivitas, "", "", "", "", step.kelengkapan, int(step.waktu), step.output, ""])
        if marks:
            ws.cell(ws.max_row, 3 + step.lanes[0]).fill = PatternFill("solid", fgColor="FF808080")
    wb.save(path)
    return path, first


def _read_back(project: Path, source: Path) -> tuple[dict, list[tuple[int, str]]]:
    text, guesses, nomor, nama = convert(source, load_project(project)[0])
    data = load_text(text.encode(), "x").data
    assert (nomor, nama) == ("065/111/416-317/2023", "Pengumpulan Data Kinerja")
    return data, guesses


def test_excel_sheet_with_marks(project: Path, tmp_path: Path) -> None:
    source, _ = _workbook(tmp_path / "sop.xlsx")
    data, guesses = _read_back(project, source)
    assert data["tanggal"] == {"pembuatan": "2023-10-05", "revisi": None, "efektif": "2023-10-05"}
    assert data["disahkan_oleh"] == {"nama": "AKHMAK TAUFIQ. S.Sos..MM.", "pangkat": "Pembina", "nip": "19700626 199003 1 006"}
    lanes = [a["id"] for a in data["pelaksana"]]
    assert [lanes.index(s["pelaksana"]) for s in data["langkah"]] == [0, 2, 2, 3, 1, 0]
    assert data["langkah"][3]["mutu_baku"] == {"kelengkapan": "dokumen", "waktu": 480, "output": "dokumen"}
    assert len(data["dasar_hukum"]) == 2 and data["keterkaitan"] == ["SOP Pengukuran Data Kinerja"]
    assert sum("sel bertanda" in note for _, note in guesses) == 6


_XDR = 'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'


def _anchor(row: int, col: int, body: str) -> str:
    where = "".join(f"<xdr:{k}>{v}</xdr:{k}>" for k, v in (("col", col), ("colOff", 0), ("row", row), ("rowOff", 0)))
    to = "".join(f"<xdr:{k}>{v}</xdr:{k}>" for k, v in (("col", col + 1), ("colOff", 0), ("row", row + 1), ("rowOff", 0)))
    return f'<xdr:twoCellAnchor><xdr:from>{where}</xdr:from><xdr:to>{to}</xdr:to>{body}<xdr:clientData/></xdr:twoCellAnchor>'


def _sp(ident: int, prst: str, text: str = "") -> str:
    body = f"<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r></a:p></xdr:txBody>" if text else ""
    return f'<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="{ident}" name="s{ident}"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="{prst}"><a:avLst/></a:prstGeom></xdr:spPr>{body}</xdr:sp>'


def _cxn(ident: int, start: int, end: int) -> str:
    return (
        f'<xdr:cxnSp><xdr:nvCxnSpPr><xdr:cNvPr id="{ident}" name="c{ident}"/><xdr:cNvCxnSpPr><a:stCxn id="{start}" idx="2"/><a:endCxn id="{end}" idx="0"/></xdr:cNvCxnSpPr></xdr:nvCxnSpPr>'
        '<xdr:spPr><a:prstGeom prst="bentConnector3"><a:avLst/></a:prstGeom></xdr:spPr></xdr:cxnSp>'
    )


def test_excel_shapes_anchored_in_cells_give_lanes_and_branches(project: Path, tmp_path: Path) -> None:
    """Shapes drawn on the sheet (xl/drawings), anchored at the actor cell of each step row."""
    plain, first = _workbook(tmp_path / "polos.xlsx", marks=False)
    doc = reference_document()
    anchors = []
    for i, step in enumerate(doc.steps):
        prst = "flowChartDecision" if step.question else "flowChartProcess"
        anchors.append(_anchor(first - 1 + i, 2 + step.lanes[0], _sp(10 + i, prst, step.question)))
    last = first - 1 + len(doc.steps) - 1
    anchors.append(_anchor(last + 1, 2, _sp(30, "flowChartTerminator", "Selesai")))
    anchors.append(_anchor(last, 2, _cxn(31, 15, 30)))  # decision -> Selesai, labelled by its own row's label
    anchors.append(_anchor(last, 3, _cxn(32, 15, 13)))  # decision -> step 4
    anchors.append(_anchor(last, 3, _sp(33, "rect", "Tidak")))
    drawing = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xdr:wsDr {_XDR}>{"".join(anchors)}</xdr:wsDr>'
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdD1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawing1.xml"/></Relationships>'
    )
    source = tmp_path / "bagan.xlsx"
    with zipfile.ZipFile(plain) as z, zipfile.ZipFile(source, "w") as out:
        for info in z.infolist():
            out.writestr(info, z.read(info.filename))
        out.writestr("xl/drawings/drawing1.xml", drawing)
        out.writestr("xl/worksheets/_rels/sheet1.xml.rels", rels)
    data, guesses = _read_back(project, source)
    lanes = [a["id"] for a in data["pelaksana"]]
    assert [lanes.index(s["pelaksana"]) for s in data["langkah"]] == [0, 2, 2, 3, 1, 0]
    step = data["langkah"][5]
    assert (step["jenis"], step["pertanyaan"], step["ya"], step["tidak"]) == ("keputusan", "Data benar?", "selesai", 4)
    assert not [n for _, n in guesses if "bertanda" in n]


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b" " * (60 * 1024 * 1024) + b"/>")
    return path


def _huge_table(path: Path) -> Path:
    """The Mekanisme table with its last row copied until it has 1,001 step rows."""
    import copy

    import docx

    source = reference_docx(path)
    d = docx.Document(str(source))
    tbl = d.tables[-1]._tbl
    last = tbl.tr_lst[-1]
    for _ in range(1_001 - 6):
        tbl.append(copy.deepcopy(last))
    d.save(str(source))
    return source


def _entity_bomb(path: Path) -> Path:
    """document.xml declaring the 'billion laughs' entities; they must never be expanded."""
    source = reference_docx(path.with_suffix(".asli.docx"))
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(path, "w") as out:
        for info in z.infolist():
            body = z.read(info.filename)
            if info.filename == "word/document.xml":
                head, rest = body.split(b"?>", 1)
                body = head + b"?>" + f'<!DOCTYPE w:document [<!ENTITY l0 "ha">{lol}]>'.encode() + rest.replace(b"<w:t>Kasi</w:t>", b"<w:t>&l9;</w:t>")
            out.writestr(info, body)
    return path


HOSTILE = {
    "entitas.docx": (_entity_bomb, "dokumen Word tidak dapat dibuka"),
    "bom.docx": (_zip_bomb, "arsip bom"),
    "bukan.docx": (lambda p: (p.write_text("bukan dokumen"), p)[1], "bukan dokumen Word"),
    "lama.doc": (lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), p)[1], "format lama .doc"),
    "lama-disamarkan.docx": (lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), p)[1], "format Word lama"),
    "besar.docx": (_huge_table, "melebihi batas 1000"),
    "tanpa-tabel.docx": (lambda p: (__import__("docx").Document().save(str(p)), p)[1], "tabel Mekanisme tidak ditemukan"),
    "catatan.txt": (lambda p: (p.write_text("x"), p)[1], "hanya berkas Word (.docx) atau Excel (.xlsx)"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_unreadable_files_are_a_message_and_write_nothing(name: str, project: Path, tmp_path: Path) -> None:
    make, words = HOSTILE[name]
    source = make(tmp_path / name)
    result = _run(project, ["import", str(source)])
    assert result.exit_code == 1
    assert words in result.output and "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list((project / "sops").iterdir()) == []


def test_missing_file_is_a_usage_error(project: Path) -> None:
    result = _run(project, ["import", "tidak-ada.docx"])
    assert result.exit_code == 2 and "tidak ditemukan" in result.output


def test_document_text_never_becomes_a_suppression_comment(project: Path, tmp_path: Path) -> None:
    """A cell reading '... # sopgen: abaikan SOP402' stays text: the YAML value keeps it, and
    no suppression is found in the written file."""
    from sopgen.source import suppress

    doc = reference_document()
    doc.steps[0].aktivitas = "Memeriksa data.. # sopgen: abaikan SOP402"
    doc.nama = "DATA #SOPGEN: ABAIKAN SOP401"
    source = build_docx(doc, tmp_path / "sisipan.docx")
    text, _, _, _ = convert(source, load_project(project)[0])
    data = load_text(text.encode(), "x").data
    assert data["langkah"][0]["aktivitas"] == "Memeriksa data.. # sopgen: abaikan SOP402"
    assert suppress.find(text, "x") == ([], [])


@pytest.mark.parametrize("header", [True, False], ids=["kepala-diulang", "tanpa-kepala"])
def test_mekanisme_table_continued_on_the_next_page(header: bool, project: Path, tmp_path: Path) -> None:
    """Offices split a long Mekanisme table at the page break, with or without repeating its
    header: both halves are one list of steps, and a branch may point into the other half."""
    source = reference_docx(tmp_path / "terbelah.docx")
    split_mekanisme(source, source, header)
    data, _ = _read_back(project, source)
    assert [s["aktivitas"][:20] for s in data["langkah"]] == [s.aktivitas[:20] for s in reference_document().steps]
    lanes = [a["id"] for a in data["pelaksana"]]
    assert [lanes.index(s["pelaksana"]) for s in data["langkah"]] == [0, 2, 2, 3, 1, 0]
    assert (data["langkah"][5]["ya"], data["langkah"][5]["tidak"]) == ("selesai", 4)


def test_excel_sheet_too_wide_is_refused(project: Path, tmp_path: Path) -> None:
    import openpyxl

    from openpyxl.styles import PatternFill

    wb = openpyxl.Workbook()
    wb.active.cell(1, 65, "x")
    wb.save(tmp_path / "lebar.xlsx")
    with pytest.raises(ImportProblem, match="65 kolom berisi, melebihi batas 64"):
        convert(tmp_path / "lebar.xlsx", load_project(project)[0])
    source, _ = _workbook(tmp_path / "berformat.xlsx")
    wb = openpyxl.load_workbook(source)
    wb.active.cell(1, 200).fill = PatternFill("solid", fgColor="FFFFFF00")  # formatting only
    wb.save(source)
    assert len(_read_back(project, source)[0]["langkah"]) == 6
