"""Reading activity logs: every format, every header dialect, every row accounted for."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from sopgen.conformance.readers import LogFileError, LogRow, columnar, csvfile, filecheck, read_csv_frame, read_frames, read_logs


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def both_engines(path: Path) -> tuple[pl.DataFrame, list]:
    """The columnar and the exact reader must agree row for row, problem for problem."""
    fast = read_csv_frame(path, engine="auto")
    exact = read_csv_frame(path, engine="python")
    assert fast[0].to_dicts() == exact[0].to_dicts()
    assert fast[1] == exact[1]
    # categorical=True (what `sopgen check` reads with) parses cells as written when it can.
    cat = csvfile._read_csv(str(path), path, "Asia/Jakarta", "auto", categorical=True)
    assert cat.frame.with_columns(pl.col(pl.Categorical).cast(pl.String)).to_dicts() == exact[0].to_dicts()
    assert cat.problems == exact[1]
    blanks = {csvfile._read_csv(str(path), path, "Asia/Jakarta", engine).blank for engine in ("auto", "python")}
    assert blanks == {cat.blank}
    return fast


def trimming_queries(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records each use of the trimming query (its `categorical`): the as-written query's
    fallback when it is True."""
    used: list[bool] = []
    original = columnar._trimming_query

    def spy(*args, **kwargs):
        used.append(kwargs["categorical"])
        return original(*args, **kwargs)

    monkeypatch.setattr(columnar, "_trimming_query", spy)
    return used


def test_comma_csv_becomes_log_rows(tmp_path: Path) -> None:
    p = write(
        tmp_path / "log.csv",
        "sop,kasus,langkah,pelaksana,mulai,selesai,output,catatan\n"
        "065/111,Oktober 2023,1,kasubag-pk,2023-10-05 08:00,2023-10-05 09:30:15,dokumen format data, cepat \n"
        "065/111,Oktober 2023,2,Kasi,2023-10-05T09:30,,,\n",
    )
    result = read_logs([p])
    assert result.rows == [
        LogRow(str(p), 2, None, "065/111", "Oktober 2023", 1, "kasubag-pk", datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 9, 30, 15), "dokumen format data", "cepat"),
        LogRow(str(p), 3, None, "065/111", "Oktober 2023", 2, "Kasi", datetime(2023, 10, 5, 9, 30), None, "", ""),
    ]
    assert result.problems == [] and result.total_rows == 2 and result.blank_rows == 0
    assert result.files == [str(p)] and result.ignored_columns == {}


def test_semicolon_bom_crlf_and_indonesian_dates(tmp_path: Path) -> None:
    p = write(
        tmp_path / "excel.csv",
        "\ufeffKasus ; LANGKAH;Pelaksana;Mulai;Selesai\n"
        "Okt;1;Kasi;05/10/2023 08:00;05/10/2023 09.30\n"
        "Okt;2;Kasi;5-10-2023 9:30:05;06/10/2023\n"
        ";;;;\n",
        newline="\r\n",
    )
    frame, problems = both_engines(p)
    assert problems == []
    assert frame["start"].to_list() == [datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 9, 30, 5)]
    assert frame["end"].to_list() == [datetime(2023, 10, 5, 9, 30), datetime(2023, 10, 6, 0, 0)]
    assert frame["case"].to_list() == ["Okt", "Okt"] and frame["row"].to_list() == [2, 3]
    assert read_logs([p]).blank_rows == 1


def test_xes_headers_with_zones_and_step_text(tmp_path: Path) -> None:
    p = write(
        tmp_path / "pm.csv",
        "case:concept:name,concept:name,org:resource,start_timestamp,time:timestamp,lifecycle:transition,case:sop\n"
        'K1,"6. Menganalisa, mengevaluasi",Kasi,2023-10-05T08:00:00.000+07:00,2023-10-05T01:30:00Z,complete,065/111\n'
        "K1,Langkah 7,Kasi,2023-10-05 09:00,,start,065/111\n",
    )
    frame, problems = both_engines(p)
    assert problems == []
    assert frame["step"].to_list() == [6, 7]
    assert frame["start"].to_list() == [datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 9, 0)]
    assert frame["end"].to_list() == [datetime(2023, 10, 5, 8, 30), None]  # 01:30 UTC is 08:30 WIB
    assert frame["sop"].to_list() == ["065/111", "065/111"]
    assert read_logs([p]).ignored_columns == {str(p): ["lifecycle:transition"]}


