"""`sopgen check` reads the logs on a thread while it loads the SOPs (`conformance.early`):
the read is used only for the same files and settings, its errors surface where the check
reads, and the report is the one of a plain check."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from test_check import check, clean_case, project_dir, row, write_csv  # noqa: F401 (shared fixture)
from sopgen.cli import main
from sopgen.conformance import early
from sopgen.conformance.engine import read as engine_read
from sopgen.conformance.engine.model import FileError
from sopgen.source.limits import Limits


def test_the_early_read_is_taken_only_for_the_same_files_and_settings(tmp_path: Path) -> None:
    log = write_csv(tmp_path / "l.csv", clean_case("A"))
    other = write_csv(tmp_path / "m.csv", clean_case("B"))
    assert early.EarlyRead([log], "Asia/Jakarta", Limits()).take([other], "Asia/Jakarta", Limits()) is None
    assert early.EarlyRead([log], "Asia/Jakarta", Limits()).take([log], "Asia/Makassar", Limits()) is None
    assert early.EarlyRead([log], "Asia/Jakarta", Limits()).take([log], "Asia/Jakarta", Limits(baris=10)) is None
    read = early.EarlyRead([log, tmp_path / "hilang.csv"], "Asia/Jakarta", Limits()).take([log, tmp_path / "hilang.csv"], "Asia/Jakarta", Limits())
    assert read is not None and [file for file, _ in read] == [str(log), str(tmp_path / "hilang.csv")]
    assert read[0][1].frame.height == 6
    assert isinstance(read[1][1], FileError) and "tidak ditemukan" in read[1][1].message


def test_an_error_of_the_early_read_is_raised_where_the_check_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise MemoryError("tiruan")
        yield  # a generator, as read_logs is

    monkeypatch.setattr(engine_read, "read_logs", broken)
    log = write_csv(tmp_path / "l.csv", clean_case("A"))
    pending = early.EarlyRead([log], "Asia/Jakarta", Limits())
    with pytest.raises(MemoryError, match="tiruan"):
        pending.take([log], "Asia/Jakarta", Limits())


def test_no_early_read_out_of_core_or_with_a_broken_config(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    log = write_csv(project_dir / "l.csv", clean_case("A"))
    assert early.start([log], memory=1) is None  # read through partitions on disk instead
    started = early.start([log], memory=1 << 30)
    assert started is not None and started.key[1] == "Asia/Jakarta"
    (project_dir / "sopgen.toml").write_text("[kalender\n", encoding="utf-8")
    assert early.start([log], memory=1 << 30) is None  # validation reports the config


def test_the_check_reads_the_logs_once_on_the_early_thread(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    real_read = engine_read.read_logs

    def read_logs(*args, **kwargs):
        threads.append(threading.current_thread().name)
        yield from real_read(*args, **kwargs)

    monkeypatch.setattr(engine_read, "read_logs", read_logs)
    monkeypatch.chdir(project_dir)
    rows = [*clean_case("A"), row("B", 1, "2023-10-03 08:00", "2023-10-03 09:00")]  # step 1 of B is late
    log = write_csv(project_dir / "l.csv", rows)
    res = CliRunner().invoke(main, ["check", "l.csv", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert threads == ["sopgen-early-read"]  # begun before the SOPs were loaded, not again by check_logs
    report = json.loads(res.stdout)
    plain = check(project_dir, Path("l.csv"))
    assert [(f["row"], f["kind"]) for f in report["findings"]] == [(f.row, f.kind) for f in plain.findings]
    assert report["summary"]["rows"] == plain.summary["rows"]

