"""Verification of published SOPs: the QR code on each PDF, katalog.json, the verification
pages, and `sopgen verify`'s three answers (published, modified, a stranger's PDF).

The QR code is decoded from the rendered first page with zxing-cpp, as a phone would read it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from hostile import pipe_with_a_passing_writer
from sopfactory import make_project, sop_yaml
from sopgen.files import OutputRefused
from sopgen.cli import main
from sopgen.publish.identity import verification_key
from sopgen.render.build import build
from sopgen.source.project import load_project

ALAMAT = "https://sop.dawarblandong.mojokertokab.go.id/katalog"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("terbit")
    make_project(
        root,
        {
            "pindah.yaml": sop_yaml("800/001/416-317/2023", "Surat Pindah", 4, revisi="[{tanggal: 2024-01-10, uraian: Waktu diperbarui}]"),
            "lama.yaml": sop_yaml("800/001/416-317/2021", "Surat Pindah Lama", 3, extra='status: dicabut\ndiganti_oleh: "800/001/416-317/2023"\n'),
            "draf.yaml": sop_yaml("800/002/416-317/2023", "Surat Keramaian", 3, extra="status: draf\n"),
        },
    )
    with (root / "sopgen.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[keluaran]\nalamat = "{ALAMAT}/"\n')
    project, diags = load_project(root)
    assert not diags
    result = build(project)
    assert result.ok, result.summary()
    return root


def qr_texts(pdf: Path, page: int = 0) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR code (pip install zxing-cpp)")
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=3).to_pil()
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_decodes_to_the_verification_page_of_nomor_and_version(site: Path) -> None:
    key = verification_key("800/001/416-317/2023", 1)  # one revision listed: version 1
    assert qr_texts(site / "output" / "pindah.pdf") == [f"{ALAMAT}/verifikasi/{key}.html"]
    assert (site / "output" / "verifikasi" / f"{key}.html").is_file()


def test_register_lists_every_pdf_with_its_sha256(site: Path) -> None:
    out = site / "output"
    data = json.loads((out / "katalog.json").read_text(encoding="utf-8"))
    items = {i["nomor"]: i for i in data["sop"]}
    assert set(items) == {"800/001/416-317/2021", "800/001/416-317/2023", "800/002/416-317/2023"}
    for item in items.values():
        assert item["sha256"] == hashlib.sha256((out / item["pdf"]).read_bytes()).hexdigest()
        assert (out / item["verifikasi"]).is_file()
    assert items["800/001/416-317/2023"]["status"] == "berlaku"
    assert items["800/001/416-317/2023"]["versi"] == 1
    assert items["800/001/416-317/2021"]["status"] == "diganti"
    assert items["800/002/416-317/2023"]["status"] == "draf"
    page = (out / items["800/001/416-317/2021"]["verifikasi"]).read_text(encoding="utf-8")
    assert "DIGANTI" in page and items["800/001/416-317/2021"]["sha256"] in page


def run_verify(site: Path, pdf: Path) -> tuple[int, str]:
    import os

    old = os.getcwd()
    os.chdir(site)
    try:
        r = CliRunner().invoke(main, ["verify", str(pdf)])
    finally:
        os.chdir(old)
    return r.exit_code, r.output


def test_verify_published_in_force(site: Path) -> None:
    code, text = run_verify(site, site / "output" / "pindah.pdf")
    assert code == 0, text
    assert text.startswith("SAH:") and "800/001/416-317/2023" in text and "revisi ke-1" in text


def test_verify_published_but_not_in_force(site: Path) -> None:
    code, text = run_verify(site, site / "output" / "draf.pdf")
    assert code == 1 and text.startswith("TERBIT, TETAPI TIDAK BERLAKU") and "draf" in text
    code, text = run_verify(site, site / "output" / "lama.pdf")
    assert code == 1 and "diganti oleh SOP 800/001/416-317/2023" in text


def test_verify_modified_pdf(site: Path, tmp_path: Path) -> None:
    data = bytearray((site / "output" / "pindah.pdf").read_bytes())
    data[len(data) // 2] ^= 0x01  # one changed byte
    changed = tmp_path / "pindah-diubah.pdf"
    changed.write_bytes(bytes(data))
    code, text = run_verify(site, changed)
    assert code == 1
    assert text.startswith("BERUBAH:") and "800/001/416-317/2023" in text


def test_verify_stranger_pdf(site: Path, tmp_path: Path) -> None:
    from weasyprint import HTML

    stranger = tmp_path / "lain.pdf"
    stranger.write_bytes(HTML(string="<h1>SOP Pelayanan</h1><p>dibuat orang lain</p>").write_pdf())
    code, text = run_verify(site, stranger)
    assert code == 1 and text.startswith("TIDAK DIKENAL:")


def test_verify_usage_errors(site: Path, tmp_path: Path) -> None:
    code, text = run_verify(site, tmp_path / "tidak-ada.pdf")
    assert code == 2 and "tidak terbaca" in text
    not_pdf = tmp_path / "catatan.pdf"
    not_pdf.write_text("bukan pdf", encoding="utf-8")
    code, text = run_verify(site, not_pdf)
    assert code == 2 and "bukan berkas PDF" in text


def test_without_address_no_qr_but_still_a_register(tmp_path: Path) -> None:
    make_project(tmp_path, {"a.yaml": sop_yaml("800/009/416-317/2023", "Tanpa Alamat", 2)})
    project, _ = load_project(tmp_path)
    assert build(project).ok
    assert qr_texts(tmp_path / "output" / "a.pdf") == []
    assert json.loads((tmp_path / "output" / "katalog.json").read_text(encoding="utf-8"))["alamat"] is None


def test_unsigned_build_stays_deterministic(site: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "salinan"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output"))
    project, _ = load_project(copy)
    assert build(project).ok
    for name in ("pindah.pdf", "katalog.json"):
        assert (copy / "output" / name).read_bytes() == (site / "output" / name).read_bytes()


def test_verification_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    make_project(tmp_path / "p", {"a.yaml": sop_yaml("800/009/416-317/2023", "Tautan", 2)})
    elsewhere = tmp_path / "di-luar"
    elsewhere.mkdir()
    keep = elsewhere / ("a" * 64 + ".html")
    keep.write_text("milik orang lain", encoding="utf-8")
    (tmp_path / "p" / "output").mkdir()
    (tmp_path / "p" / "output" / "verifikasi").symlink_to(elsewhere, target_is_directory=True)
    project, _ = load_project(tmp_path / "p")
    with pytest.raises(OutputRefused, match="tautan"):  # before anything is written
        build(project)
    assert [p.name for p in (tmp_path / "p" / "output").iterdir()] == ["verifikasi"]
    assert keep.read_text(encoding="utf-8") == "milik orang lain"
    assert [p.name for p in elsewhere.iterdir()] == [keep.name]


def test_new_version_replaces_the_old_page(tmp_path: Path) -> None:
    make_project(tmp_path, {"a.yaml": sop_yaml("800/009/416-317/2023", "Berversi", 2)})
    project, _ = load_project(tmp_path)
    assert build(project).ok
    pages = tmp_path / "output" / "verifikasi"
    first = pages / f"{verification_key('800/009/416-317/2023', 0)}.html"
    assert first.is_file()
    text = (tmp_path / "sops" / "a.yaml").read_text(encoding="utf-8")
    (tmp_path / "sops" / "a.yaml").write_text(text.replace("revisi: null", "revisi: 2024-02-01"), encoding="utf-8")
    assert build(project).ok
    second = pages / f"{verification_key('800/009/416-317/2023', 1)}.html"
    assert second.is_file() and not first.exists()  # no old page says "berlaku"
    assert "Revisi ke-1" in second.read_text(encoding="utf-8")


def test_verify_refuses_a_catalog_or_pdf_that_is_deep_huge_or_a_pipe(site: Path, tmp_path: Path) -> None:
    """A katalog.json nested 100,000 deep was a RecursionError traceback; a pipe where the
    catalog or the PDF should be made verify wait forever; a huge catalog was read whole."""
    import os

    pdf = site / "output" / "pindah.pdf"
    deep = tmp_path / "dalam.json"
    deep.write_text('{"format": "sopgen-katalog", "sop": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    huge = tmp_path / "besar.json"
    with huge.open("wb") as f:
        f.truncate(65 * 1024 * 1024)  # sparse: nothing is written to disk
    for katalog, words in ((deep, "bukan katalog.json yang sah (JSON rusak)"), (huge, "lebih dari 64 MB")):
        r = CliRunner().invoke(main, ["verify", str(pdf), "--katalog", str(katalog)])
        assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output, r.output
    if not hasattr(os, "mkfifo"):
        return
    for name, args in (("katalog.json", lambda p: [str(pdf), "--katalog", str(p)]), ("pipa.pdf", lambda p: [str(p), "--katalog", str(site / "output")])):
        stop = pipe_with_a_passing_writer(tmp_path / name)
        try:
            r = CliRunner().invoke(main, ["verify", *args(tmp_path / name)])
        finally:
            stop()
        assert r.exit_code == 2 and "bukan berkas biasa" in r.output, r.output


def test_verify_a_status_the_format_does_not_have(site: Path, tmp_path: Path) -> None:
    """A katalog.json whose entry says status 'aktif' (with a terminal escape sequence in it,
    and one in versi) was 'TERBIT, TETAPI TIDAK BERLAKU ... aktif' with the escape sequences
    written to the terminal. Now the catalog is said to be broken, every value escaped."""
    register = json.loads((site / "output" / "katalog.json").read_text(encoding="utf-8"))
    entry = next(i for i in register["sop"] if i["pdf"] == "pindah.pdf")
    entry["status"], entry["versi"] = "\x1b]0;judul\x07aktif", "\x1b[2J3"
    crafted = tmp_path / "katalog.json"
    crafted.write_text(json.dumps(register), encoding="utf-8")
    r = CliRunner().invoke(main, ["verify", str(site / "output" / "pindah.pdf"), "--katalog", str(crafted)])
    assert r.exit_code == 1, r.output
    assert r.output.startswith("KATALOG TIDAK SAH:") and "(berlaku, draf, dicabut, diganti)" in r.output, r.output
    assert "\x1b" not in r.output and "\x07" not in r.output