def test_single_xes_timestamp_is_the_start(tmp_path: Path) -> None:
    p = write(tmp_path / "x.csv", "case:concept:name,concept:name,org:resource,time:timestamp\nK1,3,Kasi,2023-10-05T08:00:00+08:00\n")
    frame, _ = both_engines(p)
    assert frame.select("step", "start", "end").rows() == [(3, datetime(2023, 10, 5, 7, 0), None)]


def test_english_headers_with_excel_sep_line_and_serials(tmp_path: Path) -> None:
    p = write(
        tmp_path / "en.csv",
        "sep=;\nCase;Step;Actor;Start;End;Output;Note;Remarks\nC-1;4;Sekcam;45204.3333333333;45204.5;surat;ok;extra\n",
    )
    result = read_logs([p])
    (row,) = result.rows
    assert (row.row, row.case, row.step, row.actor, row.output, row.note) == (3, "C-1", 4, "Sekcam", "surat", "ok")
    assert (row.start, row.end) == (datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 12, 0))
    assert result.ignored_columns == {str(p): ["Remarks"]}


def test_every_bad_row_is_named_with_its_line(tmp_path: Path) -> None:
    p = write(
        tmp_path / "bad.csv",
        "kasus;langkah;pelaksana;mulai;selesai;output\n"
        "Okt;1;Kasi;31/02/2023 08:00;;\n"  # line 2: no such date
        "Okt;2;Kasi;05/10/2023 10:00;05/10/2023 09:00;x\n"  # line 3: end before start
        "Okt;3;Kasi;05/10/2023 10:00\n"  # line 4: ragged (4 of 6 fields)
        "\n"  # line 5: blank
        "Okt;satu;;05/10/2023 10:00;;\n"  # line 6: bad step, no actor
        "Okt;4;Kasi;05/10/2023 10:00;;;surplus\n"  # line 7: 7 fields
        "Okt;5;Kasi;08:00;;\n"  # line 8: a time without a date
        "Okt;6;Kasi;05/10/2023 10:00;05/10/2023 11:00;ok\n",  # line 9: fine
    )
    frame, problems = both_engines(p)
    assert frame["row"].to_list() == [9]
    by_row = {pr.row: pr.message for pr in problems}
    assert sorted(by_row) == [2, 3, 4, 6, 7, 8]
    assert "kolom 'mulai' berisi '31/02/2023 08:00', bukan tanggal-waktu yang sah; tulis dd/mm/yyyy HH:MM atau ISO 8601" in by_row[2]
    assert "'selesai' (05/10/2023 09:00) lebih awal daripada 'mulai' (05/10/2023 10:00)" in by_row[3]
    assert "berisi 4 kolom, padahal kepala tabel berisi 6 kolom" in by_row[4]
    assert "berisi 7 kolom" in by_row[7] and "';'" in by_row[7]
    assert "kolom wajib 'pelaksana' kosong" in by_row[6] and "'satu', bukan nomor langkah" in by_row[6]
    assert "hanya jam tanpa tanggal" in by_row[8]
    result = read_logs([p])
    assert result.total_rows == 7 and result.blank_rows == 1
    assert len(result.rows) + len(result.problems) == result.total_rows


def test_quoted_fields_and_multiline_records_keep_physical_lines(tmp_path: Path) -> None:
    quoted = write(
        tmp_path / "q.csv",
        'kasus,langkah,pelaksana,mulai,selesai,output,catatan\n'
        'K1,1,"Kasi, Pemerintahan",2023-10-05 08:00,2023-10-05 09:00,"surat ""resmi""",\n'
        'K1,2,Kasi,2023-10-05 09:00,oops,"a,b,c",x\n'
        '"",,"",,,,\n',
    )
    frame, problems = both_engines(quoted)
    assert frame.select("actor", "output").rows() == [("Kasi, Pemerintahan", 'surat "resmi"')]
    assert [(p.row, "kolom 'selesai' berisi 'oops'" in p.message) for p in problems] == [(3, True)]
    assert read_logs([quoted]).blank_rows == 1
    multiline = write(
        tmp_path / "ml.csv",
        'kasus,langkah,pelaksana,mulai,selesai,output,catatan\n'
        'K1,1,Kasi,2023-10-05 08:00,2023-10-05 09:00,"baris satu\nbaris dua",x\n'
        "K1,2,Kasi,2023-10-05 09:00,2023-10-05 08:00,,\n",
    )
    frame, problems = both_engines(multiline)
    assert frame["output"].to_list() == ["baris satu\nbaris dua"]
    assert [p.row for p in problems] == [4]  # the record after a two-line record starts on line 4


