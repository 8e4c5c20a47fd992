"""Issue #9: which way a log writes its numeric dates (docs/decisions.md, "Day or month first").

03/04/2023 is 3 April in Indonesia and 4 March in an American Excel. A source is read day
first unless its own dates prove month first (a second part over 12, and no first part over
12); the report says once which reading it used wherever it had to choose. Logs are made
here (CSV by the csv module, xlsx by openpyxl)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from sopgen.conformance.engine import check_logs
from sopgen.conformance.readers import read_frames

from test_check import HEADER, OUT, REF, WHO, load, project_dir, write_csv  # noqa: F401 (shared fixture)

TIMES = [("08:00", "08:05"), ("08:10", "08:15"), ("08:20", "08:30"), ("08:30", "10:00"), ("10:00", "11:00"), ("11:00", "11:30")]


def cases(*days: str, sep: str = " ") -> list[tuple]:
    """One clean case per day, its dates written as given ("10/23/2023")."""
    rows = []
    for c, day in enumerate(days):
        for i, (a, b) in enumerate(TIMES, 1):
            rows.append((REF, f"K{c}", i, WHO[i], f"{day}{sep}{a}", f"{day}{sep}{b}", OUT[i], ""))
    return rows


def check(root: Path, *logs: Path):
    project, sops = load(root)
    result = check_logs(project, sops, list(logs))
    assert result.accounting.balanced
    return result


def starts(path: Path, **kw) -> list[datetime]:
    return read_frames([path], **kw).frame["start"].to_list()


def test_a_file_proven_month_first_is_read_month_first(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    log = write_csv(project_dir / "us.csv", cases("10/02/2023", "10/23/2023"))  # 23 is no month
    assert starts(log)[::6] == [datetime(2023, 10, 2, 8), datetime(2023, 10, 23, 8)]
    result = check(project_dir, Path("us.csv"))
    assert result.findings == []
    assert result.summary["date_readings"] == [
        {
            "file": "us.csv",
            "sheet": None,
            "order": "month_first",
            "reason": "month_first",
            "day_first": None,
            "month_first": {"text": "10/23/2023", "row": 8},
            "ambiguous": {"text": "10/02/2023", "row": 2},
        }
    ]
    assert result.notes[0] == (
        "us.csv: tanggal dibaca bulan dulu (mm/dd/yyyy) karena 10/23/2023 (baris 8) hanya terbaca begitu dan tidak ada "
        "tanggal yang hanya terbaca hari dulu; 10/02/2023 (baris 2) di sini = 2 Oktober 2023"
    )


@pytest.mark.parametrize("engine_path", ["columnar", "exact"])
def test_the_exact_and_the_columnar_reader_agree(project_dir: Path, engine_path: str) -> None:
    rows = cases("10/02/2023", "10/23/23")  # two-digit years go the slow way as well
    if engine_path == "exact":
        rows[0] = (*rows[0][:7], "dua\nbaris")  # a quoted line break: the exact reader
    log = write_csv(project_dir / "us.csv", rows)
    assert starts(log)[::6] == [datetime(2023, 10, 2, 8), datetime(2023, 10, 23, 8)]
    assert [r.order for r in read_frames([log]).dates] == ["month_first"]


def test_an_ambiguous_file_is_read_day_first_and_the_report_says_so_once(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sopgen.conformance.report import ReportOptions, report_bytes

    monkeypatch.chdir(project_dir)
    write_csv(project_dir / "a.csv", cases("03/04/2023"))
    write_csv(project_dir / "b.csv", [(r[0], "B", *r[2:]) for r in cases("05/04/2023")])
    assert starts(project_dir / "a.csv")[0] == datetime(2023, 4, 3, 8)  # 3 April, a Monday
    result = check(project_dir, Path("a.csv"), Path("b.csv"))
    assert result.findings == []
    assert [(r["file"], r["order"], r["reason"]) for r in result.summary["date_readings"]] == [
        ("a.csv", "day_first", "ambiguous"),
        ("b.csv", "day_first", "ambiguous"),
    ]
    note = (
        "a.csv, b.csv: tanggal yang bisa dibaca dua arah dibaca hari dulu (dd/mm/yyyy, cara Indonesia), mis. 03/04/2023 "
        "(a.csv baris 2) = 3 April 2023; tidak ada tanggal yang hanya terbaca bulan dulu"
    )
    assert result.notes == [note]
    text = report_bytes(result, "text", ReportOptions(width=80)).decode("utf-8")
    assert text.count("dibaca hari dulu") == 1
    html = report_bytes(result, "html", ReportOptions()).decode("utf-8")
    assert html.count("dibaca hari dulu") == 1
    assert html.index("dibaca hari dulu") < html.index("</header>")  # at the top, beside the files


def test_a_file_proven_day_first_says_nothing(project_dir: Path) -> None:
    log = write_csv(project_dir / "log.csv", cases("18/10/2023", "03/04/2023"))  # 18 is no month
    assert starts(log)[6] == datetime(2023, 4, 3, 8)
    result = check(project_dir, log)
    assert result.summary["date_readings"] == [] and result.notes == []


def test_a_file_with_both_orders_is_read_day_first(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    write_csv(project_dir / "log.csv", cases("18/10/2023", "10/23/2023"))
    result = check(project_dir, Path("log.csv"))
    assert [(f.row, f.kind) for f in result.findings] == [(r, "invalid_row") for r in range(8, 14)]
    assert result.accounting.checked == 6
    assert result.notes[0] == (
        "log.csv: tanggal ditulis dengan dua urutan, 18/10/2023 (baris 2) hari dulu dan 10/23/2023 (baris 8) bulan dulu; "
        "dibaca hari dulu, dan tanggal yang hanya terbaca bulan dulu membuat barisnya tidak sah"
    )


def test_iso_times_and_month_names_never_need_a_choice(project_dir: Path) -> None:
    log = write_csv(project_dir / "log.csv", [*cases("2023-04-03"), *[(r[0], "B", *r[2:]) for r in cases("4 Apr 2023")]])
    result = check(project_dir, log)
    assert result.summary["date_readings"] == [] and result.findings == []


def test_each_excel_sheet_is_read_its_own_way(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates typed as text in two sheets: one American (month first), one Indonesian."""
    import openpyxl

    wb = openpyxl.Workbook()
    us = wb.active
    us.title = "Kantor A"
    idn = wb.create_sheet("Kantor B")
    us.append(list(HEADER))
    idn.append(list(HEADER))
    for r in cases("10/02/2023", "10/23/2023"):
        us.append(list(r))
    for r in cases("02/10/2023", "23/10/2023"):
        idn.append([r[0], f"B-{r[1]}", *r[2:]])
    path = project_dir / "log.xlsx"
    wb.save(path)
    frame = read_frames([path]).frame
    assert frame.filter(frame["step"] == 1)["start"].to_list() == [datetime(2023, 10, d, 8) for d in (2, 23, 2, 23)]
    monkeypatch.chdir(project_dir)
    result = check(project_dir, path)
    assert result.findings == []
    assert [(r["sheet"], r["order"]) for r in result.summary["date_readings"]] == [("Kantor A", "month_first")]
    assert result.notes[0].startswith("log.xlsx › Kantor A: tanggal dibaca bulan dulu (mm/dd/yyyy) karena 10/23/2023 (baris 8)")


