"""Issue #9: logs as staff really fill them in Excel (log-format.md, "Additions in version 1.1").

Each trap of the issue is a small log built here (xlsx by openpyxl, never a binary blob) and
checked finding by finding; every row stays accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopgen.conformance.engine import check_logs

from test_check import OUT, REF, WHO, clean_case, load, project_dir, row, write_csv  # noqa: F401 (shared fixture)


def check(root: Path, *logs: Path, **kw):
    project, sops = load(root)
    result = check_logs(project, sops, list(logs), **kw)
    assert result.accounting.balanced
    return result


def brief(result) -> list[tuple]:
    return [(f.row, f.kind, f.case, f.step) for f in result.findings]


# -- step_unfinished -------------------------------------------------------------------------------


def test_a_step_left_open_while_the_next_started_is_unfinished(project_dir: Path) -> None:
    rows = clean_case("A")
    rows[2] = row("A", 3, "2023-10-02 08:20", None)  # row 4: no selesai, step 4 starts 08:30
    rows[5] = row("A", 6, "2023-10-02 11:00", None)  # row 7: the last step still in progress
    result = check(project_dir, write_csv(project_dir / "log.csv", rows))
    assert brief(result) == [(4, "step_unfinished", "A", 3), (7, "case_incomplete", "A", 6)]
    f = result.findings[0]
    assert f.message == (
        "langkah 3 tidak dicatat selesai (kolom selesai kosong), padahal langkah 4 kasus ini sudah dimulai "
        "02/10/2023 08:30; isi waktu selesainya"
    )
    assert result.summary["kinds"]["step_unfinished"] == 1
    assert result.summary["compliance"] == {"rows": 6, "compliant": 5, "percent": 83.3}


# -- names staff write: unrecognised names, pegawai.csv ---------------------------------------------


def _named_log(project_dir: Path) -> Path:
    """Two cases; step 4 by "Kasi Kesos", step 5 by the person "Budi Santoso", step 1 of B by
    "Pak Camat" (no such actor; nothing resembles it)."""
    rows = []
    for case, day in (("A", "2023-10-02"), ("B", "2023-10-03")):
        for r in clean_case(case, day):
            r = list(r)
            r[3] = {4: "Kasi Kesos", 5: "Budi Santoso"}.get(r[2], r[3])
            rows.append(tuple(r))
    rows[6] = row("B", 1, "2023-10-03 08:00", "2023-10-03 08:05", actor="Pak Camat")
    return write_csv(project_dir / "log.csv", rows)


def test_unrecognised_names_are_grouped_counted_and_given_a_suggestion(project_dir: Path) -> None:
    result = check(project_dir, _named_log(project_dir))
    assert brief(result) == [
        (5, "wrong_actor", "A", 4),
        (6, "wrong_actor", "A", 5),
        (8, "wrong_actor", "B", 1),
        (11, "wrong_actor", "B", 4),
        (12, "wrong_actor", "B", 5),
    ]
    s = result.summary
    assert s["unrecognized_actors"] == [
        {"name": "Budi Santoso", "rows": 2, "suggestion": "Kepala Sub Bagian Umum dan Kepegawaian", "wrong_actor": 2},
        {"name": "Kasi Kesos", "rows": 2, "suggestion": "Kasi", "wrong_actor": 2},
        # "Camat" resembles no actor of the SOP: the step's own pelaksana is the suggestion.
        {"name": "Pak Camat", "rows": 1, "suggestion": "Kasubag Perencanaan dan Keuangan", "wrong_actor": 1},
    ]
    assert s["unrecognized_effect"] == {"wrong_actor": 5, "percent_if_recognized": 100.0}
    assert s["compliance"]["percent"] == 58.3
    assert s["people"] == []


def test_pegawai_csv_maps_people_to_positions(project_dir: Path) -> None:
    (project_dir / "pegawai.csv").write_text(
        "nama;nip;pelaksana\n"
        "Budi Santoso;19800101 200501 1 001;kasubag-umpeg\n"
        "Siti Aminah;19850505 201001 2 002;Kasi\n"
        "Rina;;\n"
        "Joko;;Bupati\n",
        encoding="utf-8",
    )
    result = check(project_dir, _named_log(project_dir))
    assert brief(result) == [(5, "wrong_actor", "A", 4), (8, "wrong_actor", "B", 1), (11, "wrong_actor", "B", 4)]
    s = result.summary
    assert [e["name"] for e in s["unrecognized_actors"]] == ["Kasi Kesos", "Pak Camat"]
    assert s["people"] == [
        {
            "name": "Budi Santoso",
            "nip": "19800101 200501 1 001",
            "position": "Kepala Sub Bagian Umum dan Kepegawaian",
            "rows": 2,
            "finished": 2,
            "within_standard": 2,
            "violations": 0,
            "percent_within": 100.0,
            "percent_compliant": 100.0,
        }
    ]
    assert result.notes == [
        "pegawai.csv baris 4: kolom nama dan pelaksana wajib diisi; baris ini tidak dipakai",
        "pegawai.csv baris 5: pelaksana 'Bupati' dari 'Joko' bukan pelaksana SOP yang diperiksa; tulis id, nama atau alias pelaksana seperti di SOP",
    ]
    # Budi's rows count for his position in the per-actor table.
    actors = {a["actor"]: a["rows"] for a in s["actors"]}
    assert actors["Kepala Sub Bagian Umum dan Kepegawaian"] == 2


def test_an_unreadable_pegawai_csv_is_a_usage_error(project_dir: Path) -> None:
    from sopgen.conformance.engine import CheckError

    (project_dir / "pegawai.csv").write_bytes(b"nama,nip\nBudi,1\n")
    with pytest.raises(CheckError, match="pegawai.csv baris 1: kolom 'pelaksana' tidak ada"):
        check(project_dir, _named_log(project_dir))


# -- reports a supervisor reads ---------------------------------------------------------------------


def _three_months(project_dir: Path) -> Path:
    rows = [*clean_case("A", "2023-10-02"), *clean_case("B", "2023-11-06"), *clean_case("C", "2023-12-04")]
    rows[7] = row("B", 2, "2023-11-06 08:10", "2023-11-06 08:15", actor="Kasi Kesos")  # row 9
    rows[12] = row("C", 1, "2023-12-04 08:00", "2023-12-04 09:00")  # row 14: 60 > 5
    return write_csv(project_dir / "log.csv", rows)


def test_the_month_by_month_trend(project_dir: Path) -> None:
    result = check(project_dir, _three_months(project_dir))
    assert [(m["month"], m["rows"], m["compliant_rows"], m["percent_compliant"], m["finished"], m["within_standard"]) for m in result.summary["months"]] == [
        ("2023-10", 6, 6, 100.0, 6, 6),
        ("2023-11", 6, 5, 83.3, 6, 6),
        ("2023-12", 6, 4, 66.7, 6, 5),  # row 15 also starts before step 1 ended
    ]
    one = check(project_dir, write_csv(project_dir / "satu.csv", clean_case("A")))
    assert one.summary["months"] == []  # one month: no trend


def _text(result, project=None, width: int = 80) -> str:
    from sopgen.conformance.report import ReportOptions, report_bytes

    return report_bytes(result, "text", ReportOptions(project=project, width=width)).decode("utf-8")


def test_the_text_report_reads_at_80_columns(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    result = check(project_dir, _three_months(project_dir))
    text = _text(result)
    lines = text.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert " 065/111/416-317/2023 " in text  # the nomor whole, never cut
    assert "…" not in text
    # One line per finding's place and kind (Indonesian), its message indented under it.
    i = lines.index("log.csv:9 · Pelaksana tidak sesuai · kasus B")
    assert lines[i + 1].startswith("    langkah 2 dikerjakan oleh 'Kasi Kesos'")
    assert "wrong_actor" not in "\n".join(lines[i:])
    # The per-month table, and the names not recognised with how to fix them.
    assert any(line.split()[:2] == ["November", "2023"] and "83,3 %" in line for line in lines)
    assert "  'Kasi Kesos': 1 baris → mungkin 'Kasi'" in lines
    # Times as Indonesia writes them, also in the worst cases' table.
    assert "04/12/2023 08:00" in text and "2023-12-04" not in text
    assert "pegawai.csv" in text and "alias" in text


def test_figures_stay_with_their_units_at_any_width(project_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import re

    from sopgen.conformance.report import ReportOptions, print_text

    monkeypatch.chdir(project_dir)
    result = check(project_dir, _three_months(project_dir))
    split = re.compile(r"\d\n\s*(%|menit|baris|kasus)\b|\b(langkah|lebih|NIP)\n\s*\d")
    for width in range(56, 101, 4):
        text = _text(result, width=width)
        assert max(len(line) for line in text.splitlines()) <= width
        assert not split.search(text), (width, split.search(text))
        assert "\ue000" not in text and "19800101 200501 1 001" in text
    # The terminal gets the same report at its width (COLUMNS), without trailing spaces.
    monkeypatch.setenv("COLUMNS", "80")
    print_text(result, ReportOptions())
    out = capsys.readouterr().out
    assert out == _text(result, width=80)
    assert "(lebih 55 menit)" in out
    # HTML and PDF: the same spaces are no-break spaces.
    from sopgen.conformance.report import render_html

    html = render_html(result, ReportOptions())
    assert "(lebih\u00a055\u00a0menit)" in html and "(lebih 55 menit)" not in html


def test_sops_without_rows_are_named_once_not_tabled(tmp_path: Path) -> None:
    from sopfactory import make_project, sop_yaml

    root = make_project(tmp_path / "p", {"lain.yaml": sop_yaml("800/1/2023", "SOP Lain")}, reference=True)
    result = check(root, write_csv(root / "log.csv", clean_case("A")))
    text = _text(result)
    assert "Tanpa baris di log (tidak ditabelkan): 800/1/2023" in text
    assert text.count("800/1/2023") == 1
    assert "Per langkah (menit)" in text  # one SOP with rows: no SOP column, no SOP title


def test_csv_for_indonesian_excel_and_the_plain_form(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from click.testing import CliRunner

    from sopgen.cli import main

    _three_months(project_dir)
    runner = CliRunner()
    monkeypatch.chdir(project_dir)
    ind = runner.invoke(main, ["check", "log.csv", "--format", "csv", "-o", "temuan.csv"])
    assert ind.exit_code == 0, ind.output
    text = (project_dir / "temuan.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0].startswith("jenis;uraian_jenis;sop;kasus;langkah;berkas;lembar;baris;pelaksana;menit;standar_menit")
    assert "time_exceeded;Melebihi waktu;065/111/416-317/2023;C;1;log.csv;;14;Kasubag PK;60,0;5,0;" in text[2]
    plain = runner.invoke(main, ["check", "log.csv", "--format", "csv", "--csv-polos", "-o", "polos.csv"])
    assert plain.exit_code == 0, plain.output
    text = (project_dir / "polos.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[2].startswith("time_exceeded,Melebihi waktu,065/111/416-317/2023,C,1,log.csv,,14,Kasubag PK,60.0,5.0,")
    # Reports are written with the usual permissions (umask), not 0600 like a temporary file.
    mask = os.umask(0)
    os.umask(mask)
    assert (project_dir / "temuan.csv").stat().st_mode & 0o777 == 0o666 & ~mask


def test_paths_in_reports_are_relative_to_where_the_command_ran(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _three_months(project_dir)
    monkeypatch.chdir(project_dir)
    result = check(project_dir, log.resolve())
    assert result.files == ["log.csv"]
    assert {f.file for f in result.findings} == {"log.csv"}


def test_people_in_the_reports_and_the_template(project_dir: Path) -> None:
    import openpyxl

    from sopgen.conformance.logtemplate import write_log_template
    from sopgen.conformance.people import load_people
    from sopgen.conformance.report import ReportOptions, render_html

    (project_dir / "pegawai.csv").write_text("nama,nip,pelaksana\nBudi Santoso,19800101 200501 1 001,kasubag-umpeg\n", encoding="utf-8")
    result = check(project_dir, _named_log(project_dir))
    text = _text(result)
    assert "Per pegawai (pegawai.csv)" in text and "Budi Santoso (Kepala Sub Bagian Umum dan" in text
    project, sops = load(project_dir)
    html = render_html(result, ReportOptions(project=project))
    assert "<h2>Per pegawai</h2>" in html and "19800101 200501 1 001" in html
    assert "<h2>Nama pelaksana yang tidak dikenali</h2>" in html
    # The template: the positions under pelaksana, the people under pegawai (test_pegawai_column).
    path = project_dir / "templat.xlsx"
    write_log_template(sops, path, rows=5, people=load_people(project_dir))
    lists = openpyxl.load_workbook(path)["daftar"]
    assert "Kasi" in [c.value for c in lists["C"]] and [c.value for c in lists["D"] if c.value][-1] == "Budi Santoso"


def test_the_pdf_report_is_signed_by_the_evaluator(project_dir: Path) -> None:
    from sopgen.conformance.report import ReportOptions, render_html

    with open(project_dir / "sopgen.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[penilaian]\nnama = "Drs. SUGENG RAHARJO"\nnip = "19680412 199003 1 008"\njabatan = "Sekretaris Kecamatan"\n')
    result = check(project_dir, write_csv(project_dir / "log.csv", clean_case("A")))
    project, _sops = load(project_dir)
    html = render_html(result, ReportOptions(project=project), mode="pdf")
    block = html[html.index('<div class="tanda-tangan">') :]
    assert [part in block for part in ("Mengetahui,", "Sekretaris Kecamatan", "Drs. SUGENG RAHARJO", "NIP 19680412 199003 1 008")] == [True] * 4
    unsigned = render_html(check(project_dir, project_dir / "log.csv"), ReportOptions(project=None), mode="pdf")
    assert "tanda-tangan\">" not in unsigned


# -- the official monitoring form ---------------------------------------------------------------------


def _late_step4(project_dir: Path) -> Path:
    """Five cases; step 4 over its 480 minutes in two of them (40 %)."""
    rows = []
    for i, case in enumerate("ABCDE"):
        day = f"2023-10-0{i + 2}"
        case_rows = clean_case(case, day)
        if case in "AB":
            case_rows[3] = row(case, 4, f"{day} 08:30", f"2023-10-{i + 9:02d} 10:00")  # a week later
            case_rows[4] = row(case, 5, f"2023-10-{i + 9:02d} 10:00", f"2023-10-{i + 9:02d} 11:00")
            case_rows[5] = row(case, 6, f"2023-10-{i + 9:02d} 11:00", f"2023-10-{i + 9:02d} 11:30")
        rows.extend(case_rows)
    return write_csv(project_dir / "log.csv", rows)


def test_the_monitoring_form_as_xlsx(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl
    from click.testing import CliRunner

    from sopgen.cli import main

    with open(project_dir / "sopgen.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[penilaian]\nnama = "Drs. SUGENG RAHARJO"\nnip = "196804121990031008"\njabatan = "Sekretaris Kecamatan"\nambang = 95\n')
    _late_step4(project_dir)
    monkeypatch.chdir(project_dir)
    runner = CliRunner()
    out = runner.invoke(main, ["check", "log.csv", "--format", "monitoring", "-o", "monitoring.xlsx"])
    assert out.exit_code == 0, out.output
    first = (project_dir / "monitoring.xlsx").read_bytes()
    ws = openpyxl.load_workbook(project_dir / "monitoring.xlsx").active
    cells = list(ws.iter_rows(values_only=True))
    assert cells[0][0] == "FORMULIR MONITORING PELAKSANAAN SOP AP"
    assert cells[5] == ("No", "Prosedur", "Penilaian terhadap Penerapan", None, "Catatan Hasil Penilaian", "Tindakan yang Harus Diambil", "Paraf Penilai")
    assert cells[6][2:4] == ("Berjalan dengan baik", "Tidak berjalan dengan baik")
    no, prosedur, baik, tidak, catatan, tindakan, paraf = cells[8]
    assert (no, prosedur, baik, tidak, paraf) == (1, "Pengumpulan Data Kinerja\n(SOP 065/111/416-317/2023)", None, "✓", None)
    assert catatan == (
        "Kepatuhan 93,3 % (28 dari 30 baris log tanpa pelanggaran); tepat waktu 93,3 %; 5 kasus, 5 sampai akhir alur. "
        "Temuan utama: melebihi waktu pada langkah 4 (2 kali, 40,0 % kasus)."
    )
    assert tindakan == "1. Tinjau ulang Waktu langkah 4 (480 menit) atau beban kerja pelaksana (40,0 % kasus)."
    footer = [r[5] for r in cells[10:] if r[5]]
    assert footer == ["Dawarblandong, ....................", "Penilai,", "Sekretaris Kecamatan", "Drs. SUGENG RAHARJO", "NIP 19680412 199003 1 008"]
    assert "paling sedikit 95 %" in cells[10][0]  # the threshold of sopgen.toml: 93,3 % is below it
    # Same check, same bytes.
    runner.invoke(main, ["check", "log.csv", "--format", "monitoring", "-o", "monitoring.xlsx"])
    assert (project_dir / "monitoring.xlsx").read_bytes() == first
    bad = runner.invoke(main, ["check", "log.csv", "--format", "monitoring", "-o", "monitoring.docx"])
    assert bad.exit_code == 2 and "harus berakhiran .xlsx atau .pdf" in bad.output


def test_the_monitoring_form_as_pdf(project_dir: Path) -> None:
    import io

    import pypdfium2 as pdfium

    from sopgen.conformance.report import ReportOptions, report_bytes

    result = check(project_dir, _late_step4(project_dir))
    project, _sops = load(project_dir)
    data = report_bytes(result, "monitoring-pdf", ReportOptions(project=project))
    pdf = pdfium.PdfDocument(io.BytesIO(data))
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert width > height  # landscape, as the form is printed
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    for part in (
        "FORMULIR MONITORING PELAKSANAAN SOP AP",
        "Penilaian terhadap Penerapan",
        "Tindakan yang Harus Diambil",
        "Paraf",
        "Pengumpulan Data Kinerja",
        "Tinjau ulang Waktu langkah 4 (480 menit) atau beban kerja pelaksana (40,0 % kasus).",
        "paling sedikit 80 %",  # the default threshold: 93,3 % runs well
    ):
        assert part in text, part
    assert report_bytes(result, "monitoring-pdf", ReportOptions(project=project)) == data
    # Without [penilaian]: "Penilai," once, then dotted lines for the name and NIP by hand.
    tail = text[text.index("paling sedikit 80 %") :]
    assert tail.count("Penilai") == 1, tail
    assert "Penilai, .................................... NIP ...................................." in tail


def test_a_case_that_starts_late_names_no_step_0(project_dir: Path) -> None:
    rows = clean_case("A")
    rows[0] = row("A", 1, "2023-10-02 09:00", "2023-10-02 09:05")  # step 1 written after step 2 and 3
    rows[1] = row("A", 2, "2023-10-02 08:10", "2023-10-02 08:15")
    result = check(project_dir, write_csv(project_dir / "log.csv", rows))
    messages = [f.message for f in result.findings]
    assert not any("langkah 0" in m for m in messages), messages
    assert "kasus dimulai di langkah 2, padahal langkah 1 harus lebih dulu (urutan tertukar)" in messages


# -- dates: --dari and --sampai in the forms staff write ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-10-01", (2023, 10, 1)),
        ("01/10/2023", (2023, 10, 1)),
        ("1/10/23", (2023, 10, 1)),
        ("01-10-2023", (2023, 10, 1)),
        ("01.10.2023", (2023, 10, 1)),
        ("1 Oktober 2023", (2023, 10, 1)),
        ("1 Okt 2023", (2023, 10, 1)),
        ("20 Agustus 2023", (2023, 8, 20)),
        ("3 Nop 2023", (2023, 11, 3)),
        ("03/04/2023", (2023, 4, 3)),  # day first, as Indonesia writes it
        ("31/02/2023", None),
        ("1 Brumaire 2023", None),
        ("kemarin", None),
    ],
)
def test_dates_as_staff_write_them(text: str, expected: tuple | None) -> None:
    from datetime import date

    from sopgen.conformance.dates import parse_date

    assert parse_date(text) == (date(*expected) if expected else None)


def test_dari_and_sampai_accept_the_same_forms(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from click.testing import CliRunner

    from sopgen.cli import main

    write_csv(project_dir / "log.csv", [*clean_case("A", "2023-09-29"), *clean_case("B", "2023-10-02")])
    monkeypatch.chdir(project_dir)
    runner = CliRunner()
    for dari in ("1/10/23", "1 Okt 2023", "01-10-2023"):
        out = runner.invoke(main, ["check", "log.csv", "--dari", dari, "--format", "json"])
        assert out.exit_code == 0, out.output
        summary = json.loads(out.stdout)["summary"]
        assert (summary["period"]["from"], summary["rows"]["checked"], summary["rows"]["outside_selection"]) == ("2023-10-01", 6, 6)
    bad = runner.invoke(main, ["check", "log.csv", "--sampai", "1/10/2203"])
    assert bad.exit_code == 2 and "'1/10/2203' dibaca 01/10/2203, di luar 1990 sampai" in bad.output
    bad = runner.invoke(main, ["check", "log.csv", "--dari", "kemarin"])
    assert bad.exit_code == 2 and "'kemarin' bukan tanggal yang sah" in bad.output


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("18/10/23 09:05", (2023, 10, 18, 9, 5), False),  # not the year 0023
        ("20 Oktober 2023 08:00", (2023, 10, 20, 8, 0), False),
        ("5 Okt 2023", (2023, 10, 5), True),
        ("05/10/2023 08.30", (2023, 10, 5, 8, 30), False),
        ("05-10-2023 08.30.15", (2023, 10, 5, 8, 30, 15), False),
        ("45205.354166", (2023, 10, 6, 8, 30), False),  # an Excel serial typed as text
        ("45205", (2023, 10, 6), True),
        ("31/02/2023 08:00", None, False),
    ],
)
def test_times_as_staff_write_them(text: str, expected: tuple | None, date_only: bool) -> None:
    from datetime import datetime

    from sopgen.conformance.dates import parse_time_text

    assert parse_time_text(text) == ((datetime(*expected), date_only) if expected else (None, False))


# -- an Excel log as an office fills it (made here with openpyxl) ---------------------------------


def _excel_log(path: Path, rows: list[tuple]) -> Path:
    """A sheet with a title block above the header, datetime cells, as staff keep it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Oktober"
    ws["A1"] = "LOG PENGUMPULAN DATA KINERJA - KECAMATAN DAWARBLANDONG"
    ws.append([])
    ws.append(["sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan"])
    from datetime import datetime

    for r in rows:
        r = list(r)
        for i in (4, 5):
            r[i] = datetime.fromisoformat(r[i]) if r[i] else None
        ws.append(r)
    wb.save(path)
    return path


