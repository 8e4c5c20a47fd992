"""The wheel must carry what sopgen reads at run time, not rely on the source tree."""

from __future__ import annotations

import os
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
    assert "sopgen = sopgen.entry:run" in text


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


def _installed(wheel: Path, venv: Path) -> Path:
    """A fresh virtual environment with only the wheel installed; its dependencies come from
    this interpreter's site-packages (a .pth line each), so nothing is downloaded."""
    import site
    import sysconfig

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    bindir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = bindir / ("python.exe" if sys.platform == "win32" else "python")
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()
    # The wheel first: with the dependencies' .pth already in place, pip would see the sopgen
    # installed in this interpreter (as in CI) as "already satisfied" and install nothing.
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    parents = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(target, "_sopgen_test_deps.pth").write_text("\n".join(parents) + "\n")
    return bindir


def test_newcomer_path_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    """init, new, edit, build: with the installed `sopgen` command, outside the source tree."""
    bindir = _installed(wheel, tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    work = tmp_path / "kerja"
    work.mkdir()

    def sopgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([str(bindir / "sopgen"), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)

    where = subprocess.run([str(bindir / "python"), "-c", "import sopgen; print(sopgen.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=60).stdout
    assert Path(where).resolve().is_relative_to((tmp_path / "venv").resolve()), where  # the wheel, not the tree

    r = sopgen("init", "kantor", "--pemerintah", "Pemerintah Kabupaten Mojokerto", "--nama", "Kecamatan Sooko",
               "--alamat", "Jl. Raya Sooko No. 1", "--telepon", "(0321) 321321", "--kota", "Sooko", cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    project = work / "kantor"
    r = sopgen("new", "Pelayanan Surat Keterangan Usaha", "--pelaksana", "Kasi Ekbang", "--pelaksana", "Staf Ekbang",
               cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    made = project / "sops" / "065-002-pelayanan-surat-keterangan-usaha.yaml"
    assert made.is_file(), r.stdout
    text = made.read_text(encoding="utf-8")
    text = text.replace("(isi aktivitas langkah 1 oleh Kasi Ekbang)", "Memeriksa berkas permohonan surat keterangan usaha")
    text = text.replace("(isi aktivitas langkah 2 oleh Staf Ekbang)", "Mengetik dan menyerahkan surat keterangan usaha")
    made.write_text(text, encoding="utf-8")

    r = sopgen("validate", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    r = sopgen("build", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    out = project / "output"
    assert (out / "index.html").is_file()
    for stem in ("contoh-surat-keterangan-domisili", "065-002-pelayanan-surat-keterangan-usaha"):
        assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")
        assert (out / f"{stem}.html").is_file()
    assert "Memeriksa berkas permohonan surat keterangan usaha" in (out / "065-002-pelayanan-surat-keterangan-usaha.html").read_text()
    r = sopgen("new", "--help", cwd=project)
    assert r.returncode == 0 and r.stdout.startswith("Penggunaan: sopgen new") and "Contoh:" in r.stdout
