"""Files sopgen writes on its own account (each SOP's PDF and HTML view, the build record, the
catalog, katalog.json, the verification pages, the book, the caches) are never written into a
named pipe, a device or through a link left in their place: a pipe in `output/` made
`sopgen build` wait forever for a reader. The build refuses before it writes anything (exit 2,
one message naming the path); a cache is skipped. A device or pipe the user names with `-o`
is still written into (tests/test_hostile_output.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sopfactory import make_project, sop_yaml
from sopgen.files import OutputRefused
from sopgen.publish.identity import verification_key
from sopgen.render.build import build
from sopgen.source.project import load_project

NOMOR = "800/009/416-317/2023"
KEY = verification_key(NOMOR, 0)
TIMEOUT = 120  # far more than a refusal needs; a build that waits on a pipe fails instead of hanging the suite


def _project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", {"a.yaml": sop_yaml(NOMOR, "Pipa", 2, actors=2)})


def _sopgen(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sopgen", *args], cwd=root, capture_output=True, text=True, timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH")]))},
    )


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("name", ["a.pdf", ".sopgen-build.json", "index.html", "katalog.json", f"verifikasi/{KEY}.html"])
def test_build_refuses_a_named_pipe_where_it_writes_its_own_file(tmp_path: Path, name: str) -> None:
    root = _project(tmp_path)
    pipe = root / "output" / name
    pipe.parent.mkdir(parents=True)
    os.mkfifo(pipe)
    before = _files(root / "output")
    done = _sopgen(root, "build")
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip()
    assert message.count("\n") == 0 and f"'output/{name}' adalah pipa bernama (FIFO)" in message
    assert "hapus atau pindahkan" in message and "tidak ada berkas yang ditulis" in message
    assert _files(root / "output") == before and pipe.is_fifo()
    pipe.unlink()  # what the message says to do
    done = _sopgen(root, "build")
    assert done.returncode == 0, done.stderr
    assert (root / "output" / "a.pdf").is_file() and (root / "output" / name).is_file()


def test_build_refuses_a_link_where_its_record_goes_and_keeps_what_it_points_to(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "output").mkdir()
    elsewhere = tmp_path / "catatan.json"
    elsewhere.write_bytes(b"milik orang lain")
    (root / "output" / ".sopgen-build.json").symlink_to(elsewhere)
    project, _ = load_project(root)
    with pytest.raises(OutputRefused, match=r"adalah tautan \(symlink\), bukan berkas biasa"):
        build(project)
    assert _files(root / "output") == [".sopgen-build.json"] and elsewhere.read_bytes() == b"milik orang lain"


def test_book_refuses_a_named_pipe_as_its_default_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "output").mkdir()
    os.mkfifo(root / "output" / "buku-sop.pdf")
    done = _sopgen(root, "book")
    assert done.returncode == 2, done.stderr
    assert "'output/buku-sop.pdf' adalah pipa bernama (FIFO)" in done.stderr and (root / "output" / "buku-sop.pdf").is_fifo()


def test_a_pipe_where_the_holiday_cache_goes_is_skipped(tmp_path: Path) -> None:
    """A cache never fails a command: with a pipe in its place it is neither read nor written."""
    from datetime import date

    from sopgen.conformance.workcal.holiday_table import HolidayTable

    HolidayTable("ID", ("public",), tmp_path / "contoh").ensure_years(2024, 2024)
    made = [p.name for p in (tmp_path / "contoh").glob("libur-*.json")]
    assert len(made) == 1
    (tmp_path / "cache").mkdir()
    pipe = tmp_path / "cache" / made[0]
    os.mkfifo(pipe)
    found: list[str | None] = []

    def run() -> None:
        table = HolidayTable("ID", ("public",), tmp_path / "cache")
        table.ensure_years(2024, 2024)
        found.append(table.get(date(2024, 8, 17)))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    assert not worker.is_alive() and pipe.is_fifo()
    assert found and found[0]  # Hari Kemerdekaan, from the package


def test_log_template_force_refuses_a_pipe_at_its_default_name_but_writes_into_one_it_is_given(tmp_path: Path) -> None:
    """`sopgen log-template --force` waited forever on a pipe that sat at templat-log.xlsx: a
    name nobody gave is sopgen's own. Named with --output, a pipe is the user's choice."""
    root = _project(tmp_path)
    os.mkfifo(root / "templat-log.xlsx")
    done = _sopgen(root, "log-template", "--force")
    assert done.returncode == 2, done.stderr
    assert "'templat-log.xlsx' adalah pipa bernama (FIFO)" in done.stderr and "--output" in done.stderr
    assert (root / "templat-log.xlsx").is_fifo()
    pipe = root / "pipa.xlsx"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    done = _sopgen(root, "log-template", "--force", "--output", "pipa.xlsx")
    reader.join(TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert got and got[0].startswith(b"PK")  # the workbook went through the pipe