def test_an_excel_log_with_names_and_an_open_step(project_dir: Path) -> None:
    rows = []
    for case, day in (("Okt-01", "2023-10-02"), ("Okt-02", "2023-10-03")):
        for r in clean_case(case, day):
            r = list(r)
            r[3] = {4: "Kasi Kesos"}.get(r[2], r[3])
            rows.append(tuple(r))
    rows[8] = row("Okt-02", 3, "2023-10-03 08:20", None)  # sheet row 12: no selesai; step 4 started
    result = check(project_dir, _excel_log(project_dir / "log.xlsx", rows))
    assert [(f.sheet, f.row, f.kind, f.case, f.step) for f in result.findings] == [
        ("Oktober", 7, "wrong_actor", "Okt-01", 4),
        ("Oktober", 12, "step_unfinished", "Okt-02", 3),
        ("Oktober", 13, "wrong_actor", "Okt-02", 4),
    ]
    s = result.summary
    assert s["rows"]["total"] == 12 and s["rows"]["checked"] == 12
    assert s["unrecognized_actors"] == [{"name": "Kasi Kesos", "rows": 2, "suggestion": "Kasi", "wrong_actor": 2}]
    assert s["unrecognized_effect"] == {"wrong_actor": 2, "percent_if_recognized": 91.7}


