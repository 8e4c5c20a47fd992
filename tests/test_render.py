"""The PDF: structure checks in WeasyPrint's own style (pages, sizes, text, metadata, bytes).

Renders are shared per module (each takes ~0.5 s): the reference SOP, a generated 40-step SOP,
one with hostile text, and the same SOPs on A4 portrait.
"""

from __future__ import annotations

import re
import socket
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from sopfactory import REFERENCE, forty_steps, make_project, pdf_streams, sop_yaml
from sopgen.render import flowchart as layout
from sopgen.render.pdf import render_sop, url_fetcher
from sopgen.source.project import load_project
from sopgen.render.html import (
    RenderError,
    Templates,
    column_widths,
    durasi_panjang,
    format_nip,
    inline_markdown,
    slugify,
    tanggal_id,
)
from sopgen.source.validate import validate

F4_LANDSCAPE = (935.43, 609.45)
A4_PORTRAIT = (595.28, 841.89)


def norm(text: str) -> str:
    """Text as extracted, with line breaks and runs of spaces made single spaces."""
    return re.sub(r"\s+", " ", text.replace("\r", " ").replace("\ufffe", "").replace("\x02", "")).strip()


def page_texts(pdf_bytes: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    return [norm(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]


def page_sizes(pdf_bytes: bytes) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    return [tuple(round(v, 2) for v in pdf[i].get_size()) for i in range(len(pdf))]


def load_sop(root: Path, name: str):
    project, diags = load_project(root)
    assert not diags
    result = validate([root / "sops" / name], project)
    assert not result.errors, [d.format() for d in result.errors]
    return project, result.sops[0]


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("proyek")
    hostile = sop_yaml(
        "800/666/416-317/2023",
        "Uji <b>Teks</b> & Tanda",
        3,
        aktivitas={1: "Menerima <script>alert('x')</script> berkas & <b>tebal</b>"},
        extra="",
    ).replace(
        "  - Undang-Undang Nomor 30 Tahun 2014 tentang **Administrasi Pemerintahan**",
        "  - \"**Tebal** dan <img src=x onerror=alert(1)> [tautan](javascript:alert(1)) [situs](https://jdih.go.id)\"",
    )
    return make_project(
        root,
        {"800-040-empat-puluh.yaml": forty_steps(), "800-666-uji.yaml": hostile},
        reference=True,
    )


@pytest.fixture(scope="module")
def reference(project_dir: Path):
    project, sop = load_sop(project_dir, REFERENCE.name)
    return render_sop(sop, project, slug="065-111-pengumpulan-data-kinerja", content_hash="uji", verify=True)


@pytest.fixture(scope="module")
def forty(project_dir: Path):
    project, sop = load_sop(project_dir, "800-040-empat-puluh.yaml")
    return render_sop(sop, project, slug="800-040-empat-puluh", content_hash="uji", verify=True)


@pytest.fixture(scope="module")
def hostile(project_dir: Path):
    project, sop = load_sop(project_dir, "800-666-uji.yaml")
    return render_sop(sop, project, slug="800-666-uji", content_hash="uji")


# --- the reference SOP ----------------------------------------------------------------------


def test_reference_has_two_f4_landscape_pages(reference) -> None:
    assert reference.pages == 2
    assert page_sizes(reference.pdf) == [F4_LANDSCAPE, F4_LANDSCAPE]


def test_reference_identity_sheet_text(reference) -> None:
    first = page_texts(reference.pdf)[0]
    for expected in (
        "PEMERINTAH KABUPATEN MOJOKERTO",
        "KECAMATAN DAWARBLANDONG",
        "Jl. Mayjend Sungkono No. 61 Telp. (031 ) 7921515",
        "Nomor SOP 065/111/416-317/2023",
        "Tgl Pembuatan 5 Oktober 2023",
        "Tgl Revisi -",
        "Tgl Efektif 5 Oktober 2023",
        "Disahkan oleh",
        "AKHMAK TAUFIQ. S.Sos..MM.",
        "Pembina",
        "NIP. 19700626 199003 1 006",
        "SUB BAGIAN PENYUSUNAN PROGRAM DAN KEUANGAN",
        "Nama SOP PENGUMPULAN DATA KINERJA",
        "DASAR HUKUM",
        "KUALIFIKASI PELAKSANA",
        "KETERKAITAN",
        "PERALATAN/PERLENGKAPAN",
        "PERINGATAN",
        "PENCATATAN DAN PENDATAAN",
        "SOP Pengukuran Data Kinerja",
        "Seperangkat Komputer yang dilengkapi aplikasi office (word, excell) dan sejenisnya",
    ):
        assert expected in first, expected


def test_reference_mekanisme_text(reference, project_dir: Path) -> None:
    _, sop = load_sop(project_dir, REFERENCE.name)
    second = page_texts(reference.pdf)[1]
    assert "SOP MEKANISME PENGUMPULAN DATA KINERJA" in second
    for header in ("No", "Aktivitas", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu (menit)", "Output", "Keterangan"):
        assert header in second, header
    squeezed = second.replace(" ", "")
    for actor in sop.pelaksana:
        assert actor.nama.replace(" ", "") in squeezed, actor.nama
    for step in sop.langkah:
        assert step.aktivitas.replace(" ", "") in squeezed, step.no
    assert "Ya" in second.split() and "Tidak" in second.split()
    assert "Jumlah waktu 1460 menit = 24 jam 20 menit" in second


def test_reference_metadata(reference) -> None:
    meta = pdfium.PdfDocument(reference.pdf).get_metadata_dict()
    assert meta["Title"] == "Pengumpulan Data Kinerja"
    assert meta["Subject"] == "065/111/416-317/2023"
    assert meta["Author"] == "Kecamatan Dawarblandong"
    assert meta["CreationDate"] == "D:20231005"
    assert meta["ModDate"] == "D:20231005"


def test_reference_is_pdfa_with_embedded_fonts(reference) -> None:
    data = reference.pdf + b"".join(pdf_streams(reference.pdf))
    xmp = next(s for s in pdf_streams(reference.pdf) if b"x:xmpmeta" in s)
    assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert b"Pengumpulan Data Kinerja" in xmp and b"2023-10-05" in xmp
    assert b"/GTS_PDFA1" in data and b"/OutputIntents" in data
    descriptors = re.findall(rb"<</Type /FontDescriptor.*?>>", data, re.S)
    assert len(descriptors) >= 2  # regular and bold at least
    assert all(re.search(rb"/FontFile[23]? \d+ 0 R", d) for d in descriptors), descriptors


def test_layout_second_pass_is_identical(reference, forty) -> None:
    # render_sop(verify=True) re-rendered the final HTML and compared every row; here the
    # geometry the flowchart was drawn for is also what the PDF pages show.
    for rendered in (reference, forty):
        g = rendered.geometry
        assert all(h >= layout.MIN_ROW_HEIGHT - 0.01 for h in g.row_heights_pt)
        assert abs(sum(g.lane_widths_pt) - g.cells[0].width * 0.75) < 0.01


def test_no_weasyprint_warnings(reference, forty) -> None:
    assert reference.warnings == () and forty.warnings == ()


def test_rendering_is_byte_identical(project_dir: Path, reference) -> None:
    project, sop = load_sop(project_dir, REFERENCE.name)
    again = render_sop(sop, project, slug="065-111-pengumpulan-data-kinerja", content_hash="uji")
    assert again.pdf == reference.pdf
    assert b"/ID [" in again.pdf


# --- long SOPs ------------------------------------------------------------------------------


def test_forty_steps_break_across_pages_with_connectors(forty) -> None:
    pdf = pdfium.PdfDocument(forty.pdf)
    assert len(pdf) >= 4  # identity sheet + at least three pages of steps
    pages = forty.geometry.row_pages
    assert len(set(pages)) >= 3, "the table did not break across pages"
    # Every off-page connector the layout drew is printed, with its number inside the pentagon,
    # once on the page the flow leaves and once on the page it continues on.
    seen: dict[str, list[int]] = {}
    for row, primitives in enumerate(forty.layout.rows):
        cell = forty.geometry.cells[row]
        page = pdf[cell.page]
        height = page.get_height()
        for sym in primitives:
            if getattr(sym, "kind", "") != "connector":
                continue
            left, top = cell.x * 0.75 + sym.x, cell.y * 0.75 + sym.y
            inside = page.get_textpage().get_text_bounded(left, height - top - sym.h, left + sym.w, height - top)
            assert norm(inside) == sym.text, (row + 1, sym.text, inside)
            seen.setdefault(sym.text, []).append(cell.page)
    assert seen, "no connectors"
    assert sorted(seen, key=int) == [str(k) for k in range(1, len(seen) + 1)]  # numbered 1, 2, ...
    for number, on_pages in seen.items():
        assert len(on_pages) == 2 and on_pages[0] != on_pages[1], (number, on_pages)
    # every page break is bridged by at least one connector pair
    breaks = {(pages[i - 1], pages[i]) for i in range(1, len(pages)) if pages[i] != pages[i - 1]}
    first = forty.geometry.cells[0].page
    bridged = {tuple(sorted(p - first for p in v)) for v in seen.values()}
    assert breaks <= bridged, (breaks, bridged)


def test_header_row_repeats_on_every_page(forty) -> None:
    texts = page_texts(forty.pdf)
    first_mek = forty.geometry.cells[0].page
    for text in texts[first_mek:]:
        for header in ("Aktivitas", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu (menit)", "Keterangan"):
            assert header in text, header


def test_forty_steps_all_steps_present_once(forty) -> None:
    text = " ".join(page_texts(forty.pdf))
    for no in range(1, 41):
        assert f"Langkah {no}:" in text


# --- hostile text ---------------------------------------------------------------------------


def test_user_text_is_escaped(hostile) -> None:
    text = " ".join(page_texts(hostile.pdf))
    assert "<script>alert('x')</script>" in text
    assert "<b>tebal</b>" in text
    assert "Uji <b>Teks</b> & Tanda" in hostile.final_html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    for html in (hostile.final_html, hostile.html_view):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        assert 'href="javascript' not in html
        assert '<a href="https://jdih.go.id">situs</a>' in html
        assert "<strong>Tebal</strong>" in html
    assert "<script>" not in hostile.html_view.split("</style>")[0]


# --- paper sizes -----------------------------------------------------------------------------


def test_a4_portrait(tmp_path: Path) -> None:
    root = make_project(tmp_path, {}, ukuran="A4", orientasi="potret", reference=True)
    project, sop = load_sop(root, REFERENCE.name)
    out = render_sop(sop, project, slug="ref", verify=True)
    assert set(page_sizes(out.pdf)) == {A4_PORTRAIT}
    assert "PENGUMPULAN DATA KINERJA" in page_texts(out.pdf)[0]


# --- templates and fetching --------------------------------------------------------------------


def project_with_own_template(tmp_path: Path, old: str, new: str) -> Path:
    """A reference project whose templates/sop.html.j2 is the packaged one with old -> new."""
    root = make_project(tmp_path, {}, reference=True)
    (root / "templates").mkdir()
    text = (Templates().packaged / "sop.html.j2").read_text(encoding="utf-8")
    assert old in text
    (root / "templates" / "sop.html.j2").write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_project_template_overrides_packaged(tmp_path: Path) -> None:
    root = project_with_own_template(
        tmp_path, '<h1 class="judul-mekanisme">', '<p>TEMPLAT KANTOR SENDIRI</p><h1 class="judul-mekanisme">'
    )
    project, sop = load_sop(root, REFERENCE.name)
    out = render_sop(sop, project, slug="ref")
    assert "TEMPLAT KANTOR SENDIRI" in " ".join(page_texts(out.pdf))


def test_url_fetcher_refuses_network_and_outside_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {}, reference=True)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    outside = tmp_path / "rahasia.txt"
    outside.write_text("rahasia")
    project, _ = load_project(root)
    fetch = url_fetcher(project, Templates(root))
    for url in ("http://example.com/logo.png", "https://example.com/a.css", "ftp://example.com/x", outside.as_uri(), "file:///etc/passwd", (root / ".." / "rahasia.txt").as_uri()):
        with pytest.raises(ValueError):
            fetch(url)
    assert fetch((root / "logo.png").as_uri()).read().startswith(b"\x89PNG")
    assert fetch("data:text/plain,halo").read() == b"halo"


def test_template_asking_for_network_fails_without_connecting(tmp_path: Path, monkeypatch) -> None:
    root = project_with_own_template(
        tmp_path, "</head>", '<link rel="stylesheet" href="https://fonts.example.com/font.css"></head>'
    )

    def no_network(*args, **kwargs):
        raise AssertionError("sopgen tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    project, sop = load_sop(root, REFERENCE.name)
    with pytest.raises(RenderError, match="fonts.example.com"):
        render_sop(sop, project, slug="ref")


# --- the words and numbers of the form ----------------------------------------------------------


def test_indonesian_words_and_numbers() -> None:
    assert tanggal_id(date(2023, 10, 5)) == "5 Oktober 2023"
    assert tanggal_id(date(2024, 2, 29)) == "29 Februari 2024"
    assert tanggal_id(None) == "-"
    assert format_nip("197006261990031006") == "19700626 199003 1 006"
    assert format_nip("19700626 199003 1 006") == "19700626 199003 1 006"
    assert durasi_panjang(30, 450) == ""
    assert durasi_panjang(90, 450) == "1 jam 30 menit"
    assert durasi_panjang(1460, 450) == "24 jam 20 menit ≈ 3,2 hari kerja"
    assert durasi_panjang(900, 450) == "15 jam = 2 hari kerja"
    assert slugify("065/111 Pengumpulan Data — Kinerja") == "065-111-pengumpulan-data-kinerja"
    assert str(inline_markdown("**a** <i>b</i>")) == "<strong>a</strong> &lt;i&gt;b&lt;/i&gt;"


def test_column_widths_fill_the_page_and_respect_min_lane() -> None:
    for width, lanes in ((878.7, 4), (878.7, 1), (538.6, 4), (878.7, 7)):
        c = column_widths(width, lanes, layout.MIN_LANE_WIDTH)
        assert abs(sum(c.all) - width) < 1e-6
        assert min(c.lanes) >= layout.MIN_LANE_WIDTH
    with pytest.raises(RenderError, match="pelaksana"):
        column_widths(538.6, 12, layout.MIN_LANE_WIDTH)


def test_broken_project_template_is_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {}, reference=True)
    (root / "templates").mkdir()
    (root / "templates" / "sop.html.j2").write_text("<html>{% if %}</html>\n", encoding="utf-8")
    project, sop = load_sop(root, REFERENCE.name)
    with pytest.raises(RenderError, match=r"templat tidak dapat dipakai \(.*sop\.html\.j2:1\)"):
        render_sop(sop, project, slug="ref")
