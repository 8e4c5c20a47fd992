"""The page footer names the SOP once: "SOP <nomor>", but never "SOP SOP AP-SEKRE-01" when
the office's nomor already starts with "SOP" (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopfactory import make_project, sop_yaml
from test_render import load_sop, page_texts
from sopgen.render.pdf import render_sop


@pytest.mark.parametrize(
    ("nomor", "footer"),
    [("SOP AP-SEKRE-01", "SOP AP-SEKRE-01 Halaman 1"), ("800/001/416-317/2023", "SOP 800/001/416-317/2023 Halaman 1")],
)
def test_footer_names_the_sop_once(tmp_path: Path, nomor: str, footer: str) -> None:
    root = make_project(tmp_path, {"sop.yaml": sop_yaml(nomor, "Pelayanan Surat", 3)})
    project, sop = load_sop(root, "sop.yaml")
    texts = page_texts(render_sop(sop, project, slug="sop", content_hash="uji").pdf)
    assert all(f"SOP {footer}" not in t for t in texts)
    assert footer in texts[0]
