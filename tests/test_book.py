"""`sopgen book`: the office's SOPs bound as one PDF (cover, Keputusan, daftar isi, SOPs).

The project's own three SOPs are bound once per module; the tests read the PDF back with
pypdfium2: page sizes, bookmarks, the daftar isi's page numbers against where each SOP really
starts, the book page number printed on each SOP page, and byte-identical repeat builds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from test_render import page_texts
from sopgen.cli import main
from sopgen.render.book import make_book
from sopgen.source.validate import validate

ROOT = Path(__file__).resolve().parent.parent


def project_copy(tmp: Path) -> Path:
    shutil.copytree(ROOT / "sops", tmp / "sops")
    shutil.copy(ROOT / "sopgen.toml", tmp / "sopgen.toml")
    return tmp


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = project_copy(tmp_path_factory.mktemp("buku"))
    result = validate([root / "sops"])
    assert not result.errors
    made = make_book(result.project, result.sops)
    return root, result, made


def test_front_matter_then_every_sop_in_number_order(book) -> None:
    _, result, made = book
    pdf = pdfium.PdfDocument(made.pdf)
    assert len(pdf) == made.pages == made.front_pages + sum(e.pages for e in made.entries)
    assert [e.nomor for e in made.entries] == ["065/111/416-317/2023", "065/120/416-317/2024", "065/121/416-317/2024"]
    widths = [round(pdf[i].get_size()[0]) for i in range(len(pdf))]
    assert all(w < 700 for w in widths[: made.front_pages])  # the front matter is portrait
    assert all(w > 900 for w in widths[made.front_pages :])  # the SOPs as build prints them: F4 landscape


def test_bookmarks_point_at_each_sop_first_page(book) -> None:
    _, _, made = book
    toc = [(b.get_title(), b.get_dest().get_index()) for b in pdfium.PdfDocument(made.pdf).get_toc()]
    sop_marks = [(t, i) for t, i in toc if t.startswith("065/")]
    assert sop_marks == [(f"{e.nomor_sop} {e.nama}", e.page - 1) for e in made.entries]
    assert [t for t, _ in toc[:4]] == ["Sampul", "Keputusan penetapan SOP", "Lampiran: daftar SOP", "Daftar Isi"]


def test_daftar_isi_numbers_are_the_printed_book_pages(book) -> None:
    _, _, made = book
    pages = page_texts(made.pdf)
    isi = next(p for p in pages if p.startswith("DAFTAR ISI"))
    for e in made.entries:
        assert f"{e.nomor_sop} {e.nama} {e.page}" in isi
        first = pages[e.page - 1]
        assert first.startswith("PEMERINTAH KABUPATEN MOJOKERTO") and e.nama.upper() in first
        assert re.search(rf"SOP {re.escape(e.nomor_sop)} {e.page} Halaman 1 dari {e.pages}$", first), first[-80:]
    assert re.search(r"Keputusan Camat Dawarblandong tentang Standar Operasional Prosedur 2 ", isi)


def test_keputusan_sets_the_listed_sops_and_leaves_blanks_to_fill(book) -> None:
    _, _, made = book
    pages = page_texts(made.pdf)
    sk = pages[1]
    assert sk.startswith("KEPUTUSAN CAMAT DAWARBLANDONG NOMOR TENTANG STANDAR OPERASIONAL PROSEDUR KECAMATAN DAWARBLANDONG")
    assert "Menetapkan 3 (tiga) Standar Operasional Prosedur" in sk
    assert "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 35 Tahun 2012" in sk
    lampiran = pages[2]
    for i, e in enumerate(made.entries, 1):
        assert f"{i} {e.nomor_sop} {e.nama}" in lampiran


def test_same_sops_give_the_same_bytes(book) -> None:
    _, result, made = book
    assert make_book(result.project, result.sops).pdf == made.pdf


def test_cli_writes_the_book_and_skips_drafts(tmp_path: Path, monkeypatch) -> None:
    root = project_copy(tmp_path)
    renja = root / "sops" / "065-121-penyusunan-renja.yaml"
    renja.write_text(renja.read_text(encoding="utf-8") + "status: draf\n", encoding="utf-8")
    monkeypatch.chdir(root)
    run = CliRunner().invoke(main, ["book"])
    assert run.exit_code == 0, run.output
    out = root / "output" / "buku-sop.pdf"
    assert "Buku SOP ditulis ke" in run.output and "tidak dibukukan (status draf): sops/065-121-penyusunan-renja.yaml" in run.output
    toc = [b.get_title() for b in pdfium.PdfDocument(out.read_bytes()).get_toc()]
    assert not any("Renja" in t for t in toc) and len([t for t in toc if t.startswith("065/")]) == 2
    assert not list((root / "output").glob(".*tmp*"))


def test_cli_refuses_invalid_sops_and_output_over_an_input(tmp_path: Path, monkeypatch) -> None:
    root = project_copy(tmp_path)
    monkeypatch.chdir(root)
    run = CliRunner().invoke(main, ["book", "-o", "sops/065-111-pengumpulan-data-kinerja.yaml"])
    assert run.exit_code == 2 and "--output" in run.output
    bad = root / "sops" / "065-120-pelayanan-surat-keterangan-pindah.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("tidak: 4 ", "tidak: 40 "), encoding="utf-8")
    run = CliRunner().invoke(main, ["book"])
    assert run.exit_code == 1 and "SOP205" in run.output and "buku tidak ditulis" in run.output
    assert not (root / "output" / "buku-sop.pdf").exists()
