"""The wheel must carry what sopgen reads at run time, not rely on the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{proc.stdout}\n{proc.stderr}")
    (whl,) = out.glob("sopgen-*.whl")
    return whl


def test_wheel_ships_schemas_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (ROOT / "schemas").glob("*.json"):
        assert f"sopgen/schemas/{schema.name}" in names
    templates = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    assert templates, "no templates in the source tree"
    for t in templates:
        assert f"sopgen/templates/{t.relative_to(ROOT / 'templates').as_posix()}" in names


def test_wheel_declares_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        entry = next(n for n in z.namelist() if n.endswith("entry_points.txt"))
        text = z.read(entry).decode()
    assert "sopgen = sopgen.cli:main" in text


def test_validate_runs_from_another_folder(tmp_path: Path) -> None:
    """The installed command finds its schema wherever the user stands."""
    proc = subprocess.run(
        [sys.executable, "-m", "sopgen", "validate", str(ROOT / "sops")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "semua sah (3 peringatan diabaikan" in proc.stdout
    assert "Traceback" not in proc.stderr