# -- dates and times in the log as staff type them ----------------------------------------------------


def test_times_typed_the_ways_staff_type_them(project_dir: Path) -> None:
    rows = clean_case("A", "2023-10-02")
    rows[0] = row("A", 1, "02/10/23 08:00", "02/10/23 08:05")  # two-digit years: 2023, not 0023
    rows[1] = row("A", 2, "2 Oktober 2023 08.10", "2 Okt 2023 08.15")  # month names, dots
    rows[2] = row("A", 3, "45201.34722222222", "45201.3541666667")  # Excel serials as text
    typo = row("B", 1, "03/10/2203 08:00", "03/10/2203 08:05")  # row 8: a typo year
    result = check(project_dir, write_csv(project_dir / "log.csv", [*rows, typo]))
    assert brief(result) == [(8, "invalid_row", None, None)]
    message = result.findings[0].message
    assert message.startswith("kolom 'mulai' berisi '03/10/2203 08:00', dibaca 03/10/2203, di luar 01/01/1990 sampai ")
    assert message.count("periksa tahunnya") == 2 and "selesai' berisi '03/10/2203 08:05'" in message
    steps = {s["step"]: s["median_minutes"] for s in result.summary["steps"]}
    assert (steps[1], steps[2], steps[3]) == (5.0, 5.0, 10.0)
    # The two-digit-year rows are inside the period, not "outside the selection".
    dated = check(project_dir, project_dir / "log.csv", period=(__import__("datetime").date(2023, 10, 1), None))
    assert dated.accounting.checked == 6 and dated.accounting.outside_selection == 0


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Senin, 02 Oktober 2023 08:30", "2023-10-02 08:30"),  # Excel's Indonesian long date, with the weekday
        ("Senin 2 Okt 2023 pukul 08.30", "2023-10-02 08:30"),
        ("2 Oktober 2023 pkl. 08.30", "2023-10-02 08:30"),
        ("Mon, 2 Oct 2023 08:30", "2023-10-02 08:30"),
        ("2023/10/02 08:30", "2023-10-02 08:30"),  # year first with slashes, as some exports write it
        ("02/10/2023 8:30 AM", "2023-10-02 08:30"),  # an English system's 12-hour clock
        ("02/10/2023 8:30:15 p.m.", "2023-10-02 20:30:15"),
        ("02/10/2023 12:05 AM", "2023-10-02 00:05"),
        ("02/10/2023 12:05 PM", "2023-10-02 12:05"),
        ("Oct 2, 2023 8:30 AM", "2023-10-02 08:30"),
        ("Selasa, 02 Oktober 2023 08:30", None),  # 2 October 2023 is a Monday: one of the two is mistyped
        ("02/10/2023 13:00 PM", None),
        ("02/10/2023 PM", None),
        ("pukul 08.30", None),
        ("Kemarin, 02/10/2023 08:30", None),  # not a weekday
    ],
)
def test_times_as_exports_and_typists_dress_them(text: str, read: str | None) -> None:
    from datetime import datetime

    from sopgen.conformance.dates import parse_time_text

    stamp, date_only = parse_time_text(text)
    assert stamp == (datetime.fromisoformat(read) if read else None) and not date_only


