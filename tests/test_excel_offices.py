"""Excel logs as offices really make them (red-team pass, session 7): each workbook is built
here with openpyxl the way staff fill a sheet by hand or office software saves it, and checked
row by row: what the spec says must be read is read, what is refused is one invalid row that
says what to do, and every row is accounted for (read = checked + refused + blank)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from sopgen.conformance.engine import check_logs

from test_check import OUT, REF, WHO, load, project_dir  # noqa: F401 (shared fixture)
from test_partition import project  # noqa: F401 (shared fixture)

HEADER = ["sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan"]
TIMES = [(time(8, 0), time(8, 5)), (time(8, 10), time(8, 15)), (time(8, 20), time(8, 30)), (time(8, 30), time(10, 0)), (time(10, 0), time(11, 0)), (time(11, 0), time(11, 30))]


def case_rows(case: str, day: date = date(2023, 10, 2)) -> list[list]:
    """One clean case of the reference SOP, times as Excel date cells."""
    return [[REF, case, i, WHO[i], datetime.combine(day, a), datetime.combine(day, b), OUT[i], ""] for i, (a, b) in enumerate(TIMES, 1)]


def workbook(path: Path, rows: list[list], header: list = HEADER, above: list[list] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    for r in [*above, header, *rows]:
        ws.append(r)
    wb.save(path)
    return path


def check(root: Path, *logs: Path):
    project, sops = load(root)
    result = check_logs(project, sops, list(logs))
    assert result.accounting.balanced  # blank + invalid + duplicate + outside + checked (+ merged) = rows read
    return result


def brief(result) -> list[tuple]:
    return [(f.sheet, f.row, f.kind) for f in result.findings if f.kind != "case_incomplete"]


@pytest.mark.parametrize(
    "header",
    [
        ["No. SOP", "Kasus", "No. Langkah", "Pelaksana", "Waktu Mulai", "Waktu Selesai", "Output", "Catatan"],
        ["NO. SOP", "KASUS", "NO.LANGKAH", "PELAKSANA", "MULAI", "SELESAI", "OUTPUT", "KETERANGAN"],
        ["Nomor  SOP", "Kasus:", "Nomor\nLangkah", "Pelaksana:", "Waktu\u00a0Mulai", "Waktu Selesai:", "Keluaran", "Keterangan"],
    ],
    ids=["dots", "upper-case-no-space", "colons-breaks-nbsp"],
)
def test_headers_as_typed_with_dots_colons_and_breaks(project_dir: Path, header: list) -> None:
    """'No. Langkah' is the 'no langkah' the docs accept, as offices write it (with the dot
    of the abbreviation); a colon after a header and a line break inside it are layout."""
    result = check(project_dir, workbook(project_dir / "log.xlsx", case_rows("A"), header))
    assert result.file_errors == [] and result.findings == []
    assert result.accounting.checked == 6


def test_a_header_repeated_above_a_second_block_says_so(project_dir: Path) -> None:
    """Staff copy a block with its header row; that row is refused as a header, not as a row
    whose every cell is wrong."""
    rows = [*case_rows("A"), [], ["No. SOP", "Kasus", "Langkah", "Pelaksana", "Mulai", "Selesai", "Output", "Catatan"], *case_rows("B", date(2023, 10, 3))]
    result = check(project_dir, workbook(project_dir / "log.xlsx", rows))
    assert brief(result) == [("Log", 9, "invalid_row")]
    assert result.findings[-1].message == "baris ini mengulang kepala tabel (nama kolom), bukan catatan kegiatan; hapus baris ini"
    acc = result.accounting
    assert (acc.data_rows, acc.checked, acc.invalid, acc.blank) == (14, 12, 1, 1)


def _formula_log(path: Path, *, in_read_column: bool) -> Path:
    """Rows filled down with formulas (kasus =B2, langkah =C2+1, mulai = the previous selesai),
    as a script writes them with openpyxl: no result is stored, only the formula. A 'durasi'
    column the check does not read holds formulas in both cases."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append([*HEADER, "durasi"])
    for i, r in enumerate(case_rows("A")):
        n = i + 2
        if in_read_column and i:
            r[1], r[2], r[4] = f"=B{n - 1}", f"=C{n - 1}+1", f"=F{n - 1}"
        ws.append([*r, f"=(F{n}-E{n})*1440"])
    wb.save(path)
    return path


def test_formulas_whose_results_were_never_stored_are_refused_naming_the_cell(project_dir: Path) -> None:
    """Excel and LibreOffice store each formula's result beside it; a file written by a
    program holds only the formula, and calamine reads its cell as empty. Read as empty,
    kasus, langkah and mulai were five invalid rows saying to fill cells that are filled
    (and an output or selesai formula would have been judged missing): the sheet is refused,
    naming the cell and saying to open and save the file."""
    from sopgen.conformance.readers import LogFileError, read_logs

    with pytest.raises(LogFileError) as err:
        read_logs([_formula_log(project_dir / "rumus.xlsx", in_read_column=True)])
    assert err.value.message.startswith(
        "berkas log '" + str(project_dir / "rumus.xlsx") + "': lembar 'Log' sel B3 (kolom 'kasus') berisi rumus yang hasilnya tidak tersimpan di berkas"
    )
    assert "dan 14 sel rumus lain di kolom yang dibaca" in err.value.message
    assert err.value.message.endswith("buka berkas di Excel atau LibreOffice lalu simpan ulang agar hasilnya tersimpan")
    # Formulas only in a column the check does not read change nothing.
    result = check(project_dir, _formula_log(project_dir / "durasi.xlsx", in_read_column=False))
    assert result.file_errors == [] and result.accounting.checked == 6


