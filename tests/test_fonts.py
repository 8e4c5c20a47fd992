"""One font configuration shared by a build's SOPs: the same PDFs as a fresh one for each.

Sharing saves fontconfig's loading and a cold Pango font map for every layout; it must never
show in the output, and a configuration a stylesheet added a font to (@font-face) is not
handed on to the next SOP.
"""

from __future__ import annotations

from pathlib import Path

from sopfactory import make_project, sop_yaml
from sopgen.render import fonts
from sopgen.render.pdf import render_sop
from sopgen.source.project import load_project
from sopgen.source.validate import validate


def test_one_configuration_per_key_until_a_font_is_added() -> None:
    first = fonts.shared_fonts("build-1")
    assert fonts.shared_fonts("build-1") is first
    first.added = True  # as after a stylesheet's @font-face
    second = fonts.shared_fonts("build-1")
    assert second is not first and not second.added
    assert fonts.shared_fonts("build-2") is not second
    fonts.forget_shared_fonts()
    assert fonts.shared_fonts("build-2") is not second
    fonts.forget_shared_fonts()


def test_a_font_face_marks_the_configuration() -> None:
    from weasyprint import HTML

    config = fonts.font_configuration()
    HTML(string="<p>tanpa fon sendiri</p>").render(font_config=config)
    assert not config.added
    css = "@font-face { font-family: Kop; src: local('DejaVu Sans'), local('Liberation Sans') }"
    HTML(string=f"<style>{css}</style><p style='font-family: Kop'>kop</p>").render(font_config=config)
    assert config.added


def test_a_shared_configuration_gives_the_same_pdf(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "a.yaml": sop_yaml("800/001/416-317/2023", "Pelayanan Pertama", 12, actors=3, decisions={6: (None, 2)}),
            "b.yaml": sop_yaml("800/002/416-317/2023", "Pelayanan Kedua", 17, actors=2),
        },
    )
    project, _ = load_project(root)
    first, second = validate(None, project).sops
    shared = fonts.font_configuration()
    render_sop(first, project, slug="a", content_hash="x", fonts=shared)  # warms the font map
    warm = render_sop(second, project, slug="b", content_hash="x", fonts=shared)
    fresh = render_sop(second, project, slug="b", content_hash="x")
    assert warm.pdf == fresh.pdf and warm.pages == fresh.pages > 1
