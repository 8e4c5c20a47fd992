"""Issue #4's "done when" for `sopgen check`, end to end: every finding kind on a log that
crosses a weekend, a national holiday and the lunch break; the reference SOP's log template
filled in and checked; formula-safe CSV reports and templates; malformed files; every row
accounted for on a realistic generated log."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopfactory import ROOT, make_project
from sopgen.conformance.engine import KINDS, check_logs
from sopgen.cli import main
from sopgen.conformance.report import ReportOptions, write_report

from test_check import HEADER, OUT, REF, WHO, load, project_dir  # noqa: F401 (shared fixture)

V11_KINDS = {"step_unfinished", "time_missing"}
REF_FILE = "sops/065-111-pengumpulan-data-kinerja.yaml"


def write_csv(path: Path, rows: list[tuple], header: tuple = HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(case: str, step: int, start: str, end: str | None, *, output: str | None = None, actor: str | None = None, sop: str = REF) -> tuple:
    return (sop, case, step, WHO[step] if actor is None else actor, start, end or "", OUT[step] if output is None else output, "")


def check(root: Path, *logs: Path, **kw):
    project, sops = load(root)
    return check_logs(project, sops, list(logs), **kw)


# -- every kind on the working calendar ------------------------------------------------------------

# Wednesday 16 August 2023; Thursday 17 August is Independence Day; 19-20 August a weekend.
# Mon-Thu 07:30-16:00 with a break 12:00-13:00; Friday 07:30-16:30 with a break 11:30-13:00.
CALENDAR_LOG = [
    # Case A (rows 2-10): complete, loops back once.
    row("A", 1, "2023-08-16 11:58", "2023-08-16 13:02"),  # 2: 2 + 2 min around lunch: within 5
    row("A", 2, "2023-08-16 15:58", "2023-08-18 07:32"),  # 3: 2 (Wed) + 0 (holiday) + 2 (Fri): within 5
    row("A", 3, "2023-08-18 07:40", "2023-08-18 07:55"),  # 4: 15 > 10
    row("A", 4, "2023-08-18 08:00", "2023-08-21 08:00", output=""),  # 5: 420 (Fri) + 0 + 0 + 30 = 450 <= 480; no output
    row("A", 5, "2023-08-21 08:00", "2023-08-21 09:00", actor="Kasi"),  # 6: wrong actor
    row("A", 6, "2023-08-21 09:00", "2023-08-21 09:30", output="laporan lain"),  # 7: mismatch
    row("A", 4, "2023-08-21 10:00", "2023-08-21 10:30"),  # 8: rework
    row("A", 5, "2023-08-21 10:30", "2023-08-21 11:00"),  # 9
    row("A", 6, "2023-08-21 11:00", "2023-08-21 11:30"),  # 10
    # Case B (rows 11-13): Friday 16:00 to Monday 08:00 is 30 + 30 = 60 working minutes.
    row("B", 1, "2023-08-18 16:00", "2023-08-21 08:00"),  # 11: 60 > 5
    row("B", 2, "2023-08-21 07:50", "2023-08-21 07:55"),  # 12: starts before step 1 ended
    row("B", 4, "2023-08-21 08:10", None, output=""),  # 13: step 3 skipped; still in progress
    # Case C (rows 14-18): a step done on the holiday counts no working minutes.
    row("C", 1, "2023-08-17 08:00", "2023-08-17 09:00"),  # 14: 0 working minutes; incomplete
    row("C", 9, "2023-08-18 08:00", "2023-08-18 08:10", actor="Kasi", output="dokumen"),  # 15: unknown step
    row("C", 1, "2023-08-17 08:00", "2023-08-17 09:00"),  # 16: duplicate of 14
    row("C", 1, "2023-08-17 08:00", "2023-08-17 09:00", sop="065/999/2023"),  # 17: unknown SOP
    row("C", 2, "2023-08-21 13:00", "2023-08-21 12:00"),  # 18: ends before it starts
]


def test_every_kind_across_a_weekend_a_holiday_and_lunch(project_dir: Path) -> None:
    log = write_csv(project_dir / "agustus.csv", CALENDAR_LOG)
    result = check(project_dir, log)
    got = [(f.row, f.kind, f.case, f.step, f.minutes, f.standard_minutes) for f in result.findings]
    assert got == [
        (4, "time_exceeded", "A", 3, 15.0, 10.0),
        (5, "output_missing", "A", 4, None, None),
        (6, "wrong_actor", "A", 5, None, None),
        (7, "output_mismatch", "A", 6, None, None),
        (8, "rework", "A", 4, None, None),
        (11, "time_exceeded", "B", 1, 60.0, 5.0),
        (12, "out_of_order", "B", 2, None, None),
        (13, "step_skipped", "B", 3, None, None),
        (13, "case_incomplete", "B", 4, None, None),
        (14, "case_incomplete", "C", 1, None, None),
        (15, "unknown_step", "C", 9, None, None),
        (16, "duplicate_row", "C", 1, None, None),
        (17, "unknown_sop", "C", 1, None, None),
        (18, "invalid_row", None, None, None, None),
    ]
    # Every kind of the spec's version 1; those of 1.1 are in tests/test_messy_logs.py.
    assert {f.kind for f in result.findings} == set(KINDS) - V11_KINDS
    assert all(f.file == str(log) for f in result.findings)
    by = {(f.row, f.kind): f for f in result.findings}
    assert by[(11, "time_exceeded")].message == "langkah 1 berlangsung 60 menit kerja, melebihi standar 5 menit (lebih 55 menit)"
    assert "21/08/2023 07:50" in by[(12, "out_of_order")].message and "21/08/2023 08:00" in by[(12, "out_of_order")].message
    assert by[(8, "rework")].count == 1
    steps = {s["step"]: s for s in result.summary["steps"]}
    assert (steps[1]["min_minutes"], steps[1]["max_minutes"]) == (0.0, 60.0)  # C on the holiday, B over the weekend
    assert (steps[2]["max_minutes"], steps[4]["max_minutes"]) == (5.0, 450.0)
    acc = result.accounting
    assert acc.balanced and (acc.data_rows, acc.checked, acc.invalid, acc.duplicate) == (17, 15, 1, 1)

    # The same log on the wall clock: lunch, the holiday and the weekend all count.
    elapsed = check(project_dir, log, elapsed=True)
    late = [(f.row, f.minutes) for f in elapsed.findings if f.kind == "time_exceeded"]
    assert late == [(2, 64.0), (3, 2374.0), (4, 15.0), (5, 4320.0), (11, 3840.0), (14, 60.0)]


# -- an XES event log as a process-mining tool exports it ----------------------------------------------


def test_an_xes_event_log_with_start_and_complete_events_checks_as_it_is(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One event per line, `time:timestamp` and `lifecycle:transition` (start/complete), as
    pm4py or ProM write a log to CSV: each start pairs with its complete."""
    header = ("case:concept:name", "concept:name", "org:resource", "time:timestamp", "lifecycle:transition", "output")
    rows = []
    for r in CALENDAR_LOG[:9]:  # case A: 2023-08-16 .. 2023-08-21, a loop back
        _sop, case, step, actor, start, end, output, _note = r
        rows.append((case, f"Langkah {step}", actor, start.replace(" ", "T") + ":00+07:00", "start", ""))
        rows.append((case, f"Langkah {step}", actor, end.replace(" ", "T") + ":00+07:00", "complete", output))
    rows.insert(0, ("A", "Langkah 1", "Kasubag PK", "2023-08-16T11:00:00+07:00", "schedule", ""))  # 2: not an execution
    rows.append(("Z", "Langkah 1", "Kasubag PK", "2023-08-22T08:00:00+07:00", "complete", OUT[1]))  # only a completion
    monkeypatch.chdir(project_dir)
    write_csv(project_dir / "xes.csv", rows, header=header)
    res = CliRunner().invoke(main, ["check", "xes.csv", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    got = [(f["row"], f["kind"], f["case"], f["step"], f.get("minutes")) for f in data["findings"]]
    # Rows are the start events' lines: header 1, schedule 2, then start/complete pairs.
    assert got == [
        (7, "time_exceeded", "A", 3, 15.0),
        (9, "output_missing", "A", 4, None),
        (11, "wrong_actor", "A", 5, None),
        (13, "output_mismatch", "A", 6, None),
        (15, "rework", "A", 4, None),
        (21, "case_incomplete", "Z", 1, None),
    ]
    s = data["summary"]
    assert s["rows"] == {"total": 20, "checked": 10, "invalid": 0, "duplicate": 0, "outside_selection": 0, "blank": 0, "merged": 10}
    steps = {st["step"]: st for st in s["steps"]}
    assert steps[2]["max_minutes"] == 4.0 and steps[4]["max_minutes"] == 450.0  # working minutes across the holiday
    assert steps[1]["min_minutes"] == 0.0  # the completion-only event: no measurable duration


# -- the reference SOP's template, filled in ----------------------------------------------------------


def test_the_reference_template_filled_in_gives_the_expected_report(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    monkeypatch.chdir(project_dir)
    runner = CliRunner()
    res = runner.invoke(main, ["log-template", REF_FILE, "-o", "log.xlsx"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook("log.xlsx")
    assert wb.sheetnames == ["065-111-416-317-2023", "daftar"] and wb["daftar"].sheet_state == "hidden"
    ws = wb["065-111-416-317-2023"]
    assert [c.value for c in ws[3]] == list(HEADER)
    lists = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert set(lists) == {"A", "C", "D"}  # sop, langkah, pelaksana drop-downs
    daftar = wb["daftar"]
    langkah = [daftar.cell(row=r, column=2).value for r in range(2, 8)]
    actors = [daftar.cell(row=r, column=3).value for r in range(2, 12) if daftar.cell(row=r, column=3).value]
    assert langkah == [1, 2, 3, 4, 5, 6] and "Kasubag Perencanaan dan Keuangan" in actors and "Kasi" in actors
    assert ws.column_dimensions["E"].number_format == "dd/mm/yyyy hh:mm"
    # Staff fill it in: date cells, the sop column left empty (the sheet says which SOP),
    # one text date, one late step, one step done by the wrong actor.
    d = lambda s: datetime.fromisoformat(s)  # noqa: E731
    entries = [
        (None, "Oktober 2023", 1, "Kasubag Perencanaan dan Keuangan", d("2023-10-02 08:00"), d("2023-10-02 08:04"), OUT[1]),
        (None, "Oktober 2023", 2, "Kasubag Penyusunan Program dan Keuangan", d("2023-10-02 08:10"), d("2023-10-02 08:14"), OUT[2]),
        (None, "Oktober 2023", 3, "Kasubag Umum dan Kepegawaian", d("2023-10-02 08:20"), d("2023-10-02 08:29"), OUT[3]),
        (None, "Oktober 2023", 4, "Kasi", d("2023-10-02 08:30"), "02/10/2023 10:00", OUT[4]),
        (REF, "Oktober 2023", 5, "Kepala Sub Bagian Umum dan Kepegawaian", d("2023-10-02 10:00"), d("2023-10-02 11:00"), OUT[5]),
        (None, "Oktober 2023", 6, "Kasubag Perencanaan dan Keuangan", d("2023-10-02 11:00"), d("2023-10-02 11:30"), OUT[6]),
        (None, "November 2023", 1, "Kasubag Perencanaan dan Keuangan", d("2023-11-01 08:00"), d("2023-11-01 08:20"), OUT[1]),
        (None, "November 2023", 2, "Kasi", d("2023-11-01 08:30"), None, None),
    ]
    for i, values in enumerate(entries, start=4):
        for j, v in enumerate(values, start=1):
            ws.cell(row=i, column=j, value=v)
    wb.save("log.xlsx")
    res = runner.invoke(main, ["check", "log.xlsx", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    got = [(f["sheet"], f["row"], f["kind"], f["case"], f["step"]) for f in data["findings"]]
    sheet = "065-111-416-317-2023"
    assert got == [
        (sheet, 10, "time_exceeded", "November 2023", 1),
        (sheet, 11, "wrong_actor", "November 2023", 2),
        (sheet, 11, "case_incomplete", "November 2023", 2),
    ]
    assert all(f["file"] == "log.xlsx" and f["sop"] == REF for f in data["findings"])
    s = data["summary"]
    assert s["rows"] == {"total": 8, "checked": 8, "invalid": 0, "duplicate": 0, "outside_selection": 0, "blank": 0, "merged": 0}
    assert s["compliance"] == {"rows": 8, "compliant": 6, "percent": 75.0}
    assert s["cases"] == {"total": 2, "complete": 1, "incomplete": 1, "with_rework": 0}
    assert s["within_standard"] == {"finished": 7, "within": 6, "percent": 85.7}


# -- formula injection ------------------------------------------------------------------------------


def test_csv_findings_cannot_run_as_formulas(project_dir: Path) -> None:
    evil = ["=HYPERLINK(\"http://x\")", "+1+2", "-3+4", "@SUM(A1)"]
    rows = [row(case, 1, "2023-10-02 08:00", "2023-10-02 08:30", actor=evil[(i + 1) % 4], output=evil[(i + 2) % 4]) for i, case in enumerate(evil)]
    log = write_csv(project_dir / "jahat.csv", rows)
    result = check(project_dir, log)
    buf = io.BytesIO()
    write_report(result, "csv", buf, ReportOptions(project=None))
    text = buf.getvalue().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # Indonesian Excel: the default
    assert {r["kasus"] for r in table} == {"'" + e for e in evil}
    for r in table:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    assert any(r["pelaksana"] == "'@SUM(A1)" for r in table)
    assert any("'+1+2'" in r["pesan"] for r in table)  # inside a message it is harmless text


def test_template_text_cannot_run_as_formulas(tmp_path: Path) -> None:
    import openpyxl

    from sopgen.conformance.logtemplate import write_log_template

    text = (ROOT / REF_FILE).read_text(encoding="utf-8")
    text = text.replace("alias: [Kasubag PK]", 'alias: ["=HYPERLINK(\\"http://x\\")", "@SUM(A1)", "+62 31", "-kasubag"]')
    root = make_project(tmp_path / "p", {"065-111-pengumpulan-data-kinerja.yaml": text})
    _project, sops = load(root)
    path = tmp_path / "t.xlsx"
    write_log_template(sops, path, rows=10)
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} == {'=HYPERLINK("http://x")', "@SUM(A1)", "+62 31", "-kasubag"}
    for c in risky:
        assert c.data_type == "s" and c.quotePrefix, c.value


# -- malformed input ------------------------------------------------------------------------------


def test_malformed_files_name_file_and_row_and_never_trace(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    (project_dir / "kosong.xlsx").write_bytes(b"")
    (project_dir / "bukan.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    (project_dir / "rusak.jsonl").write_text(
        '{"kasus": "K", "langkah": 1, "pelaksana": "Kasubag PK", "mulai": "2023-10-02 08:00", "selesai": "2023-10-02 08:04", "output": "dokumen format data"}\n'
        '{"kasus": "K", "langkah": 2,\n'
        '["bukan", "objek"]\n',
        encoding="utf-8",
    )
    (project_dir / "cp1252.csv").write_bytes("kasus;langkah;pelaksana;mulai\nK;1;Kasubag PK;2023-10-02 08:00\nJos\xe9;1;Kasi;2023-10-02 08:00\n".encode("cp1252"))
    res = CliRunner().invoke(main, ["check", "kosong.xlsx", "bukan.csv", "rusak.jsonl", "cp1252.csv", "--format", "json"])
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    data = json.loads(res.stdout)  # stdout stays one JSON object; the file errors go to stderr
    errors = {Path(e["file"]).name: e["message"] for e in data["summary"]["file_errors"]}
    assert set(errors) >= {"kosong.xlsx", "cp1252.csv"}
    assert "baris 3" in errors["cp1252.csv"]
    for name in errors:
        assert name in res.stderr
    bad = [(Path(f["file"]).name, f["row"]) for f in data["findings"] if f["kind"] == "invalid_row"]
    assert ("rusak.jsonl", 2) in bad and ("rusak.jsonl", 3) in bad
    s = data["summary"]["rows"]
    assert s["total"] == s["checked"] + s["invalid"] + s["duplicate"] + s["outside_selection"] + s["blank"]


# -- every row accounted for on a realistic log -----------------------------------------------------


def test_every_row_is_accounted_for_on_a_generated_log(project_dir: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_check import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    log = tmp_path / "gen.csv"
    n = generate(log, 20_000, seed=4)
    # Add rows of every data problem at the end: blank, invalid, duplicate.
    lines = log.read_text(encoding="utf-8").splitlines()
    lines += [",,,,,,,", f"{REF},X,1,Kasi,bukan tanggal,,,", lines[1], lines[2]]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = check(project_dir, log)
    acc = result.accounting
    assert acc.data_rows == n + 4 and acc.balanced
    assert (acc.blank, acc.invalid, acc.duplicate) == (1, 1, 2)
    s = result.summary
    assert s["compliance"]["rows"] == acc.checked
    assert sum(st["rows"] for st in s["steps"]) == acc.checked
    assert sum(a["rows"] for a in s["actors"]) == acc.checked
    # Each checked row has at most its findings; every finding names a real row of the file.
    assert all(2 <= f.row <= n + 5 for f in result.findings)
    kinds = s["kinds"]
    assert kinds["duplicate_row"] == 2 and kinds["invalid_row"] == 1 and kinds["rework"] > 0 and kinds["time_exceeded"] > 0


# -- the HTML and PDF report ------------------------------------------------------------------------


def test_html_and_pdf_reports_read_in_indonesian(project_dir: Path) -> None:
    log = write_csv(project_dir / "agustus.csv", CALENDAR_LOG)
    project, _sops = load(project_dir)
    result = check(project_dir, log)
    options = ReportOptions(project=project, generated=datetime(2023, 9, 1, 10, 0))
    buf = io.BytesIO()
    write_report(result, "html", buf, options)
    html = buf.getvalue().decode("utf-8")
    for text in (
        '<html lang="id">',
        "Laporan Kepatuhan Pelaksanaan SOP",
        "Dibuat 1 September 2023 pukul 10.00",
        "Durasi langkah dibanding Waktu mutu baku",  # per step, with the SVG chart
        "<svg",
        "Per pelaksana",
        "Kasus dengan temuan terbanyak",
        "Daftar temuan",
        "agustus.csv:11",  # findings name their file and row
        "langkah 1 berlangsung 60 menit kerja, melebihi standar 5 menit (lebih 55 menit)",
    ):
        assert text in html.replace("\u00a0", " "), text  # figures and units joined by no-break spaces
    assert "Traceback" not in html and ">None<" not in html
    buf = io.BytesIO()
    write_report(result, "pdf", buf, options)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(buf.getvalue())
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Laporan Kepatuhan Pelaksanaan SOP" in text and "Halaman 1 dari" in text
    assert "Pelaksana tidak sesuai" in text and "Baris ganda" in text


def test_reports_are_repeatable_without_a_clock(project_dir: Path) -> None:
    """The same logs give byte-identical HTML and PDF reports; nothing reads the clock."""
    log = write_csv(project_dir / "agustus.csv", CALENDAR_LOG)
    project, _sops = load(project_dir)
    outputs = []
    for _ in range(2):
        result = check(project_dir, log)
        options = ReportOptions(project=project)
        html, pdf = io.BytesIO(), io.BytesIO()
        write_report(result, "html", html, options)
        write_report(result, "pdf", pdf, options)
        outputs.append((html.getvalue(), pdf.getvalue()))
    assert outputs[0] == outputs[1]
    assert b"Dibuat" not in outputs[0][0]
