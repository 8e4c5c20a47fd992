"""`sopgen build`: validate first, write atomically, skip what did not change, in parallel alike."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import sopgen.render.build as build_module
import sopgen.render.pdf as pdf_module
from sopfactory import REFERENCE, make_project, pdf_streams, sop_yaml
from sopgen.render.build import DIBUAT, GAGAL, STATE_NAME, TIDAK_BERUBAH, build
from sopgen.cli import main
from sopgen.source.project import load_project

SOPS = {
    "800-001-surat-domisili.yaml": sop_yaml("800/001/416-317/2023", "Surat Keterangan Domisili", 4, decisions={3: (None, 1)}),
    "800-002-surat-pindah.yaml": sop_yaml(
        "800/002/416-317/2023", "Pelayanan Surat Pindah", 3, actors=2, keterkaitan=[{"nomor": "800/001/416-317/2023"}]
    ),
}


def project_at(root: Path, sops: dict[str, str] = SOPS):
    make_project(root, sops)
    project, diags = load_project(root)
    assert not diags
    return project


def outputs(root: Path) -> dict[str, bytes]:
    out = root / "output"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()} if out.is_dir() else {}


def run_cli(root: Path, *args: str, env: dict | None = None):
    old = Path.cwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, ["build", *args], env={"CI": "1", **(env or {})})
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One full build, shared: tests copy it when they change things."""
    root = tmp_path_factory.mktemp("built")
    result = build(project_at(root))
    assert result.ok, result.summary()
    assert [o.status for o in result.outcomes] == [DIBUAT, DIBUAT]
    return root