def test_dressed_times_in_a_log_and_the_indonesian_zones(project_dir: Path) -> None:
    """Through the readers: a weekday before a date without a time is still a date without a
    time (time_missing, no duration), and a time in WITA or WIT is converted to the project's
    zone (Asia/Jakarta: WIB) before its duration is taken."""
    rows = clean_case("A", "2023-10-02")
    rows[0] = row("A", 1, "Senin, 02 Oktober 2023 08.00", "Senin, 02 Oktober 2023 pukul 08.05")
    rows[1] = row("A", 2, "02/10/2023 08:10 WIB", "02/10/2023 09:15 WITA")  # 08:15 WIB: 5 minutes
    rows[2] = row("A", 3, "02/10/2023 10:20 WIT", "2023/10/02 08:30")  # 08:20 WIB: 10 minutes
    rows.append(row("B", 1, "Senin, 02 Oktober 2023", "Senin, 02 Oktober 2023"))
    rows.append(row("C", 1, "02/10/2023 WIB", ""))  # a zone needs a time
    rows.append(row("D", 1, "Selasa, 02 Oktober 2023 08:00", ""))  # 2 October 2023 is a Monday
    rows.append(row("E", 1, "Selasa, 02/10/2023 08:00 WITA", ""))  # with a zone, the same mistake
    result = check(project_dir, write_csv(project_dir / "log.csv", rows))
    wrong_day, zoned = result.findings[-2:]
    assert wrong_day.row == 10 and wrong_day.kind == "invalid_row"
    assert wrong_day.message.startswith("kolom 'mulai' berisi 'Selasa, 02 Oktober 2023 08:00', padahal 02/10/2023 hari Senin, bukan Selasa;")
    assert zoned.row == 11 and zoned.message.startswith("kolom 'mulai' berisi 'Selasa, 02/10/2023 08:00 WITA', padahal 02/10/2023 hari Senin, bukan Selasa;")
    assert [(r, k, c) for r, k, c, _ in brief(result) if k != "case_incomplete"] == [
        (8, "time_missing", "B"), (9, "invalid_row", None), (10, "invalid_row", None), (11, "invalid_row", None)
    ]
    steps = {s["step"]: s["median_minutes"] for s in result.summary["steps"]}
    assert (steps[1], steps[2], steps[3]) == (5.0, 5.0, 10.0)


