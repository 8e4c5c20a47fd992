"""Validation refuses exactly what the layout cannot draw (issue 13): a step's row taller than
a page is SOP509 at validation, found by the build's own layout pass, and the same SOP on
paper that holds it validates and builds."""

from __future__ import annotations

import shutil
from pathlib import Path

from sopgen.render.build import build
from sopgen.source.project import load_project
from sopgen.source.validate import validate

CASE = Path(__file__).resolve().parent / "cases" / "invalid" / "sop509-row-taller-than-page"


def _copy(tmp_path: Path, paper: str) -> Path:
    root = tmp_path / "proyek"
    shutil.copytree(CASE, root)
    config = root / "sopgen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('ukuran = "A4"\norientasi = "potret"', paper), encoding="utf-8")
    return root


def test_a_row_taller_than_an_a4_page_is_refused_at_validation_not_in_the_build(tmp_path: Path) -> None:
    project = load_project(_copy(tmp_path, 'ukuran = "A4"\norientasi = "potret"'))[0]
    result = validate(None, project=project)
    assert [(d.code, d.line) for d in result.errors] == [("SOP509", 18)]
    assert not (project.root / "output").exists()


def test_the_same_sop_on_f4_landscape_validates_and_builds(tmp_path: Path) -> None:
    project = load_project(_copy(tmp_path, 'ukuran = "F4"\norientasi = "lanskap"'))[0]
    assert not validate(None, project=project).errors
    result = build(project)
    assert result.ok, [o.message for o in result.failed]
