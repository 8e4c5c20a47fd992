"""`sopgen import` against files made to hurt it, and files real offices make that are odd.

Each hostile file is a one-line Indonesian message naming the file (exit 1), never a
traceback, never a file written, at a cost that follows what the file really holds.
"""

from __future__ import annotations

import os
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from hostile import pipe_with_a_passing_writer
from sopdocx import reference_docx
from sopgen.authoring.importer import ImportProblem, convert
from sopgen.source.project import load_project
from test_import import _run, project  # noqa: F401  (the fixture: a project folder with sopgen.toml)


def _refused(project: Path, source: Path, words: str) -> str:
    """Import through the CLI: exit 1, the file named with the words, nothing written."""
    result = _run(project, ["import", str(source)])
    assert result.exit_code == 1, result.output
    assert f"{source}: tidak diimpor: " in result.output and words in result.output, result.output
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    assert list((project / "sops").iterdir()) == []
    return result.output


# --- archives whose headers lie ------------------------------------------------------------


def _claim(path: Path, part: str, size: int) -> None:
    """Make the local and central headers of `part` claim `size` unpacked bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        local = z.getinfo(part).header_offset
    struct.pack_into("<I", data, local + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == part.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def _lying_bomb(tmp_path: Path, expand_mb: int) -> Path:
    """A Word file whose document.xml claims 200 KB but unpacks to `expand_mb` MB (written
    in pieces: the test itself never holds it)."""
    source = reference_docx(tmp_path / "asli.docx")
    target = tmp_path / "bom-berbohong.docx"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            body = z.read(info.filename)
            if info.filename != "word/document.xml":
                out.writestr(info.filename, body)
                continue
            packed = zipfile.ZipInfo(info.filename)
            packed.compress_type = zipfile.ZIP_DEFLATED
            with out.open(packed, "w", force_zip64=True) as part:
                part.write(body)
                for _ in range(expand_mb):
                    part.write(b" " * (1024 * 1024))
    _claim(target, "word/document.xml", 200_000)
    return target


def test_a_part_unpacking_past_its_claimed_size_is_refused_at_its_claim(project: Path, tmp_path: Path) -> None:
    """python-docx reads a part in one go, and zipfile then inflates up to 2 GB before cutting
    at the claimed size: a 1 MB file cost 2 GB of memory. Now every part is unpacked in 1 MB
    pieces first, and one that holds more than it claims is damaged."""
    source = _lying_bomb(tmp_path, 256)
    tracemalloc.start()
    try:
        with pytest.raises(ImportProblem, match="tidak sesuai dengan ukuran atau CRC"):
            convert(source, load_project(project)[0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"{peak / 2**20:.0f} MB"
    _refused(project, source, "simpan ulang dari Word")


def _workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "Nomor SOP"
    wb.save(path)
    return path


def _encrypted_members(source: Path, target: Path) -> Path:
    """The zip's own (ZipCrypto) encryption flag set on every member, as password tools do."""
    data = bytearray(source.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flags] |= 1
            at = data.find(signature, at + 4)
    target.write_bytes(bytes(data))
    return target