def test_columnar_reader_really_runs_and_retries_other_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["kasus,langkah,pelaksana,mulai,selesai"]
    lines += [f"K{i},{i % 9 + 1},Kasi,2023-10-05 08:{i % 60:02d},2023-10-05 10:00" for i in range(600)]
    lines += ["K,1,Kasi,05/10/2023 08:00,05/10/2023 10:00", "K,Langkah 2,Kasi,05-10-2023 08.00,45204.5"]
    p = write(tmp_path / "many.csv", "\n".join(lines) + "\n")
    exact = read_csv_frame(p, engine="python")

    def no_fallback(*_a: object, **_k: object) -> None:
        raise AssertionError("the exact reader should not be needed here")

    monkeypatch.setattr(csvfile, "_read_csv_python", no_fallback)
    frame, problems = read_csv_frame(p)
    assert problems == [] and frame.height == 602
    assert frame.to_dicts() == exact[0].to_dicts()
    assert frame.tail(2).select("step", "start", "end").rows() == [
        (1, datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 10, 0)),
        (2, datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 12, 0)),
    ]
    cat, _ = read_csv_frame(p, categorical=True)
    assert cat.schema["actor"] == pl.Categorical
    assert cat.with_columns(pl.col(pl.Categorical).cast(pl.String)).to_dicts() == frame.to_dicts()


def test_missing_required_column_is_a_file_error(tmp_path: Path) -> None:
    p = write(tmp_path / "m.csv", "kasus;langkah;mulai;status\nK;1;05/10/2023 08:00;ok\n")
    with pytest.raises(LogFileError) as err:
        read_logs([p])
    message = str(err.value)
    assert str(p) in message and "kolom wajib 'pelaksana' tidak ada" in message
    assert "'status'" in message and "org:resource" in message


def test_not_utf8_names_the_byte_and_line(tmp_path: Path) -> None:
    text = "kasus,langkah,pelaksana,mulai\nK,1,Kasi,2023-10-05 08:00\nK,2,Jos\xe9,2023-10-05 09:00\n"
    p = write(tmp_path / "latin.csv", text, encoding="latin-1")
    offset = text.encode("latin-1").index(b"\xe9")
    for engine in ("auto", "python"):
        with pytest.raises(LogFileError) as err:
            read_csv_frame(p, engine=engine)
        assert f"byte 0xE9 di posisi byte {offset} (baris 3)" in str(err.value)
    utf16 = write(tmp_path / "u16.csv", "kasus,langkah,pelaksana,mulai\n", encoding="utf-16")
    with pytest.raises(LogFileError, match="UTF-16"):
        read_logs([utf16])


def test_unreadable_files_are_file_errors(tmp_path: Path) -> None:
    with pytest.raises(LogFileError, match="tidak ditemukan"):
        read_logs([tmp_path / "none.csv"])
    with pytest.raises(LogFileError, match="jenis '.xls' tidak dikenal"):
        read_logs([write(tmp_path / "old.xls", "x")])
    with pytest.raises(LogFileError, match="kepala tabel"):
        read_logs([write(tmp_path / "empty.csv", "\n\n")])
    header_only = read_logs([write(tmp_path / "h.csv", "kasus,langkah,pelaksana,mulai\n")])
    assert header_only.rows == [] and header_only.total_rows == 0


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "065-111"
    ws.append(["LOG KEGIATAN SOP 065/111"])  # a title block above the header
    ws.append([])
    ws.append(["Kasus", "Langkah", "Pelaksana", "Mulai", "Selesai", "Output", "Paraf"])
    ws.append(["Okt", 1, "Kasi", datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 9, 30), "dokumen", "x"])
    ws.append([None] * 7)  # blank
    ws.append(["Okt", 2.0, "Kasi", date(2023, 10, 6), time(10, 0), None, None])  # row 6: time only
    ws.append(["Okt", "3", "Kasi", "05/10/2023 13:00", 45204.625, None, None])
    second = wb.create_sheet("Lain")
    second.append(["sop", "kasus", "langkah", "pelaksana", "mulai", "selesai"])
    second.append(["065/112", "Nov", 1, "Camat", "2023-11-01 08:00", None])
    notes = wb.create_sheet("Petunjuk")
    notes.append(["Isi satu baris untuk setiap langkah"])
    wb.save(path)
    return path