def test_a_date_without_a_time_is_not_midnight(project_dir: Path) -> None:
    rows = clean_case("A", "2023-10-02")
    rows[2] = row("A", 3, "02/10/2023", "02/10/2023")  # row 4: date only
    rows[5] = row("A", 6, "2023-10-02", "2023-10-02")  # row 7: the last step, date only
    result = check(project_dir, write_csv(project_dir / "log.csv", rows))
    # No "after step 0", no out_of_order, no rework, no time finding: only the information.
    assert brief(result) == [(4, "time_missing", "A", 3), (7, "time_missing", "A", 6)]
    assert result.findings[0].message == (
        "langkah 3 dicatat tanpa jam (hanya tanggal 02/10/2023): durasi dan urutannya tidak dinilai; "
        "tulis jam mulai dan selesai, mis. 02/10/2023 08:30"
    )
    s = result.summary
    assert s["cases"]["complete"] == 1  # the final step, date only, still ends the case
    assert s["compliance"]["percent"] == 100.0
    assert s["within_standard"] == {"finished": 4, "within": 4, "percent": 100.0}


def test_merged_sop_and_kasus_cells_fill_their_rows(project_dir: Path) -> None:
    """Staff group a case by merging its sop and kasus cells: no row is lost."""
    rows = [*clean_case("A", "2023-10-02"), *clean_case("B", "2023-10-03")]
    path = _excel_log(project_dir / "gabung.xlsx", rows)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for first in (4, 10):  # the data starts at sheet row 4 (title block, blank row, header)
        for r in range(first + 1, first + 6):
            ws.cell(row=r, column=1).value = None
            ws.cell(row=r, column=2).value = None
        ws.merge_cells(start_row=first, start_column=1, end_row=first + 5, end_column=1)
        ws.merge_cells(start_row=first, start_column=2, end_row=first + 5, end_column=2)
    wb.save(path)
    result = check(project_dir, path)
    assert result.findings == []
    acc = result.accounting
    assert (acc.data_rows, acc.checked, acc.invalid) == (12, 12, 0)
    assert result.summary["cases"] == {"total": 2, "complete": 2, "incomplete": 0, "with_rework": 0}


