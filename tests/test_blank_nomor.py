"""An SOP without Nomor SOP (format 1.1, a blangko) everywhere its number would print.

The sheet prints an empty cell and the footer no "SOP " before nothing (test_format_additions,
test_render_footer); here the rest: the catalog, katalog.json, the verification page and
`sopgen verify`, another SOP's keterkaitan, and the book. Nowhere "None", nowhere the file name
posing as a number, nowhere "SOP" followed by nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopfactory import sop_yaml
from test_render import page_texts
from sopgen.cli import main
from sopgen.render.book import make_book
from sopgen.render.build import build
from sopgen.source.validate import validate

BLANGKO = Path(__file__).resolve().parent / "cases" / "valid" / "blangko"
STEM = "pengantar-nikah"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("blangko")
    shutil.copytree(BLANGKO / "sops", root / "sops")
    config = (BLANGKO / "sopgen.toml").read_text(encoding="utf-8")
    (root / "sopgen.toml").write_text(config + '\n[keluaran]\nalamat = "https://sop.example.go.id"\n', encoding="utf-8")
    numbered = sop_yaml("474/001/2023", "Pelayanan Surat Keterangan", 3, keterkaitan=[{"nomor": STEM}])
    (root / "sops" / "474-001.yaml").write_text(numbered, encoding="utf-8")
    result = build(validate([root / "sops"]).project)
    assert result.ok, [o.message for o in result.failed]
    return root


def no_false_number(text: str) -> None:
    assert "None" not in text and "null" not in text
    # "SOP" where a number should follow: before a dash or bracket, or alone before the page number
    assert not re.search(r"\bSOP\s*[—)]|\bSOP\s+Halaman|Nomor\s+SOP\s*\)", text), text


def test_katalog_json_says_the_number_is_blank(project: Path) -> None:
    items = {i["nomor"]: i for i in json.loads((project / "output" / "katalog.json").read_text())["sop"]}
    assert items[STEM]["nomor_sop"] is None  # known by its file name, printed as nothing
    assert items["474/001/2023"]["nomor_sop"] == "474/001/2023"


def test_catalog_and_verification_page_say_tanpa_nomor(project: Path) -> None:
    index = (project / "output" / "index.html").read_text()
    cell = re.search(r'<td class="nomor" data-nilai="pengantar-nikah">(.*?)</td>', index).group(1)
    assert "tanpa nomor" in cell and f">{STEM}<" not in cell
    item = next(i for i in json.loads((project / "output" / "katalog.json").read_text())["sop"] if i["nomor"] == STEM)
    page = (project / "output" / item["verifikasi"]).read_text()
    assert '<td id="nomor">(tanpa nomor)</td>' in page
    assert "<title>Verifikasi SOP Pelayanan Surat Pengantar Nikah</title>" in page
    no_false_number(re.sub(r"<[^>]+>", " ", page.split("<body", 1)[1].split("<script", 1)[0]))


def test_verify_names_it_without_a_number(project: Path) -> None:
    old = os.getcwd()
    os.chdir(project)
    try:
        r = CliRunner().invoke(main, ["verify", str(project / "output" / f"{STEM}.pdf")])
    finally:
        os.chdir(old)
    assert r.exit_code == 0, r.output
    assert "SOP tanpa nomor — Pelayanan Surat Pengantar Nikah" in r.output
    no_false_number(r.output)


def test_keterkaitan_to_it_prints_its_name_without_a_number(project: Path) -> None:
    from pypdfium2 import PdfDocument

    texts = page_texts((project / "output" / "474-001.pdf").read_bytes())
    assert "SOP Pelayanan Surat Pengantar Nikah" in texts[0]
    assert "(Nomor" not in texts[0] and STEM not in texts[0]
    assert len(PdfDocument((project / "output" / f"{STEM}.pdf").read_bytes())) == 2
    for text in page_texts((project / "output" / f"{STEM}.pdf").read_bytes()):
        no_false_number(text)
        assert STEM not in text


def test_book_lists_it_with_an_empty_number(project: Path) -> None:
    result = validate([project / "sops"])
    book = make_book(result.project, result.sops)
    entry = next(e for e in book.entries if e.nomor == STEM)
    assert entry.nomor_sop == ""
    texts = page_texts(book.pdf)
    for text in texts:
        no_false_number(text)
        assert STEM not in text
    from pypdfium2 import PdfDocument

    labels = [b.get_title() for b in PdfDocument(book.pdf).get_toc()]
    assert "Pelayanan Surat Pengantar Nikah" in labels and "474/001/2023 Pelayanan Surat Keterangan" in labels


def test_the_monitoring_form_names_no_file_as_a_number(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A log of the blangko SOP (named by its file, as it has no number): the form prints
    'SOP tanpa nomor' under its name, in the PDF's HTML and the xlsx alike."""
    import openpyxl

    from sopgen.conformance.engine import check_logs
    from sopgen.conformance.report import ReportOptions
    from sopgen.conformance.report.monitoring import render_form_html
    from sopgen.source.project import load_project

    log = project / "log-blangko.csv"
    log.write_text(
        "sop,kasus,langkah,pelaksana,mulai,selesai,output\n"
        f"{STEM},K-1,1,Pemohon,02/10/2023 08:00,02/10/2023 08:05,\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    loaded, _ = load_project(project)
    result = check_logs(loaded, validate([project / "sops"]).sops, [log], sop_filter=[STEM])
    html = render_form_html(result, ReportOptions(project=loaded))
    assert "SOP tanpa nomor" in html and f"SOP {STEM}" not in html
    out = CliRunner().invoke(main, ["check", log.name, "--sop", STEM, "--format", "monitoring", "-o", "form.xlsx"])
    assert out.exit_code in (0, 1), out.output
    cells = [c for row in openpyxl.load_workbook(project / "form.xlsx").active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("(SOP tanpa nomor)" in c for c in cells) and not any(f"SOP {STEM}" in c for c in cells)