def test_xlsx_sheets_cells_and_text_dates(tmp_path: Path) -> None:
    p = _workbook(tmp_path / "log.xlsx")
    result = read_logs([p])
    got = [(r.sheet, r.row, r.sop, r.case, r.step, r.start, r.end, r.output) for r in result.rows]
    assert got == [
        ("065-111", 4, None, "Okt", 1, datetime(2023, 10, 5, 8, 0), datetime(2023, 10, 5, 9, 30), "dokumen"),
        ("065-111", 7, None, "Okt", 3, datetime(2023, 10, 5, 13, 0), datetime(2023, 10, 5, 15, 0), ""),
        ("Lain", 2, "065/112", "Nov", 1, datetime(2023, 11, 1, 8, 0), None, ""),
    ]
    (problem,) = result.problems
    assert (problem.sheet, problem.row) == ("065-111", 6)
    assert "kolom 'selesai' berisi '10:00:00', hanya jam tanpa tanggal" in problem.message
    assert result.blank_rows == 1 and result.total_rows == 4
    assert result.ignored_columns[f"{p} › 065-111"] == ["Paraf"]
    assert any("'Petunjuk' dilewati" in n for n in result.notes)
    frames = read_frames([p])
    assert frames.frame["sheet"].cast(pl.String).to_list() == ["065-111", "065-111", "Lain"]


def test_truncated_or_fake_xlsx_is_a_file_error(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "ok.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(LogFileError, match="rusak atau terpotong"):
        read_logs([cut])
    fake = write(tmp_path / "fake.xlsx", "kasus,langkah\n")
    with pytest.raises(LogFileError, match="bukan berkas .xlsx"):
        read_logs([fake])
    nothing = tmp_path / "nothing.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["nama", "tanggal"])
    wb.save(nothing)
    with pytest.raises(LogFileError, match="tidak ada lembar yang memuat kolom wajib"):
        read_logs([nothing])
    assert zipfile.is_zipfile(tmp_path / "ok.xlsx")


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps({"case": "K1", "step": 1, "actor": "Kasi", "start": "2023-10-05T08:00:00", "end": "2023-10-05T09:00:00", "x": 1}),
        "",
        "{not json",
        json.dumps({"case": "K1", "step": "2", "actor": "Kasi", "start": "05/10/2023 09:00", "end": None, "output": "rekap"}),
        json.dumps(["K1", 3]),
        json.dumps({"case": "K1", "step": 4, "actor": "Kasi"}),
    ]
    p = write(tmp_path / "log.jsonl", "\n".join(lines) + "\n")
    result = read_logs([p])
    assert [(r.row, r.step, r.end, r.output) for r in result.rows] == [
        (1, 1, datetime(2023, 10, 5, 9, 0), ""),
        (4, 2, None, "rekap"),
    ]
    assert [p.row for p in result.problems] == [3, 5, 6]
    assert "bukan JSON yang sah" in result.problems[0].message
    assert "kolom wajib 'mulai' (start) kosong" in result.problems[2].message
    assert result.blank_rows == 1 and result.total_rows == 5
    assert result.ignored_columns == {str(p): ["x"]}


def test_many_files_in_one_result(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "kasus,langkah,pelaksana,mulai\nK,1,Kasi,2023-10-05 08:00\n")
    b = write(tmp_path / "b.csv", "kasus;langkah;pelaksana;mulai\nK;2;Kasi;05/10/2023 09:00\nK;x;Kasi;05/10/2023 09:00\n")
    result = read_frames([a, b])
    assert result.frame["file"].cast(pl.String).to_list() == [str(a), str(b)]
    assert [(p.file, p.row) for p in result.problems] == [(str(b), 3)]
    assert result.total_rows == 3