def test_a_formula_whose_stored_result_is_an_empty_text_is_read_as_empty(tmp_path: Path) -> None:
    """Excel stores an empty text result as t="str" and an empty value: that is a result."""
    from test_hostile_logs import data_row, header_row, xlsx

    from sopgen.conformance.readers import read_logs

    row = data_row(2).replace('<c r="H2" t="inlineStr"><is><t></t></is></c>', '<c r="H2" t="str"><f>""</f><v></v></c>')
    assert '<f>""</f>' in row
    assert [r.row for r in read_logs([xlsx(tmp_path / "kosong.xlsx", header_row() + row)]).rows] == [2]


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_same_formulas_saved_by_libreoffice_are_read(project_dir: Path, tmp_path: Path) -> None:
    import subprocess

    source = _formula_log(tmp_path / "rumus.xlsx", in_read_column=True)
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=120)
    result = check(project_dir, out / "rumus.xlsx")
    assert result.file_errors == [] and result.accounting.checked == 6
    assert [k for _, _, k in brief(result)] == ["time_exceeded", "time_exceeded"]  # mulai = the previous selesai


@pytest.mark.parametrize("engine", ["auto", "python"])
@pytest.mark.parametrize("sep_line", [False, True])
def test_a_csv_saved_from_a_sheet_with_a_title_block_says_where_its_header_is(tmp_path: Path, engine: str, sep_line: bool) -> None:
    """Excel's 'Save as CSV' of a sheet with a title block above the header: the xlsx is read
    (its header may sit under a title), the CSV is refused (log-format: the header is its
    first line), and the message says on which line the header is and which lines to delete."""
    from sopgen.conformance.readers import LogFileError, read_csv_frame

    lines = ['"LOG KEGIATAN SOP";;;;;;;', "Kecamatan Dawarblandong;;;;;;;", ";;;;;;;", "No. SOP;Kasus;Langkah;Pelaksana;Mulai;Selesai;Output;Catatan"]
    lines.append(f"{REF};A;1;Kasubag PK;02/10/2023 08:00;02/10/2023 08:05;dokumen format data;")
    if sep_line:
        lines.insert(0, "sep=;")
    log = tmp_path / "judul.csv"
    log.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    with pytest.raises(LogFileError) as err:
        read_csv_frame(log, engine=engine)
    first, header = (2, 5) if sep_line else (1, 4)
    assert err.value.message == (
        f"berkas log '{log}': kepala tabel ada di baris {header}, di bawah {header - first} baris judul, padahal CSV dibaca dengan "
        f"kepala tabel di baris {first}; hapus baris {first} sampai {header - 1} lalu simpan ulang (lembar .xlsx boleh berjudul)"
    )


def test_names_with_titles_typed_with_or_without_their_dots(project_dir: Path) -> None:
    """Academic and religious titles are typed every way ('M.Si', 'M.Si.', 'MSi', 'S.E.',
    'SE', 'Drs' for 'Drs.'): a person of pegawai.csv, and an actor's alias, is the same
    person or position whatever the dots and commas (normalise: punctuation must not make
    a finding)."""
    (project_dir / "pegawai.csv").write_text("nama;nip;pelaksana\nDrs. H. Ahmad, M.Si;19700101 199001 1 001;Kasi\nSiti Aminah, S.E.;19800202 200501 2 002;Kasubag PK\n", encoding="utf-8")
    rows = case_rows("A")
    typed = {1: None, 2: None, 3: None, 4: "Drs H. Ahmad, M.Si.", 5: "Drs H Ahmad MSi", 6: "SITI AMINAH, SE"}
    rows = [[*r[:4], typed[r[2]], *r[4:]] for r in rows]
    rows[5][3] = None  # the person alone says who did it
    rows[4][3] = WHO[5]  # step 5 is not Kasi's: Ahmad's row is judged as his, a wrong actor
    rows[0][3] = "Kasubag P.K."  # an alias typed with dots
    result = check(project_dir, workbook(project_dir / "log.xlsx", rows, [*HEADER[:4], "pegawai", *HEADER[4:]]))
    assert brief(result) == [("Log", 6, "wrong_actor")] and result.summary["unrecognized_actors"] == []
    assert result.findings[0].message.startswith("langkah 5 dikerjakan oleh 'Drs H Ahmad MSi'")
    assert {p["name"]: p["rows"] for p in result.summary["people"]} == {"Drs. H. Ahmad, M.Si": 2, "Siti Aminah, S.E.": 1}