def test_the_trend_of_an_excel_log(project_dir: Path) -> None:
    rows = [*clean_case("A", "2023-10-02"), *clean_case("B", "2023-11-06")]
    rows[7] = row("B", 2, "2023-11-06 08:10", "2023-11-06 08:15", actor="Kasi")  # sheet row 11
    result = check(project_dir, _excel_log(project_dir / "log.xlsx", rows))
    assert [(m["month"], m["rows"], m["compliant_rows"]) for m in result.summary["months"]] == [("2023-10", 6, 6), ("2023-11", 6, 5)]


def test_the_shipped_schemas_compile_to_the_quick_check() -> None:
    """A schema keyword the quick check does not know makes every run import jsonschema
    (0.15 s of a one-million-row check); sopgen.toml's schema gained maxLength."""
    from sopgen.source import shape

    assert shape.quick_check("config.schema.json") is not None
    assert shape.quick_check("sop.schema.json") is not None
    check = shape.quick_check("config.schema.json")
    assert check({"keluaran": {"alamat": "https://sop.example.go.id"}}) and not check({"keluaran": {"alamat": "x" * 5000}})


def test_the_monitoring_form_names_the_unrecognised_names(project_dir: Path) -> None:
    from sopgen.conformance.report import ReportOptions
    from sopgen.conformance.report.monitoring import build_form

    result = check(project_dir, _named_log(project_dir))
    project, _sops = load(project_dir)
    form = build_form(result, ReportOptions(project=project))
    assert form.rows[0].tindakan[0] == (
        "Daftarkan nama yang ditulis staf ('Budi Santoso' 2 baris → Kepala Sub Bagian Umum dan Kepegawaian; 'Kasi Kesos' 2 baris → "
        "Kasi; 'Pak Camat' 1 baris → Kasubag Perencanaan dan Keuangan) sebagai alias pelaksana di SOP atau di pegawai.csv, lalu periksa ulang."
    )


