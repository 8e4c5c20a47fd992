"""Revision history in the catalog: the SOP's own revision list, and the commits of a git
repository (date, author, subject), read with git as a subprocess; no git is no problem."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sopfactory import make_project, sop_yaml
from sopgen.publish.history import git_history
from sopgen.render.build import build
from sopgen.source.project import load_project

GIT = shutil.which("git")


def git(root: Path, *args: str, author: str = "Sri Wahyuni") -> None:
    env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "sri@example.go.id", "GIT_COMMITTER_NAME": author,
           "GIT_COMMITTER_EMAIL": "sri@example.go.id", "GIT_AUTHOR_DATE": "2024-02-01T09:00:00+07:00",
           "GIT_COMMITTER_DATE": "2024-02-01T09:00:00+07:00", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def project_with_revision(root: Path) -> Path:
    return make_project(root, {"pindah.yaml": sop_yaml(
        "800/001/416-317/2023", "Surat Pindah", 3, revisi="[{tanggal: 2024-01-10, uraian: Waktu verifikasi dipersingkat}]"
    )})


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_catalog_shows_document_revisions_and_commits(tmp_path: Path) -> None:
    root = project_with_revision(tmp_path / "kantor")
    git(root, "init", "-q")
    git(root, "add", "sops", "sopgen.toml")
    git(root, "commit", "-q", "-m", "SOP surat pindah disusun")
    text = (root / "sops" / "pindah.yaml").read_text(encoding="utf-8")
    (root / "sops" / "pindah.yaml").write_text(text.replace("Komputer", "Komputer dan pemindai"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Peralatan: pemindai <b>baru</b>", author="Budi Santoso")
    project, _ = load_project(root)
    assert build(project).ok
    html = (root / "output" / "index.html").read_text(encoding="utf-8")
    assert "10 Januari 2024 — Revisi 1: Waktu verifikasi dipersingkat" in html
    assert "1 Februari 2024 — Peralatan: pemindai &lt;b&gt;baru&lt;/b&gt; (Budi Santoso)" in html  # escaped
    assert "1 Februari 2024 — SOP surat pindah disusun (Sri Wahyuni)" in html
    assert html.index("pemindai") < html.index("disusun")  # newest first
    assert "3 catatan" in html


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_project_inside_a_larger_repository(tmp_path: Path) -> None:
    repo = tmp_path / "arsip"
    root = project_with_revision(repo / "kecamatan")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Arsip SOP kecamatan")
    history = git_history(root, ["sops/pindah.yaml"])
    assert [c["subjek"] for c in history["sops/pindah.yaml"]] == ["Arsip SOP kecamatan"]


def test_no_git_or_no_repository_is_tolerated(tmp_path: Path, monkeypatch) -> None:
    root = project_with_revision(tmp_path / "kantor")
    assert git_history(root, ["sops/pindah.yaml"]) == {}  # not a repository
    monkeypatch.setenv("PATH", str(tmp_path / "kosong"))  # no git program at all
    (root / ".git").mkdir()
    assert git_history(root, ["sops/pindah.yaml"]) == {}
    project, _ = load_project(root)
    assert build(project).ok
    assert "Revisi 1: Waktu verifikasi dipersingkat" in (root / "output" / "index.html").read_text(encoding="utf-8")


def test_git_that_hangs_is_cut_off(tmp_path: Path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text("#!/bin/sh\nsleep 30\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    root = project_with_revision(tmp_path / "kantor")
    (root / ".git").mkdir()
    import time

    start = time.monotonic()
    assert git_history(root, ["sops/pindah.yaml"], timeout=0.5) == {}
    assert time.monotonic() - start < 5