def test_utf8_scan_carries_sequences_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filecheck, "_UTF8_CHUNK", 5)
    good = write(tmp_path / "ok.csv", "kasus\nKecamatan Dawarblandong — é ü 漢字\n" * 3)
    filecheck._scan_utf8("ok.csv", good)  # no error: every split sequence is completed
    data = ("kasus\nSekcam é\n" * 2).encode() + b"ab\xc3(\n"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(data)
    with pytest.raises(LogFileError) as err:
        filecheck._scan_utf8("bad.csv", bad)
    offset = data.index(b"\xc3(")
    assert f"byte 0xC3 di posisi byte {offset} (baris 5)" in str(err.value)


@pytest.mark.parametrize(
    "body, path_taken",
    [
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\nOkt,2,Kasi,2023-10-05 09:00,2023-10-05 10:00\n", "plain"),
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\nOkt,2,Kasi,2023-10-05 09:00\n", "lines"),  # short row
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\n\nOkt,2,Kasi,2023-10-05 09:00,2023-10-05 10:00\n", "lines"),  # blank
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00,x\nOkt,2,Kasi,2023-10-05 09:00,2023-10-05 10:00\n", "lines"),  # long
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\nOkt,2,Kasi,2023-10-05 09:00,2023-10-05 10:00", "plain"),  # no final newline
        ("Okt,1,Kasi,2023-10-05 08:00,\nOkt,2,Kasi,,\n", "plain"),  # empty last fields are fields
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\r\nOkt,2,Kasi,2023-10-05 09:00,2023-10-05 10:00\r\n", "lines"),  # CR
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\r\nOkt,2,Kasi,2023-10-05 09:00\r\n", "lines"),  # CR and short
        ("\nOkt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\nOkt,2,Kasi,2023-10-05 09:00,2023-10-05 10:00\n", "lines"),  # blank first
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\nOkt,2,Kasi,2023-10-05 09:00,2023-10-05 10:00\n\n", "lines"),  # blank last
        # A blank line (one byte) beside a line short of one separator (one byte less): the
        # byte count adds up only if polars skipped the blank line; it makes a row of it.
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00\n\nOkt,2,Kasi,2023-10-05 09:00\n", "lines"),
    ],
)
def test_plain_csv_fast_path_only_when_the_byte_counts_prove_it(tmp_path: Path, monkeypatch, body: str, path_taken: str) -> None:
    """polars' own parser reads a quote-free file only when every line is one full record;
    otherwise the line reader takes over, and both agree with the exact reader."""
    from sopgen.conformance.readers import columnar

    taken = []
    original = columnar._read_csv_polars

    def spy(*args, **kwargs):
        taken.append("lines" if kwargs.get("lines") else "plain")
        return original(*args, **kwargs)

    monkeypatch.setattr(columnar, "_read_csv_polars", spy)
    p = write(tmp_path / "log.csv", "kasus,langkah,pelaksana,mulai,selesai\n" + body)
    frame, problems = both_engines(p)
    assert taken[-1] == path_taken
    assert frame.height + len(problems) == 2


@pytest.mark.parametrize(
    "body, trimmed_query, invalid_rows",
    [
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00,a,\nOkt,2,Kasi,2023-10-05 09:00,,,\n", False, []),
        # padded times and steps are flagged and read by _validate; no full re-read
        ("Okt, 1 ,Kasi, 2023-10-05 08:00 ,2023-10-05 09:00 ,a,\nOkt,2,Kasi,2023-10-05 09:00, ,,\n", False, []),
        # empty rows, one with nothing but an ignored column (invalid), one with a bad time
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00,a,\n,,,,,,\n,,,,,,x\n,,,,,, \nOkt,2,Kasi,kemarin,,,\n", False, [4, 6]),
        # padded or all-space texts: the trimming query
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00,a,\n , ,  , , ,\t,\nOkt,2,Kasi,kemarin,,,\n", True, [4]),
        ("Okt , 1,Kasi,2023-10-05 08:00,2023-10-05 09:00,a,\n", True, []),
        ("Okt,1,Kasi,2023-10-05 08:00,2023-10-05 09:00,a,\nOkt,2,  ,2023-10-05 09:00,,,\n", True, [3]),
    ],
)
def test_cells_as_written_agree_with_trimmed_cells(tmp_path: Path, monkeypatch, body: str, trimmed_query: bool, invalid_rows: list[int]) -> None:
    """`sopgen check` parses cells as written and trims only files that need it; either way
    rows, problems and blank rows are those of the exact reader."""
    used = trimming_queries(monkeypatch)
    p = write(tmp_path / "log.csv", "kasus,langkah,pelaksana,mulai,selesai,output,lain\n" + body)
    _frame, problems = both_engines(p)
    assert (True in used) == trimmed_query
    assert [pr.row for pr in problems] == invalid_rows