def copy_of(built: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "p"
    shutil.copytree(built, dest)
    return dest


def test_build_writes_pdf_html_catalog_and_state(built: Path) -> None:
    names = set(outputs(built))
    assert names == {
        "800-001-surat-domisili.pdf", "800-001-surat-domisili.html",
        "800-002-surat-pindah.pdf", "800-002-surat-pindah.html",
        "index.html", "katalog.json", STATE_NAME,
    }
    catalog = (built / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="800-001-surat-domisili.pdf"' in catalog and 'href="800-002-surat-pindah.html"' in catalog
    assert "Surat Keterangan Domisili" in catalog and "9 Oktober 2023" in catalog
    # self-contained: no external URL of any kind
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", catalog)
    assert "<link" not in catalog and "@import" not in catalog
    # keterkaitan {nomor} links to the other SOP in the catalog and both views
    assert '<a href="800-001-surat-domisili.html" title="800/001/416-317/2023">' in catalog
    view = (built / "output" / "800-002-surat-pindah.html").read_text(encoding="utf-8")
    assert 'href="800-001-surat-domisili.html">SOP Surat Keterangan Domisili</a>' in view
    pdf = (built / "output" / "800-002-surat-pindah.pdf").read_bytes()
    objects = b"".join(pdf_streams(pdf))
    assert b"/S /GoToR/F (800-001-surat-domisili.pdf)" in objects
    assert str(built).encode() not in pdf + objects  # no machine paths inside the PDF


def test_no_change_rebuild_skips_everything(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    before = {p.name: p.stat().st_mtime_ns for p in (root / "output").iterdir()}
    project, _ = load_project(root)
    result = build(project)
    assert result.ok
    assert [o.status for o in result.outcomes] == [TIDAK_BERUBAH, TIDAK_BERUBAH]
    assert not result.validated  # the previous build's validation was reused: inputs unchanged
    assert not result.catalog_written
    after = {p.name: p.stat().st_mtime_ns for p in (root / "output").iterdir()}
    assert after == before
    assert result.summary().startswith("2 SOP: 0 dibuat, 2 tidak berubah, 0 gagal — ")


def test_changed_sop_and_dependants_are_rebuilt(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    path = root / "sops" / "800-001-surat-domisili.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Surat Keterangan Domisili", "Surat Keterangan Domisili Baru"), encoding="utf-8")
    project, _ = load_project(root)
    result = build(project)
    # 002 links to 001 by nomor and prints 001's name: it is stale too
    assert [o.status for o in result.outcomes] == [DIBUAT, DIBUAT]
    assert result.validated and result.catalog_written
    assert "Surat Keterangan Domisili Baru" in (root / "output" / "index.html").read_text(encoding="utf-8")


def test_template_change_rebuilds_and_force_rebuilds(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    project, _ = load_project(root)
    assert build(project, force=True).count(DIBUAT) == 2
    (root / "templates").mkdir()
    (root / "templates" / "catatan.txt").write_text("berkas templat baru")
    project, _ = load_project(root)
    assert build(project).count(DIBUAT) == 2
    assert build(project).count(TIDAK_BERUBAH) == 2


def test_deleted_output_is_rebuilt_and_deleted_sop_is_removed(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    (root / "output" / "800-001-surat-domisili.pdf").unlink()
    project, _ = load_project(root)
    result = build(project)
    assert [o.status for o in result.outcomes] == [DIBUAT, TIDAK_BERUBAH]
    # a SOP removed from the project: its outputs go, the catalog follows
    (root / "sops" / "800-002-surat-pindah.yaml").unlink()
    result = build(project)
    assert sorted(result.removed) == ["800-002-surat-pindah.html", "800-002-surat-pindah.pdf"]
    assert "Pelayanan Surat Pindah" not in (root / "output" / "index.html").read_text(encoding="utf-8")


def test_invalid_sop_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    broken = sop_yaml("800/009/416-317/2023", "Rusak", 3).replace("pelaksana: sekcam", "pelaksana: sekcamm")
    root = make_project(tmp_path, {**SOPS, "800-009-rusak.yaml": broken})
    project, _ = load_project(root)
    result = build(project)
    assert not result.ok and result.errors and not result.outcomes
    assert not (root / "output").exists()
    proc = run_cli(root)
    assert proc.exit_code == 1
    assert "SOP203" in proc.output and "Tidak ada berkas yang ditulis." in proc.output
    assert not (root / "output").exists()
    assert "Traceback" not in proc.output


def test_cli_exit_codes_and_summary(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    proc = run_cli(root)
    assert proc.exit_code == 0, proc.output
    assert re.search(r"^2 SOP: 0 dibuat, 2 tidak berubah, 0 gagal — output/ \(\d+,\d s\)$", proc.output, re.M), proc.output
    assert "\x1b[" not in proc.output  # no progress bar when not on a terminal / in CI
    proc = run_cli(root, "--force", "-j", "1", "sops/800-002-surat-pindah.yaml")
    assert proc.exit_code == 0 and "1 SOP: 1 dibuat, 0 tidak berubah" in proc.output, proc.output
    assert run_cli(root, "tidak-ada.yaml").exit_code == 2
    assert run_cli(root, "-j", "-3").exit_code == 2
    assert run_cli(root, "--tidak-ada").exit_code == 2
    empty = tmp_path / "kosong"
    empty.mkdir()
    proc = run_cli(empty)
    assert proc.exit_code == 2 and "sops/" in proc.output and "Traceback" not in proc.output


def test_failed_render_leaves_earlier_outputs_intact_and_no_partial_file(built: Path, tmp_path: Path, monkeypatch) -> None:
    root = copy_of(built, tmp_path)
    good = outputs(root)
    real = pdf_module.render_sop

    def flaky(sop, project, **kw):
        if kw["slug"] == "800-002-surat-pindah":
            raise RuntimeError("disk penuh (simulasi)")
        return real(sop, project, **kw)

    monkeypatch.setattr(pdf_module, "render_sop", flaky)
    project, _ = load_project(root)
    result = build(project, force=True)
    assert [o.status for o in result.outcomes] == [DIBUAT, GAGAL]
    assert "disk penuh" in result.failed[0].message and not result.ok
    now = outputs(root)
    assert now["800-001-surat-domisili.pdf"] == good["800-001-surat-domisili.pdf"]  # deterministic rewrite
    assert now["800-002-surat-pindah.pdf"] == good["800-002-surat-pindah.pdf"]  # old good output kept
    assert not [n for n in now if n.endswith(".tmp")]
    # the failed SOP is not recorded as current: the next build retries it
    monkeypatch.setattr(pdf_module, "render_sop", real)
    assert [o.status for o in build(project).outcomes] == [TIDAK_BERUBAH, DIBUAT]


def test_interrupted_write_never_leaves_a_broken_pdf(built: Path, tmp_path: Path, monkeypatch) -> None:
    root = copy_of(built, tmp_path)
    good = outputs(root)
    real_fsync = os.fsync
    calls = {"n": 0}

    def crash_on_third_write(fd):
        calls["n"] += 1
        if calls["n"] == 3:  # 1: first PDF, 2: first HTML, 3: second PDF, half written
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(build_module.os, "fsync", crash_on_third_write)
    project, _ = load_project(root)
    with pytest.raises(KeyboardInterrupt):
        build(project, force=True)
    now = outputs(root)
    assert not [n for n in now if n.endswith(".tmp")]
    for name in ("800-001-surat-domisili.pdf", "800-002-surat-pindah.pdf", "800-002-surat-pindah.html"):
        assert now[name] == good[name]
        assert now[name].rstrip().endswith(b"%%EOF") or name.endswith(".html")


def test_stale_temporary_files_are_cleaned(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    leftover = root / "output" / ".800-001-surat-domisili.pdf.abc123.tmp"
    leftover.write_bytes(b"%PDF-1.7 setengah")
    project, _ = load_project(root)
    build(project, force=True)
    assert not leftover.exists()


def test_parallel_build_gives_identical_bytes(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "paralel"
    project = project_at(root)
    result = build(project, jobs=2)
    assert result.ok and result.count(DIBUAT) == 2, [o.message for o in result.failed]
    a, b = outputs(built), outputs(root)
    for name in a:
        if name.endswith((".pdf", ".html")):
            assert a[name] == b[name], name


def test_output_folder_from_config(tmp_path: Path) -> None:
    root = make_project(tmp_path, SOPS)
    with open(root / "sopgen.toml", "a", encoding="utf-8") as f:
        f.write('\n[keluaran]\nfolder = "terbit/pdf"\npdfa = false\n')
    project, diags = load_project(root)
    assert not diags
    result = build(project, paths=[root / "sops" / "800-001-surat-domisili.yaml"])
    assert result.ok and len(result.outcomes) == 1
    out = root / "terbit" / "pdf"
    assert (out / "800-001-surat-domisili.pdf").is_file() and (out / "index.html").is_file()
    # the catalog lists every SOP even when only one was built
    assert "Pelayanan Surat Pindah" in (out / "index.html").read_text(encoding="utf-8")
    assert b"pdfaid" not in (out / "800-001-surat-domisili.pdf").read_bytes()


def test_reference_project_builds(tmp_path: Path) -> None:
    root = make_project(tmp_path, {}, reference=True)
    proc = run_cli(root)
    assert proc.exit_code == 0, proc.output
    assert "peringatan validasi" not in proc.output  # its slips are marked 'sopgen: abaikan'
    assert (root / "output" / f"{REFERENCE.stem}.pdf").is_file()


def test_output_folder_blocked_by_a_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    root = tmp_path / "p"
    project_at(root)
    (root / "output").write_text("bukan folder", encoding="utf-8")
    proc = run_cli(root)
    assert proc.exit_code == 1
    assert "folder keluaran 'output/' tidak bisa dibuat" in proc.output and "Traceback" not in proc.output
    assert (root / "output").read_text(encoding="utf-8") == "bukan folder"


def test_disk_full_while_writing_is_a_failed_sop_and_the_old_files_stay(built: Path, tmp_path: Path, monkeypatch) -> None:
    import errno

    root = copy_of(built, tmp_path)
    good = outputs(root)
    real = build_module.write_atomic

    def full(path: Path, data: bytes, **options) -> None:
        if path.name.startswith("800-002"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, **options)

    monkeypatch.setattr(build_module, "write_atomic", full)
    project, _ = load_project(root)
    result = build(project, force=True)
    assert [o.status for o in result.outcomes] == [DIBUAT, GAGAL]
    assert "No space left on device" in result.failed[0].message and not result.ok
    now = outputs(root)
    assert now["800-002-surat-pindah.pdf"] == good["800-002-surat-pindah.pdf"]
    monkeypatch.setattr(build_module, "write_atomic", real)
    assert [o.status for o in build(project).outcomes] == [TIDAK_BERUBAH, DIBUAT]  # retried next time
