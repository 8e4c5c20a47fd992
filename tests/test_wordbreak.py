"""No word is broken without a hyphen, on A4 and F4, portrait and landscape (#10).

Portrait columns are narrow: "Kelengkapan" used to print as "Kelengk" / "apan". The check reads
the PDF's text line by line (pdfium) and accepts each token only if it is a word of the
document, or a piece of one cut at an Indonesian syllable break (Pyphen, as `wordfit` cuts) or
after the word's own hyphen, with a hyphen printed where it is cut.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from sopfactory import make_project, sop_yaml
from sopgen.render.pdf import render_sop
from sopgen.render.wordfit import SOFT_HYPHEN, _dictionary, fit_words
from sopgen.source.project import load_project
from sopgen.source.validate import validate

HYPHENS = "-\u2010\u00ad\x02"
LONG = {
    1: "Mempertanggungjawabkan penyelenggaraan administrasi kependudukan dan mendokumentasikannya",
    2: "Menginventarisasi permasalahan pertanahan dan mengkoordinasikannya dengan Kepegawaian",
    3: "Memverifikasi Kelengkapan persyaratan masing-masing pemohon",
}


def sop_text() -> str:
    text = sop_yaml("800/099/416-317/2023", "Pertanggungjawaban Penyelenggaraan Pemerintahan", 5, actors=4, aktivitas=LONG)
    text = text.replace('{id: staf, nama: "Staf Pelaksana"}', '{id: staf, nama: "Pengadministrasi Kependudukan"}')
    return text.replace(
        "mutu_baku: {kelengkapan: berkas, waktu: 10, output: \"dokumen 1\"}",
        "mutu_baku: {kelengkapan: [Kelengkapan, Rekomendasi], waktu: 10, output: Pertanggungjawaban}\n"
        "    keterangan: Diselenggarakan bersama-sama",
    )


def pieces(word: str) -> tuple[set[str], set[str]]:
    """The pieces a line may show of `word`: (ending a line with a hyphen, the rest of it)."""
    cuts = {0, len(word)}
    for m in re.finditer(r"[^\W\d_]{5,}", word):
        cuts.update(m.start() + p for p in _dictionary().positions(m.group(0)))
    cuts.update(m.end() for m in re.finditer("-", word))
    cuts = sorted(cuts)
    cut_before = {word[a:b].rstrip("-") for a in cuts for b in cuts if a < b < len(word)}
    rest = {word[a:] for a in cuts if a < len(word)}
    return cut_before, rest


def vocabulary(rendered) -> tuple[set[str], set[str]]:
    """Every word the document shows (its HTML view's text and the page footers), in pieces."""
    text = re.sub(r"<style.*?</style>|<[^>]+>", " ", rendered.html_view, flags=re.S)
    words = set(html.unescape(text).replace(SOFT_HYPHEN, "").split()) | {"SOP", "Halaman", "dari"}
    hyphened, plain = set(), set()
    for w in words:
        a, b = pieces(w)
        hyphened |= a
        plain |= b
    return hyphened, plain


def broken_words(pdf_bytes: bytes, hyphened: set[str], plain: set[str]) -> list[str]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    bad = []
    for i in range(len(pdf)):
        for line in re.split(r"[\r\n]+", pdf[i].get_textpage().get_text_range()):
            for token in line.replace("\ufffe", "-").split():  # pdfium: a printed hyphen
                if token in plain or re.fullmatch(r"\d+\.?", token):
                    continue
                if token[-1] in HYPHENS and token.rstrip(HYPHENS) in hyphened:
                    continue
                bad.append(f"halaman {i + 1}: {token!r} in {line!r}")
    return bad


@pytest.mark.parametrize("ukuran,orientasi", [("A4", "potret"), ("F4", "potret"), ("A4", "lanskap"), ("F4", "lanskap")])
def test_no_word_is_broken_without_a_hyphen(tmp_path: Path, ukuran: str, orientasi: str) -> None:
    root = make_project(tmp_path, {"x.yaml": sop_text()}, ukuran=ukuran, orientasi=orientasi, reference=True)
    project, _ = load_project(root)
    result = validate(sorted((root / "sops").glob("*.yaml")), project)
    assert not result.errors, [d.format() for d in result.errors]
    for sop in result.sops:
        out = render_sop(sop, project, slug=sop.path.stem)
        hyphened, plain = vocabulary(out)
        assert broken_words(out.pdf, hyphened, plain) == []
        if ukuran == "A4" and orientasi == "potret":
            text = " ".join(pdfium.PdfDocument(out.pdf)[i].get_textpage().get_text_range() for i in range(out.pages))
            assert "Keleng\u2010\r\nkapan" in text or "Kelengkapan" in text


def test_only_words_too_wide_get_hyphenation_points() -> None:
    assert fit_words("Kelengkapan dokumen", 60, 8, True) == "Kelengkapan dokumen"
    assert fit_words("Kelengkapan dokumen", 40, 8, True) == "Ke\u00adleng\u00adkapan dokumen"
    # a hyphenated compound breaks after its own hyphen first; short parts are left alone
    assert fit_words("masing-masing", 30, 8) == "masing-masing"
    assert fit_words("", 30, 8) == "" and fit_words(None, 30, 8) == ""


def test_the_check_catches_a_word_cut_without_hyphen() -> None:
    hyphened, plain = set(), set()
    for w in ("Kelengkapan", "masing-masing"):
        a, b = pieces(w)
        hyphened |= a
        plain |= b
    assert "kapan" in plain and "Keleng" in hyphened and "masing" in hyphened
    assert "Kelengk" not in hyphened and "apan" not in plain