def test_the_monitoring_form_says_how_dates_were_read(project_dir: Path) -> None:
    import openpyxl

    from sopgen.conformance.report import ReportOptions, report_bytes

    result = check(project_dir, write_csv(project_dir / "log.csv", cases("10/02/2023", "10/23/2023")))
    project, _sops = load(project_dir)
    out = project_dir / "form.xlsx"
    out.write_bytes(report_bytes(result, "monitoring-xlsx", ReportOptions(project=project)))
    texts = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("Tanggal di log: ") and "dibaca bulan dulu (mm/dd/yyyy)" in t for t in texts)


def test_a_big_log_is_searched_past_its_head_only_for_what_can_still_change(monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    from sopgen.conformance.readers import dateorder

    monkeypatch.setattr(dateorder, "HEAD", 3)
    texts = ["18/10/2023 08:00", "03/04/2023", "05/06/2023", "01/01/2023", "10/23/2023 9:00", None, "2023-01-01"]
    frame = pl.DataFrame({"row": list(range(2, 9)), "mulai": texts})
    both = dateorder.DateEvidence(("18/10/2023", 2), ("10/23/2023", 6), ("03/04/2023", 3))
    assert dateorder.evidence_of_texts(frame) == both  # the rest searched for month first only
    late = frame.with_columns(pl.Series("mulai", ["01/01/2023", "01/01/2023", "01/01/2023", "18/10/2023", "10/23/2023", "03/04/2023", None]))
    assert dateorder.evidence_of_texts(late) == dateorder.DateEvidence(("18/10/2023", 5), ("10/23/2023", 6), ("03/04/2023", 7))
    times = frame.select("row", pl.Series("start", [None, *[datetime(2023, 1, d) for d in (1, 1, 1, 13, 2)], None]))
    assert dateorder.evidence_of_times(times, (("start", "%d/%m/%Y %H:%M"),)) == dateorder.DateEvidence(("13/01/2023", 6), None, ("02/01/2023", 7))