def test_a_step_number_too_large_to_keep_is_an_invalid_row(tmp_path: Path) -> None:
    p = write(
        tmp_path / "big.csv",
        "kasus,langkah,pelaksana,mulai\nK,1,Kasi,2023-10-05 08:00\nK,3000000000,Kasi,2023-10-05 09:00\nK,2147483647,Kasi,2023-10-05 09:00\n",
    )
    frame, problems = both_engines(p)
    assert frame["step"].to_list() == [1, 2147483647]  # an unknown step, for the checker to report
    assert [(pr.row, "'3000000000', bukan nomor langkah" in pr.message) for pr in problems] == [(3, True)]


def test_quoted_empty_texts_are_empty_cells(tmp_path: Path) -> None:
    """polars reads "" as an empty text: as-written, it must still be a missing cell."""
    p = write(
        tmp_path / "q.csv",
        'sop,kasus,langkah,pelaksana,mulai,selesai,output\n'
        '"065/111","K","1","Kasi","2023-10-05 08:00","2023-10-05 09:00","dokumen, rekap"\n'
        '"","K","2","Kasi","2023-10-05 09:00","",""\n'
        '"065/111","","3","Kasi","2023-10-05 09:00","2023-10-05 10:00","x"\n'
        '"065/111","K","4","","2023-10-05 10:00","",""\n',
    )
    frame, problems = both_engines(p)
    assert frame.select("sop", "step", "output").rows() == [("065/111", 1, "dokumen, rekap"), (None, 2, "")]
    assert [pr.row for pr in problems] == [4, 5]


@pytest.mark.parametrize("seed", range(12))
def test_random_cells_read_alike_by_every_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Cells padded, quoted, empty, all-space or wrong, in files with and without quotes:
    the columnar reader (as written or trimming) agrees with the exact reader."""
    import random

    rng = random.Random(seed)
    quoted = seed % 2 == 1
    sep = ";" if seed % 3 == 0 else ","
    variants = {
        "sop": ["065/111", " 065/111", "", "  "],
        "kasus": ["K1", "K2", " K1", "", "\t"],
        "langkah": ["1", "2", " 3", "4.0", "Langkah 5", "", "x", "0"],
        "pelaksana": ["Kasi", "Kasi ", "", "Kepala Seksi"],
        "mulai": ["2023-10-05 08:00", " 2023-10-05 09:00", "05/10/2023 08:30", "", "besok"],
        "selesai": ["2023-10-05 10:00", "", " ", "2023-10-05 07:00", "45204.5"],
        "output": ["dokumen", "", " rekap", "dokumen; rekap"],
    }
    if seed < 6:  # texts without spaces around them: the as-written query's own files
        for col in ("sop", "kasus", "pelaksana", "output"):
            variants[col] = [v for v in variants[col] if v == v.strip()]
    lines = [sep.join(variants)]
    for _ in range(30):
        cells = [rng.choice(v) if rng.random() < 0.35 else v[0] for v in variants.values()]
        if rng.random() < 0.05:
            cells = [""] * len(cells)
        if quoted:
            cells = [f'"{c}"' if rng.random() < 0.5 else c for c in cells]
        lines.append(sep.join(c if quoted or sep not in c else c.replace(sep, " ") for c in cells))
    used = trimming_queries(monkeypatch)
    both_engines(write(tmp_path / "r.csv", "\n".join(lines) + "\n"))
    assert (True not in used) == (seed < 6)