def _damaged(source: Path, target: Path, part: str) -> Path:
    """One byte of a part's compressed data changed (a bad copy from a flash disk)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as z:
        info = z.getinfo(part)
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(
    "name, make, words",
    [
        ("sandi-zip.xlsx", lambda t: _encrypted_members(_workbook(t / "b.xlsx"), t / "sandi-zip.xlsx"), "dikunci dengan sandi"),
        ("sandi-zip.docx", lambda t: _encrypted_members(reference_docx(t / "a.docx"), t / "sandi-zip.docx"), "dikunci dengan sandi"),
        ("rusak.xlsx", lambda t: _damaged(_workbook(t / "b.xlsx"), t / "rusak.xlsx", "xl/workbook.xml"), "arsip .xlsx rusak"),
        ("rusak.docx", lambda t: _damaged(reference_docx(t / "a.docx"), t / "rusak.docx", "word/document.xml"), "arsip .docx rusak"),
    ],
)
def test_encrypted_or_damaged_parts_are_a_message(name: str, make, words: str, project: Path, tmp_path: Path) -> None:
    """The Excel reader read the drawing parts itself and let zipfile's RuntimeError
    ('password required') and zlib.error through as tracebacks."""
    _refused(project, make(tmp_path), words)


# --- a password-protected Office file (an OLE compound file) --------------------------------


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (version 3, 512-byte sectors): one FAT sector, one directory
    sector, each stream in whole sectors (at least 4096 bytes, so no mini stream)."""
    free, end, fat_sector, none = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sector, end]
    data = b""
    starts = []
    for body in streams.values():
        body = body.ljust(max(4096, -(-len(body) // 512) * 512), b"\0")
        first = len(fat)
        count = len(body) // 512
        fat += [first + i + 1 for i in range(count - 1)] + [end]
        starts.append((first, len(body)))
        data += body
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", none, right, child)
            + b"\0" * 36 + struct.pack("<IQ", start, size)
        )

    names = list(streams)
    entries = entry("Root Entry", 5, 1, none, end, 0)
    for i, name in enumerate(names):
        entries += entry(name, 2, none, i + 2 if i + 1 < len(names) else none, *starts[i])
    directory = entries.ljust(512, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0) + struct.pack("<109I", 0, *([free] * 108))
    )
    return header + struct.pack("<128I", *fat) + directory + data


def test_a_password_protected_document_says_so(project: Path, tmp_path: Path) -> None:
    """Word and Excel keep a password-protected .docx/.xlsx as a compound file, as old .doc
    files are: it was called an old .doc, and the advice to save it as .docx did not help."""
    encrypted = _cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": os.urandom(6000)})
    for name in ("rahasia.docx", "rahasia.xlsx"):
        (tmp_path / name).write_bytes(encrypted)
        _refused(project, tmp_path / name, "dikunci dengan sandi (terenkripsi)")
    (tmp_path / "lama.doc.docx").write_bytes(_cfb({"WordDocument": os.urandom(5000)}))
    _refused(project, tmp_path / "lama.doc.docx", "format Word lama (.doc)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_refused_not_waited_on(project: Path, tmp_path: Path) -> None:
    """'sopgen import x.docx' where x.docx is a pipe waited for a writer forever. (A thread
    keeps the pipe passing after 5 s so that a failing check ends instead of hanging the suite.)"""
    pipe = tmp_path / "pipa.docx"
    stop = pipe_with_a_passing_writer(pipe)
    try:
        _refused(project, pipe, "bukan berkas biasa")
    finally:
        stop()


# --- what offices really put in one file -----------------------------------------------------


def _two_sops_in_one_word_file(tmp_path: Path) -> Path:
    """Two SOPs typed one after the other in one Word file, with the same actor columns."""
    import copy

    import docx

    from sopdocx import build_docx, reference_document

    first = build_docx(reference_document(), tmp_path / "a.docx")
    other = reference_document()
    other.nomor, other.nama, other.steps, other.tidak = "065/112/416-317/2023", "PENGUKURAN DATA KINERJA", other.steps[:3], None
    second = docx.Document(str(build_docx(other, tmp_path / "b.docx")))
    combined = docx.Document(str(first))
    end = combined.element.body[-1]  # sectPr
    for element in list(second.element.body)[:-1]:
        end.addprevious(copy.deepcopy(element))
    combined.save(str(tmp_path / "dua-sop.docx"))
    return tmp_path / "dua-sop.docx"


def _two_sheets(tmp_path: Path) -> Path:
    import openpyxl

    from test_import import _workbook as reference_workbook

    source, _ = reference_workbook(tmp_path / "dua-lembar.xlsx")
    wb = openpyxl.load_workbook(source)
    copy = wb.copy_worksheet(wb.active)
    copy.title = "SOP 2"
    copy["C1"] = "065/112/416-317/2023"
    wb.save(source)
    return source


@pytest.mark.parametrize("make", [_two_sops_in_one_word_file, _two_sheets], ids=["word", "excel"])
def test_several_sops_in_one_file_are_not_merged_into_one(make, project: Path, tmp_path: Path) -> None:
    """The second SOP's steps were appended to the first as steps 7-9 and its identity sheet
    was lost: the file is refused, naming the SOPs it holds."""
    output = _refused(project, make(tmp_path), "dokumen ini memuat 2 SOP ('065/111/416-317/2023', '065/112/416-317/2023')")
    assert "impor masing-masing" in output


def test_a_row_without_activity_is_kept_and_numbered_blank_rows_are_said(project: Path, tmp_path: Path) -> None:
    """A row holding only an output and a remark was dropped without a word; blank rows the
    form numbered in advance are not steps, and the file says which rows they were."""
    from sopdocx import build_docx, reference_document
    from sopgen.source.yamlload import load_text

    doc = reference_document()
    doc.extra_rows = [["", "", "", "", "", "", "", "", "laporan akhir", "dikirim ke Camat"], ["8"], ["9"]]
    text, guesses, _, _ = convert(build_docx(doc, tmp_path / "baris.docx"), load_project(project)[0])
    steps = load_text(text.encode(), "x").data["langkah"]
    assert len(steps) == 7
    assert (steps[6]["aktivitas"], steps[6]["mutu_baku"]["output"], steps[6]["keterangan"]) == ("", "laporan akhir", "dikirim ke Camat")
    notes = [note for _, note in guesses]
    assert any("kegiatan kosong di tabel 3 baris 9" in n for n in notes)
    assert any("baris bernomor tanpa isi tidak dijadikan langkah: tabel 3 baris 10 ('8'); tabel 3 baris 11 ('9')" in n for n in notes)


def test_odd_but_real_identity_values(project: Path, tmp_path: Path) -> None:
    """A month without a day, a NIP typed with non-breaking spaces, an empty Tgl Revisi: read as
    written, each guess said."""
    from sopdocx import build_docx, reference_document
    from sopgen.source.yamlload import load_text

    doc = reference_document()
    doc.pembuatan, doc.revisi = "Januari 2023", ""
    doc.signer = ["Disahkan oleh", "CAMAT DAWARBLANDONG", "AKHMAK TAUFIQ, S.Sos., MM.", "Pembina", "NIP.\u00a019700626\u00a0199003\u00a01\u00a0006"]
    text, guesses, _, _ = convert(build_docx(doc, tmp_path / "ragam.docx"), load_project(project)[0])
    data = load_text(text.encode(), "x").data
    assert data["tanggal"] == {"pembuatan": "2023-01", "revisi": None, "efektif": "2023-10-05"}
    assert data["disahkan_oleh"] == {"jabatan": "Camat Dawarblandong", "nama": "AKHMAK TAUFIQ, S.Sos., MM.", "pangkat": "Pembina", "nip": "19700626 199003 1 006"}
    assert any("'Januari 2023' tanpa hari" in note for _, note in guesses)


@pytest.mark.parametrize("tail, words", [
    (b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>', "rentang sel A1:XFD1048576 sampai baris 1048576, melebihi batas 1000 baris"),
    (b'<hyperlinks><hyperlink ref="A1:XFD1000" location="\'SOP\'!A1"/></hyperlinks>', "mencakup lebih dari 256000 sel (rentang A1:XFD1000)"),
])
def test_a_merged_or_linked_range_over_the_whole_sheet_is_refused_unexpanded(tail: bytes, words: str, project: Path, tmp_path: Path) -> None:
    """openpyxl makes one cell object per cell a merged range or a linked range covers: a 5 KB
    workbook with one such line took minutes and gigabytes (A1:Z200000 did not finish in
    2 minutes; the whole sheet would take all memory). The ranges are measured first."""
    source = _workbook(tmp_path / "a.xlsx")
    target = tmp_path / "rentang.xlsx"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            body = z.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b"</sheetData>" + tail)
            out.writestr(info.filename, body)
    _refused(project, target, words)


def test_an_excel_month_without_a_day_stays_without_a_day(project: Path, tmp_path: Path) -> None:
    """'Januari 2023' typed in Excel becomes the date 1 January 2023 shown as 'mmmm yyyy': the
    import wrote 2023-01-01, a day the document does not hold. Now it reads what is shown."""
    from datetime import datetime

    import openpyxl

    from sopgen.source.yamlload import load_text
    from test_import import _workbook as reference_workbook

    source, _ = reference_workbook(tmp_path / "bulan.xlsx")
    wb = openpyxl.load_workbook(source)
    made, effective = wb.active["C2"], wb.active["C4"]
    assert wb.active["B2"].value == "Tgl Pembuatan" and wb.active["B4"].value == "Tgl Efektif"
    made.value, made.number_format = datetime(2023, 1, 1), "mmmm yyyy"
    effective.value, effective.number_format = datetime(2023, 10, 5), "[$-421]dd mmmm yyyy;@"
    wb.save(source)
    text, guesses, _, _ = convert(source, load_project(project)[0])
    assert load_text(text.encode(), "x").data["tanggal"] == {"pembuatan": "2023-01", "revisi": None, "efektif": "2023-10-05"}
    assert any("'Januari 2023' tanpa hari" in note for _, note in guesses)


def test_a_note_quoting_the_document_never_carries_a_bidirectional_override(project: Path, tmp_path: Path) -> None:
    """'# periksa:' notes quote the document ('huruf besar-kecil ditebak dari ...'): a U+202E in
    the name reached the comment and the terminal raw, reordering what both show. The value
    keeps it (validation then says SOP009 with its place); the note shows it escaped."""
    from sopdocx import build_docx, reference_document

    doc = reference_document()
    doc.nama = "PENGUMPULAN \u202eATAD\u202c KINERJA"
    result = _run(project, ["import", str(build_docx(doc, tmp_path / "bidi.docx"))])
    written = next((project / "sops").iterdir()).read_text(encoding="utf-8")
    comments = [line.split("#", 1)[1] for line in written.splitlines() if "# periksa:" in line]
    assert "\\u202e" in result.output and "\u202e" not in result.output, result.output
    assert any("\\u202eATAD\\u202c" in c for c in comments) and not any("\u202e" in c for c in comments)
    assert "SOP009 nama memuat karakter kendali U+202E" in result.output


def test_a_continuation_with_other_columns_is_not_left_out(project: Path, tmp_path: Path) -> None:
    """The Mekanisme table continued on the next page without its header and without the
    Keterangan column: steps 4-6 (with the decision) were left out and the 3-step SOP was
    'sah'. Now the file is refused, naming the table and what to do."""
    from sopdocx import split_mekanisme

    target = tmp_path / "lanjutan-lain.docx"
    d = split_mekanisme(reference_docx(tmp_path / "asli.docx"), target, header=False)
    second = d.tables[-1]._tbl
    for tr in second.tr_lst:
        tr.remove(tr.tc_lst[-1])
    second.tblGrid.remove(second.tblGrid.gridCol_lst[-1])
    d.save(str(target))
    _refused(project, target, "tabel 4 tampak lanjutan tabel Mekanisme (dimulai langkah 4) tetapi kolomnya 9, bukan 10")
