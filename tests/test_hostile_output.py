"""Outputs never destroy anything: not an input, not a device, not what a link points to,
and a killed writer leaves no temporary behind for good (issue 13, class "overwrites inputs",
"replaces special files", "temporaries")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopfactory import make_project
from sopgen.cli import main
from sopgen.files import OutputRefused, atomic_output, remove_stale_temporaries, write_atomic


def test_write_atomic_replaces_a_regular_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "laporan.json"
    target.write_bytes(b"lama")
    write_atomic(target, b"baru")
    assert target.read_bytes() == b"baru"
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.json"]


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "laporan.json"
    target.write_bytes(b"lama")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as fh:
            fh.write(b"setengah")
            raise RuntimeError("disk penuh")
    assert target.read_bytes() == b"lama"
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.json"]


def test_an_input_is_never_written_over(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_bytes(b"sop,kasus\n")
    with pytest.raises(OutputRefused, match="berkas masukan"):
        write_atomic(tmp_path / "." / "log.csv", b"laporan", inputs=[log])
    assert log.read_bytes() == b"sop,kasus\n"


def test_a_symlink_target_is_refused_and_what_it_points_to_is_kept(tmp_path: Path) -> None:
    precious = tmp_path / "penting.txt"
    precious.write_bytes(b"jangan diubah")
    link = tmp_path / "laporan.html"
    link.symlink_to(precious)
    with pytest.raises(OutputRefused, match="tautan"):
        write_atomic(link, b"laporan")
    assert link.is_symlink() and precious.read_bytes() == b"jangan diubah"


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipa"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"laporan lewat pipa")
    reader.join(10)
    assert got == [b"laporan lewat pipa"]
    assert fifo.is_fifo()  # still the pipe, not a regular file put in its place


def test_a_folder_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputRefused, match="bukan berkas biasa"):
        write_atomic(tmp_path, b"x")


def test_temporaries_of_dead_processes_are_removed_on_the_next_write(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".laporan.pdf.{dead}.abc123.tmp"
    stale.write_bytes(b"sisa proses yang dibunuh")
    alive = tmp_path / f".laporan.pdf.{os.getppid()}.def456.tmp"  # a process that still runs
    alive.write_bytes(b"sedang ditulis")
    other = tmp_path / ".lain.pdf.1.x.tmp"
    other.write_bytes(b"berkas lain")
    write_atomic(tmp_path / "laporan.pdf", b"%PDF")
    assert not stale.exists()
    assert alive.exists() and other.exists()
    remove_stale_temporaries(tmp_path / "laporan.pdf")
    assert alive.exists()


def test_sigterm_during_a_write_leaves_no_temporary(tmp_path: Path) -> None:
    """A `kill` while a report is being written: the old report stays, no temporary stays."""
    target = tmp_path / "laporan.pdf"
    target.write_bytes(b"laporan lama")
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from sopgen.cli import _exit_cleanly_on_sigterm
        from sopgen.files import atomic_output
        _exit_cleanly_on_sigterm()
        with atomic_output(Path({str(target)!r})) as fh:
            fh.write(b"setengah")
            print("menulis", flush=True)
            time.sleep(30)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "menulis"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 128 + signal.SIGTERM
    assert target.read_bytes() == b"laporan lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.pdf"]


def _log(root: Path) -> Path:
    log = root / "log.csv"
    log.write_text(
        "sop,kasus,langkah,pelaksana,mulai,selesai,output\n"
        "065/111/416-317/2023,K1,1,Kasubag PK,2023-10-02 08:00,2023-10-02 08:04,dokumen format data\n",
        encoding="utf-8",
    )
    return log


@pytest.mark.parametrize("target", ["log.csv", "sops/065-111-pengumpulan-data-kinerja.yaml", "sopgen.toml"])
def test_check_refuses_to_write_its_report_over_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    root = make_project(tmp_path / "proyek", {}, reference=True)
    log = _log(root)
    before = {p: p.read_bytes() for p in (log, root / target)}
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "log.csv", "--format", "csv", "-o", target])
    assert result.exit_code == 2, result.output
    assert "berkas masukan" in result.output
    assert {p: p.read_bytes() for p in before} == before


def test_check_refuses_a_symlink_as_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "proyek", {}, reference=True)
    _log(root)
    precious = tmp_path / "di-luar.txt"
    precious.write_bytes(b"milik orang lain")
    (root / "laporan.json").symlink_to(precious)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "log.csv", "--format", "json", "-o", "laporan.json"])
    assert result.exit_code == 2 and "tautan" in result.output
    assert precious.read_bytes() == b"milik orang lain"
