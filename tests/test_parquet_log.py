"""Parquet logs (issue 14): the same column names as a CSV log, typed or as text, checked the
same way; hostile files are refused or their rows made invalid with a message, and every
record is accounted for."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from sopfactory import make_project
from sopgen.conformance.engine import check_logs
from sopgen.conformance.readers import LogFileError, read_frames
from sopgen.source.limits import Limits
from sopgen.source.project import load_project
from sopgen.source.validate import validate

REF = "065/111/416-317/2023"
WHO = ["Kasubag PK", "Kasubag Penyusunan Program dan Keuangan", "kasubag-ppk-umpeg", "Kasi", "Kepala Sub Bagian Umum dan Kepegawaian", "Kasi"]
OUT = ["dokumen format data", "dokumen format data", "dokumen format data", "dokumen", "rekap dokumen", "rekap hasil capaian pengumpulan data kinerja bulanan"]


@pytest.fixture()
def project(tmp_path: Path):
    root = make_project(tmp_path / "proyek", {}, reference=True)
    result = validate(None, project=load_project(root)[0])
    return root, result.project, result.sops


def _table() -> dict[str, list]:
    rows: dict[str, list] = {k: [] for k in ("sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output")}
    for c in range(3):
        for i in range(6):
            rows["sop"].append(REF)
            rows["kasus"].append(f"K{c}")
            rows["langkah"].append(i + 1)
            rows["pelaksana"].append(WHO[i])
            rows["mulai"].append(datetime(2023, 10, 2 + c, 8 + i, 0))
            rows["selesai"].append(datetime(2023, 10, 2 + c, 8 + i, 30 if c != 1 else 59) if not (c == 2 and i == 5) else None)
            rows["output"].append(OUT[i] if i != 3 or c != 0 else "")
    return rows


def test_a_typed_parquet_log_checks_as_its_csv(project) -> None:
    root, proj, sops = project
    table = _table()
    typed = pl.DataFrame(table, schema_overrides={"langkah": pl.Int16})
    typed.write_parquet(root / "log.parquet")
    text = typed.with_columns(pl.col("mulai", "selesai").dt.strftime("%Y-%m-%d %H:%M"), pl.col("langkah").cast(pl.String))
    text.write_csv(root / "log.csv")
    a = check_logs(proj, sops, [root / "log.parquet"])
    b = check_logs(proj, sops, [root / "log.csv"])
    assert a.accounting == b.accounting and a.accounting.checked == 18
    # Parquet rows are numbered by record (1 = first), CSV rows by line (1 = the header).
    assert [(f.kind, f.row, f.message) for f in a.findings] == [(f.kind, f.row - 1, f.message) for f in b.findings]
    assert {f.kind for f in a.findings} >= {"output_missing", "case_incomplete"}


def test_time_zones_and_text_columns_are_read_like_a_csv_cell(project) -> None:
    root, proj, sops = project
    table = _table()
    frame = pl.DataFrame(table).with_columns(
        pl.col("mulai").dt.replace_time_zone("Asia/Jakarta").dt.convert_time_zone("UTC"),
        pl.col("selesai").dt.strftime("%d/%m/%Y %H:%M"),
    )
    frame.write_parquet(root / "zona.parquet")
    pl.DataFrame(table).write_parquet(root / "polos.parquet")
    a = check_logs(proj, sops, [root / "zona.parquet"])
    b = check_logs(proj, sops, [root / "polos.parquet"])
    assert a.summary["steps"] == b.summary["steps"] and a.accounting == b.accounting


def test_bad_values_are_invalid_rows_and_every_record_is_counted(project) -> None:
    root, proj, sops = project
    frame = pl.DataFrame(
        {
            "kasus": ["K1", "K1", None, "K1", "", "K1"],
            "langkah": ["1", "x", "1", "2", "", "3"],
            "pelaksana": ["Kasi", "Kasi", "Kasi", "Kasi", "", "Kasi" * 1000],
            "mulai": ["2023-10-02 08:00", "2023-10-02 08:00", "2023-10-02 08:00", "kemarin", "", "2023-10-02 09:00"],
            "selesai": ["2023-10-02 08:10", None, None, None, None, None],
        }
    )
    frame.write_parquet(root / "buruk.parquet")
    result = read_frames([root / "buruk.parquet"], limits=Limits(sel_kb=2))
    assert result.frame["row"].to_list() == [1]
    problems = {p.row: p.message for p in result.problems}
    assert sorted(problems) == [2, 3, 4, 6]
    assert "langkah" in problems[2] and "kosong" in problems[3] and "kemarin" in problems[4] and "KB" in problems[6]
    assert result.blank_rows == 1 and result.total_rows + result.blank_rows == 6
    checked = check_logs(proj, sops, [root / "buruk.parquet"])
    assert checked.accounting.balanced and checked.accounting.data_rows == 6


def test_hostile_parquet_files_are_refused_with_a_message(project, tmp_path: Path) -> None:
    root, proj, sops = project
    (root / "palsu.parquet").write_bytes(b"PAR1 bukan parquet sama sekali")
    with pytest.raises(LogFileError, match="bukan Parquet"):
        read_frames([root / "palsu.parquet"])
    nested = pl.DataFrame({"kasus": [["K1"]], "langkah": [1], "pelaksana": ["Kasi"], "mulai": ["2023-10-02 08:00"]})
    nested.write_parquet(root / "daftar.parquet")
    with pytest.raises(LogFileError, match="kolom 'kasus' bertipe"):
        read_frames([root / "daftar.parquet"])
    many = pl.DataFrame({"kasus": ["K"] * 50, "langkah": [1] * 50, "pelaksana": ["Kasi"] * 50, "mulai": ["2023-10-02 08:00"] * 50})
    many.write_parquet(root / "banyak.parquet")
    with pytest.raises(LogFileError, match="lebih dari 40 baris"):
        read_frames([root / "banyak.parquet"], limits=Limits(baris=40))
    pl.DataFrame({"kasus": ["K"], "mulai": ["2023-10-02 08:00"]}).write_parquet(root / "kurang.parquet")
    with pytest.raises(LogFileError, match="langkah"):
        read_frames([root / "kurang.parquet"])
    result = check_logs(proj, sops, [root / "palsu.parquet"])
    assert [e.file for e in result.file_errors] and result.accounting.data_rows == 0
