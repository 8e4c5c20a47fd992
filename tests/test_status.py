"""Status of an SOP (berlaku, draf, dicabut): a draft or revoked SOP never looks in force.

Every page of its PDF carries the mark (read back from the rendered PDF's text), an SOP in
force carries none, and the catalog summary keeps status and replacement.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from sopfactory import make_project, sop_yaml
from sopgen.render.build import build
from sopgen.source.project import load_project


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("status")
    make_project(
        root,
        {
            "lama.yaml": sop_yaml("800/001/416-317/2021", "Surat Pindah Lama", 30, extra='status: dicabut\ndiganti_oleh: "800/001/416-317/2023"\n'),
            "baru.yaml": sop_yaml("800/001/416-317/2023", "Surat Pindah", 3),
            "draf.yaml": sop_yaml("800/002/416-317/2023", "Surat Keramaian", 3, extra="status: draf\n"),
        },
    )
    project, _ = load_project(root)
    result = build(project)
    assert result.ok, result.summary()
    return root / "output", result


def test_draft_marked_on_every_page(built) -> None:
    out, _ = built
    pages = page_texts(out / "draf.pdf")
    assert len(pages) >= 2
    assert all("DRAF" in p and "belum disahkan, tidak berlaku" in p for p in pages)


def test_revoked_marked_on_every_page_with_its_replacement(built) -> None:
    out, _ = built
    pages = page_texts(out / "lama.pdf")
    assert len(pages) >= 3  # 30 steps: the mark repeats on the continuation pages too
    assert all("DICABUT" in p and "diganti SOP nomor 800/001/416-317/2023" in p for p in pages)


def test_in_force_has_no_mark(built) -> None:
    out, _ = built
    assert not any("DRAF" in p or "DICABUT" in p for p in page_texts(out / "baru.pdf"))


def test_summary_keeps_status(built) -> None:
    _, result = built
    by_nomor = {f.sop.nomor: f.sop for f in result.validation.files}
    assert by_nomor["800/001/416-317/2021"].status == "dicabut"
    assert by_nomor["800/001/416-317/2021"].diganti_oleh == "800/001/416-317/2023"
    assert by_nomor["800/001/416-317/2023"].status == "berlaku"
    assert by_nomor["800/002/416-317/2023"].status == "draf"