def test_a_time_kept_in_a_column_of_its_own_is_named_as_not_read(project_dir: Path) -> None:
    """Some offices keep the date in 'mulai' and the time in a 'jam mulai' column beside it.
    The spec has one column for the start (a date without a time is read, as time_missing),
    so the time column is not read: a note names it and says where the time goes."""
    rows = [[r[0], r[1], r[2], r[3], r[4].date(), r[4].time(), r[5].date(), r[5].time(), r[6]] for r in case_rows("A")]
    log = workbook(project_dir / "log.xlsx", rows, ["sop", "kasus", "langkah", "pelaksana", "mulai", "Jam Mulai", "selesai", "Pukul Selesai", "output"])
    result = check(project_dir, log)
    assert [f.kind for f in result.findings] == ["time_missing"] * 6
    assert (
        f"{log} › Log: kolom 'Jam Mulai', 'Pukul Selesai' tidak dibaca; tulis jamnya bersama tanggal di kolom 'mulai' dan 'selesai' "
        "(mis. 02/10/2023 08:30), lalu hapus kolom jam itu"
    ) in result.notes


def test_office_logs_out_of_core_report_as_in_one_frame(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The logs above, together, checked out of core (many pieces) give the one-frame check's
    reports byte for byte: a workbook with a title block, merged kasus cells, text dates of
    every form, a blank row, a repeated header, a totals row and a hidden copy sheet; and the
    same rows as an Indonesian Excel CSV (BOM, ';', CRLF, no-break spaces, a time column of
    its own)."""
    from test_outofcore_inputs import _same_reports

    texts = ["2/10/23 8:00", "02-10-2023 08:10", "2 Okt 2023 08.20", "Senin, 02 Oktober 2023 pukul 08.30", "02/10/2023 10:00 WIB", "02/10/2023\u00a011.00"]
    rows = case_rows("A")
    for r, text in zip(rows, texts):
        r[4] = text
    rows += [[], ["No. SOP", "Kasus", "Langkah", "Pelaksana", "Mulai", "Selesai", "Output", "Catatan"], *case_rows("B", date(2023, 10, 3))]
    rows.append([None, "JUMLAH", None, None, None, None, 12, None])  # a totals row
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Oktober"
    for r in [["LOG KEGIATAN"], [], HEADER, *rows]:
        ws.append(r)
    for r in range(5, 10):
        ws.cell(r, 2).value = None
    ws.merge_cells("B4:B9")
    ws.freeze_panes, ws.auto_filter.ref = "A4", "A3:H19"
    hidden = wb.create_sheet("Cadangan")
    hidden.sheet_state = "hidden"
    for r in [HEADER, *case_rows("B", date(2023, 10, 3))]:
        hidden.append(r)
    book = tmp_path / "kantor.xlsx"
    wb.save(book)
    lines = ["sop;kasus;langkah;pelaksana;mulai;Jam Mulai;selesai;output"]
    for i, r in enumerate(case_rows("C", date(2023, 10, 4)) * 3):
        lines.append(f"{r[0]};C{i // 6};{r[2]};{r[3]}\u00a0;{r[4]:%d/%m/%Y};{r[4]:%H.%M};{r[5]:%d/%m/%Y %H:%M};{r[6]}")
    csv_log = tmp_path / "kantor.csv"
    csv_log.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode() + b"\r\n")
    whole = _same_reports(project, [book, csv_log], monkeypatch, tmp_path)
    assert whole.accounting.balanced and whole.accounting.invalid == 2 and whole.accounting.duplicate == 6
    assert any("'Jam Mulai' tidak dibaca" in n for n in whole.notes)


def test_excel_error_values_are_named_as_excel_shows_them(tmp_path: Path) -> None:
    """A cell showing #N/A or #DIV/0! (a lookup that found nothing, a division by zero) was read
    as empty: 'kolom wajib mulai kosong; isi nilainya' about a cell that is not empty. Its
    message now quotes the error as the sheet shows it."""
    from test_hostile_logs import data_row, header_row, xlsx

    from sopgen.conformance.readers import read_logs

    rows = data_row(2).replace('<c r="E2" t="inlineStr"><is><t>2023-10-02 08:00</t></is></c>', '<c r="E2" t="e"><f>VLOOKUP(B2,Jadwal!A:B,2,0)</f><v>#N/A</v></c>')
    rows += data_row(3).replace('<c r="C3" t="inlineStr"><is><t>1</t></is></c>', "<c r='C3' t='e'><v>#DIV/0!</v></c>")
    result = read_logs([xlsx(tmp_path / "galat.xlsx", header_row() + rows + data_row(4))])
    assert [(p.row, p.message) for p in result.problems] == [
        (2, "kolom 'mulai' berisi '#N/A', bukan tanggal-waktu yang sah; tulis dd/mm/yyyy HH:MM atau ISO 8601 (mis. 2023-10-05 08:30)"),
        (3, "kolom 'langkah' berisi '#DIV/0!', bukan nomor langkah; tulis angka 1 atau lebih, mis. 6 atau 'Langkah 6'"),
    ]
    assert [r.row for r in result.rows] == [4]
