"""What the one-frame check of a log would need (`budget.needed`): the choice between one
frame and partitions on disk. A log is estimated by what it holds, not by its bytes on disk:
a Parquet or xlsx file is compressed, and a JSON Lines row costs far more than a CSV row."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import polars as pl
import pytest

from sopgen.conformance.budget import needed
from test_partition import project  # noqa: F401 (shared fixture)

ROW = {"sop": "065/111/416-317/2023", "kasus": "K-1", "langkah": "1", "pelaksana": "Kasi", "mulai": "2023-10-02 08:00", "selesai": "2023-10-02 08:30", "output": "dokumen format data", "catatan": ""}


def _frame(rows: int) -> pl.DataFrame:
    return pl.DataFrame([{**ROW, "kasus": f"K-{i}"} for i in range(rows)])


def test_a_csv_log_needs_twice_its_bytes(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    _frame(1000).write_csv(log)
    assert needed([log]) == int(2.0 * log.stat().st_size)


def test_a_json_lines_log_needs_what_its_objects_cost(tmp_path: Path) -> None:
    """Each object is held as a dict while the file is read: measured at 11 bytes of peak
    memory a byte of file (1.8 KB a row), not the 2 of a CSV."""
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps(ROW) + "\n" for _ in range(1000)), encoding="utf-8")
    assert needed([log]) >= 11 * log.stat().st_size


def test_a_parquet_log_needs_what_its_rows_cost_not_its_compressed_bytes(tmp_path: Path) -> None:
    """50,000 rows of repeated values compress to a few kilobytes; read, each row costs
    about 600 bytes."""
    log = tmp_path / "log.parquet"
    _frame(50_000).write_parquet(log)
    assert log.stat().st_size * 100 < 50_000 * 600
    assert needed([log]) >= 50_000 * 580


def test_an_xlsx_log_needs_what_its_sheets_hold(tmp_path: Path) -> None:
    """By the size of the sheets' XML in the archive (a claim of the archive: it only
    chooses between one frame and partitions, and an xlsx is read whole either way)."""
    log = tmp_path / "log.xlsx"
    xml = b"<worksheet>" + b"<row><c><v>1</v></c></row>" * 20_000 + b"</worksheet>"
    with zipfile.ZipFile(log, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", xml)
        z.writestr("xl/sharedStrings.xml", b"<sst/>")
    assert needed([log]) >= 4 * len(xml) > 100 * log.stat().st_size


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_a_file_that_is_not_what_its_name_says_is_estimated_by_its_bytes(tmp_path: Path, suffix: str) -> None:
    """Its reader words what is wrong with it; the estimate does not fail."""
    log = tmp_path / f"rusak{suffix}"
    log.write_bytes(b"PAR1 bukan parquet atau zip" * 100)
    assert needed([log, tmp_path / "tidak-ada.csv"]) == int(2.0 * log.stat().st_size)


def test_a_parquet_log_beyond_the_budget_is_checked_out_of_core(project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 20,000-row Parquet file of some 40 KB was checked in one frame under a 4 MB budget
    (it peaks near 12 MB above the program): it goes through partitions on disk, with the
    one-frame check's result."""
    from sopgen.conformance import outofcore
    from sopgen.conformance.engine import check_logs

    root, proj, sops = project
    log = root / "log.parquet"
    _frame(20_000).write_parquet(log)
    assert 2 * log.stat().st_size < 4 * 2**20 < needed([log])
    whole = check_logs(proj, sops, [log])
    seen: list[int] = []
    real = outofcore.check_out_of_core
    monkeypatch.setattr(outofcore, "check_out_of_core", lambda plan, paths, memory, *a: seen.append(memory) or real(plan, paths, memory, *a))
    with check_logs(proj, sops, [log], memory=4 * 2**20) as parted:
        assert seen == [4 * 2**20]
        assert parted.accounting == whole.accounting and parted.accounting.checked == 20_000