def test_a_month_of_a_few_rows_is_not_plotted_as_a_full_month(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A month holding one row plots at 0 % or 100 %: it is drawn hollow, left out of the
    lines, its row count under its name, and the legend says why."""
    import re

    from sopgen.conformance.report import ReportOptions, render_html

    monkeypatch.chdir(project_dir)
    cases = [c for k in range(8) for c in clean_case(f"O{k}", f"2023-10-{2 + k:02d}")]
    cases += [c for k in range(8) for c in clean_case(f"D{k}", f"2023-12-{4 + k:02d}")]
    cases.append(row("N1", 1, "2023-11-06 08:00", "2023-11-06 09:00"))  # November: one late row
    html = render_html(check(project_dir, write_csv(project_dir / "log.csv", cases)), ReportOptions())
    chart = html[html.index("Kecenderungan per bulan") :]
    chart = chart[: chart.index("</svg>")]
    assert "1\u00a0baris" in chart  # under "Nov 2023"
    assert chart.count('fill="#ffffff"') == 2  # November's two points are hollow
    # The lines join October and December only: two points each, not three.
    paths = re.findall(r'<path d="([^"]+)"', chart)
    assert len(paths) == 2 and all(p.count("L") == 1 for p in paths)
    assert "(November 2023): bulan dengan" in html and "kurang dari 12 baris" in html
    # Months of like size: none is thin, every point is joined.
    even = render_html(check(project_dir, _three_months(project_dir)), ReportOptions())
    assert "Titik berongga" not in even and 'fill="#ffffff"' not in even


@pytest.mark.parametrize("count", [2, 12, 13, 24, 60])
def test_month_names_and_values_of_a_long_trend_never_run_into_each_other(count: int) -> None:
    """A year fits the chart with every name and value; more months and they would print over
    each other (24 months: 25 px a month for 40 px of 'Jan 2024'), so every k-th month is
    named and the values are left to the table under the chart, which has them all."""
    import re

    from sopgen.conformance.report.charts import trend_chart

    months = [
        {"month": f"{2020 + i // 12}-{i % 12 + 1:02d}", "rows": 100, "percent_compliant": 50.0 + i % 7, "percent_within": 80.0 - i % 5}
        for i in range(count)
    ]
    svg = str(trend_chart(months))
    names = [(float(x), t) for x, t in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="9" text-anchor="middle" fill="#222">([A-Z][a-z]{2} \d{4})</text>', svg)]
    values = re.findall(r">\d+,\d %</text>", svg)
    assert names and names[0][1] == "Jan 2020" and len(names) <= 12
    assert all(b[0] - a[0] >= 45 for a, b in zip(names, names[1:]))  # 'Agu 2023' at 9 px is about 40 px wide
    assert len(values) == (2 * count if count <= 12 else 0)
