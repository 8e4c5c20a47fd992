"""Hostile and careless logs (issue 13): tiny files that claim huge sheets, cells of hundreds
of KB, quotes never closed, years like -2024, numbers of thousands of digits. Each becomes an
invalid row or a file error naming the file, the row or cell and the `[batas]` key; none is
a traceback, a silent loss of rows, or memory spent on what a file only claims.

Every hostile file is made here, in code.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopfactory import make_project
from sopgen.cli import main
from sopgen.conformance.engine import check_logs
from sopgen.conformance.readers import LogFileError, read_csv_frame, read_logs
from sopgen.source.limits import Limits
from sopgen.source.project import load_project
from sopgen.source.validate import validate

HEADER = "sop,kasus,langkah,pelaksana,mulai,selesai,output,catatan"
REF = "065/111/416-317/2023"
NAMES = HEADER.split(",")


def good_row(i: int, note: str = "") -> str:
    return f"{REF},K{i},1,Kasubag PK,2023-10-02 08:00,2023-10-02 08:05,dokumen format data,{note}"


def xlsx(
    path: Path, sheet_xml: str, extra: dict[str, bytes] | None = None, sheet_name: str = "Log", *, target: str = "worksheets/sheet1.xml", quote: str = '"'
) -> Path:
    """A minimal workbook written by hand, so a test can put any XML in a sheet. target: the
    sheet's relationship target (its member follows it as calamine resolves it); quote: the
    quote of the workbook's and relationships' attributes (XML allows ' as well as ")."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships {rel_ns}><Relationship Id="rId1" Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        q = quote
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {ns} xmlns:r="{office}"><sheets><sheet name={q}{sheet_name}{q} sheetId={q}1{q} r:id={q}rId1{q}/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships {rel_ns}><Relationship Id={q}rId1{q} Type={q}{office}/worksheet{q} Target={q}{target}{q}/></Relationships>',
        )
        member = target.lstrip("/") if target.startswith("/") or target.startswith("xl/") else "xl/" + target
        z.writestr(member, f'<?xml version="1.0"?><worksheet {ns}><sheetData>{sheet_xml}</sheetData></worksheet>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return '<row r="1">' + "".join(cell(f"{c}1", n) for c, n in zip("ABCDEFGH", NAMES)) + "</row>"


def data_row(r: int) -> str:
    values = [REF, f"K{r}", "1", "Kasubag PK", "2023-10-02 08:00", "2023-10-02 08:05", "dokumen format data", ""]
    return f'<row r="{r}">' + "".join(cell(f"{c}{r}", v) for c, v in zip("ABCDEFGH", values)) + "</row>"


# -- xlsx: what a sheet claims is checked before calamine sees it --------------------------------


def test_one_cell_at_xfd1048576_is_refused_naming_sheet_and_cell(tmp_path: Path) -> None:
    p = xlsx(tmp_path / "far.xlsx", header_row() + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>")
    assert p.stat().st_size < 4096
    with pytest.raises(LogFileError) as err:
        read_logs([p])
    assert "lembar 'Log' sel XFD1048576" in err.value.message and "`kolom`" in err.value.message


FAR_ROW = '<row r="1048576">' + cell("XFD1048576", "x") + "</row>"


@pytest.mark.parametrize(
    ("sheet_xml", "options"),
    [
        (FAR_ROW.replace('"', "'"), {}),  # XML allows single quotes around attributes
        (FAR_ROW.replace(' r="', ' r = "'), {}),  # and spaces around '='
        (FAR_ROW.replace("XFD", "xfd"), {}),  # calamine reads lower-case column letters
        (FAR_ROW, {"quote": "'"}),  # the workbook and its relationships in single quotes
        (FAR_ROW, {"target": "xl/worksheets/sheet1.xml"}),  # a target calamine resolves from the root
        (FAR_ROW, {"target": "/xl/worksheets/../worksheets/sheet1.xml"}),
        (FAR_ROW, {"target": "lembar/satu"}),  # a sheet member with no .xml
    ],
    ids=["single-quotes", "spaces-around-equals", "lower-case", "workbook-single-quotes", "target-from-root", "target-dotdot", "no-xml-suffix"],
)
def test_a_far_cell_is_found_however_the_xml_spells_it(tmp_path: Path, sheet_xml: str, options: dict) -> None:
    """calamine reads each of these sheets (a 1.5 KB file made it allocate for 17 billion
    cells and abort the process); the scan must see them as calamine does, so the inspector
    (not calamine) is asked."""
    from sopgen.conformance.readers.bounds import Bounds
    from sopgen.conformance.readers.xlsxscan import XlsxInspector

    p = xlsx(tmp_path / "far.xlsx", header_row() + sheet_xml, **options)
    assert p.stat().st_size < 4096
    with pytest.raises(LogFileError) as err:
        XlsxInspector("far.xlsx", p, Bounds.of(None)).inspect()
    assert "XFD1048576" in err.value.message.upper() and "`kolom`" in err.value.message


def test_a_workbook_part_too_big_to_read_is_refused_not_skipped(tmp_path: Path) -> None:
    """The sheets are found through xl/workbook.xml; one padded past what the scan reads
    (16 MB of incompressible comment) hid them all from it."""
    import random
    from sopgen.conformance.readers.bounds import Bounds
    from sopgen.conformance.readers.xlsxscan import XlsxInspector

    p = xlsx(tmp_path / "far.xlsx", header_row() + FAR_ROW)
    data = {n: zipfile.ZipFile(p).read(n) for n in zipfile.ZipFile(p).namelist()}
    pad = "".join(random.Random(7).choices("abcdefghijklmnopqrstuvwxyz", k=(16 << 20) + 10)).encode()
    data["xl/workbook.xml"] = data["xl/workbook.xml"].replace(b"<sheets>", b"<!--" + pad + b"--><sheets>")
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in data.items():
            z.writestr(n, d)
    with pytest.raises(LogFileError, match="xl/workbook.xml"):
        XlsxInspector("far.xlsx", p, Bounds.of(None)).inspect()


def test_a_far_row_in_few_columns_is_refused_as_sparse(tmp_path: Path) -> None:
    p = xlsx(tmp_path / "far.xlsx", header_row() + data_row(2) + '<row r="1048576">' + cell("H1048576", "x") + "</row>")
    with pytest.raises(LogFileError, match="sel H1048576 berada jauh di luar data"):
        read_logs([p])


def test_a_claimed_dimension_alone_costs_nothing(tmp_path: Path) -> None:
    p = xlsx(tmp_path / "dim.xlsx", header_row() + data_row(2))
    data = {n: zipfile.ZipFile(p).read(n) for n in zipfile.ZipFile(p).namelist()}
    data["xl/worksheets/sheet1.xml"] = data["xl/worksheets/sheet1.xml"].replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in data.items():
            z.writestr(n, d)
    assert [r.row for r in read_logs([p]).rows] == [2]


def test_an_oversized_cell_is_refused_naming_the_cell_and_sel_kb(tmp_path: Path) -> None:
    p = xlsx(tmp_path / "big.xlsx", header_row() + data_row(2) + '<row r="3">' + cell("H3", "x" * 10_000) + "</row>")
    with pytest.raises(LogFileError) as err:
        read_logs([p], limits=Limits(sel_kb=4))
    assert "lembar 'Log'" in err.value.message and "H3" in err.value.message and "`sel_kb`" in err.value.message
    assert len(read_logs([p]).rows) == 1  # within the default 64 KB


def test_a_member_that_unpacks_a_thousandfold_is_refused(tmp_path: Path) -> None:
    bomb = header_row() + data_row(2) + '<row r="3">' + cell("H3", "a" * (20 << 20)) + "</row>"
    p = xlsx(tmp_path / "bomb.xlsx", bomb)
    assert p.stat().st_size < 200_000
    with pytest.raises(LogFileError, match="mengembang"):
        read_logs([p])


def test_a_huge_shared_string_is_refused(tmp_path: Path) -> None:
    sst = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + "y" * 9000 + "</t></si></sst>"
    p = xlsx(tmp_path / "sst.xlsx", header_row() + data_row(2) + '<row r="3"><c r="H3" t="s"><v>0</v></c></row>', {"xl/sharedStrings.xml": sst.encode()})
    with pytest.raises(LogFileError, match="sharedStrings"):
        read_logs([p], limits=Limits(sel_kb=4))


def test_rows_per_sheet_and_file_size_limits(tmp_path: Path) -> None:
    p = xlsx(tmp_path / "rows.xlsx", header_row() + "".join(data_row(r) for r in range(2, 8)))
    with pytest.raises(LogFileError, match="lebih dari 3 baris.*`baris`"):
        read_logs([p], limits=Limits(baris=3))
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text(HEADER + "\n" + "\n".join(good_row(i) for i in range(6)) + "\n")
    for engine in ("auto", "python"):
        with pytest.raises(LogFileError, match="`baris`"):
            read_csv_frame(csv_file, engine=engine, limits=Limits(baris=3))
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "\n" + good_row(1, "x" * 60) + "\n" * (1 << 20))
    with pytest.raises(LogFileError, match="lebih dari batas 1 MB.*`log_mb`"):
        read_logs([big], limits=Limits(log_mb=1))


def test_an_xlsx_sheet_longer_than_excel_allows_is_refused_even_with_a_raised_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 5M-row "xlsx" cost 7.5 GB through calamine; Excel itself stops at 1,048,576 rows, so a
    longer sheet was made by something else and belongs in CSV. The scan counts rows on the
    XML, before calamine allocates anything (the count is lowered here to keep the file small)."""
    from sopgen.conformance.readers import xlsxscan

    assert xlsxscan.EXCEL_MAX_ROWS == 1_048_576
    p = xlsx(tmp_path / "panjang.xlsx", header_row() + "".join(data_row(r) for r in range(2, 12)))
    monkeypatch.setattr(xlsxscan, "EXCEL_MAX_ROWS", 5)
    with pytest.raises(LogFileError, match="lebih dari 5 baris, lebih dari yang dapat disimpan Excel.*CSV"):
        read_logs([p], limits=Limits(baris=50_000_000))


# -- CSV: every row accounted for ---------------------------------------------------------------


def project(tmp_path: Path):
    root = make_project(tmp_path / "proyek", {}, reference=True)
    result = validate(None, project=load_project(root)[0])
    return result.project, result.sops


@pytest.mark.parametrize("engine", ["auto", "python"])
def test_an_unclosed_quote_is_named_and_hides_no_row(tmp_path: Path, engine: str) -> None:
    rows = [good_row(i) for i in range(1, 13)]
    rows[2] = good_row(3, '"tidak ditutup')
    p = tmp_path / "quote.csv"
    p.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    frame, problems = read_csv_frame(p, engine=engine)
    assert frame.height == 11
    (problem,) = problems
    assert problem.row == 4 and "tidak pernah ditutup" in problem.message and "9 baris" in problem.message


def test_an_unclosed_quote_in_check_keeps_the_accounting(tmp_path: Path) -> None:
    rows = [good_row(i) for i in range(1, 13)]
    rows[2] = good_row(3, '"tidak ditutup')
    p = tmp_path / "quote.csv"
    p.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    proj, sops = project(tmp_path)
    result = check_logs(proj, sops, [p])
    acc = result.accounting
    assert acc.data_rows == 12 and acc.invalid == 1 and acc.checked == 11 and acc.balanced


@pytest.mark.parametrize("engine", ["auto", "python"])
def test_a_140_kb_note_is_an_invalid_row(tmp_path: Path, engine: str) -> None:
    p = tmp_path / "note.csv"
    p.write_text("\n".join([HEADER, good_row(1), good_row(2, '"' + "x" * 140_000 + '"'), good_row(3, "ok")]) + "\n")
    frame, problems = read_csv_frame(p, engine=engine)
    assert frame["row"].to_list() == [2, 4]
    (problem,) = problems
    assert problem.row == 3 and "lebih dari batas 64 KB" in problem.message and "`sel_kb`" in problem.message


def test_a_header_of_100k_columns_is_a_file_error(tmp_path: Path) -> None:
    p = tmp_path / "wide.csv"
    p.write_text(HEADER + ",x" * 100_000 + "\n" + good_row(1) + "\n")
    with pytest.raises(LogFileError, match="100008 kolom.*`kolom`"):
        read_logs([p])


@pytest.mark.parametrize("engine", ["auto", "python"])
def test_years_out_of_range_are_invalid_rows(tmp_path: Path, engine: str) -> None:
    body = [HEADER, good_row(1), good_row(2).replace("2023-10-02 08:00", "-2024-10-02 08:00"), good_row(3).replace("2023-10-02 08:05", "9999-12-31 23:59")]
    p = tmp_path / "years.csv"
    p.write_text("\n".join(body) + "\n")
    frame, problems = read_csv_frame(p, engine=engine)
    assert frame["row"].to_list() == [2]
    assert [pr.row for pr in problems] == [3, 4]
    assert all("di luar 01/01/1990 sampai" in pr.message and "periksa tahunnya" in pr.message for pr in problems)


def test_a_log_whose_every_date_is_wrong_is_worded_row_by_row_but_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of dates in a form no reader takes (or a year typed wrong in every row) makes
    every row invalid: each still gets its own message, but the texts are read in one query
    per file, not one query per row (which took 2 ms a row: half an hour for a million)."""
    from sopgen.conformance.readers import validate as validate_module

    calls: list[int] = []
    real = validate_module.read_as

    def counting(texts, timezone, month_first=False):
        calls.append(len(texts))
        return real(texts, timezone, month_first)

    monkeypatch.setattr(validate_module, "read_as", counting)
    rows = [good_row(i).replace("2023-10-02 08:00", f"2023-10-02x 08:{i % 60:02d}") for i in range(1, 301)]
    rows += [good_row(i).replace("2023-10-02 08:00", "02/10/2203 08:00") for i in range(301, 401)]
    p = tmp_path / "dates.csv"
    p.write_text("\n".join([HEADER, *rows]) + "\n")
    for engine in ("auto", "python"):
        calls.clear()
        frame, problems = read_csv_frame(p, engine=engine)
        assert frame.height == 0 and [pr.row for pr in problems] == list(range(2, 402))
        assert len(calls) == 1 and calls[0] == 400  # every unread text, in one call
        assert problems[0].message.startswith("kolom 'mulai' berisi '2023-10-02x 08:01', bukan tanggal-waktu yang sah;")
        assert problems[-1].message.startswith("kolom 'mulai' berisi '02/10/2203 08:00', dibaca 02/10/2203, di luar 01/01/1990 sampai ")
        assert problems[-1].message.endswith("periksa tahunnya")


# -- JSONL --------------------------------------------------------------------------------------


def test_jsonl_huge_numbers_deep_nesting_and_long_lines_are_invalid_rows(tmp_path: Path) -> None:
    base = {"kasus": "A", "langkah": 1, "pelaksana": "Kasi", "mulai": "2023-10-02 08:00"}
    lines = [
        json.dumps(base),
        json.dumps(base)[:-1] + ', "catatan": ' + "9" * 5000 + "}",
        json.dumps(base)[:-1] + ', "catatan": ' + "[" * 5000 + "]" * 5000 + "}",
        json.dumps(base)[:-1] + ', "catatan": ' + "[" * 40 + "]" * 40 + "}",
        json.dumps({**base, "catatan": "z" * 100_000}),
        json.dumps({**base, "catatan": "1e999999"}),
    ]
    p = tmp_path / "log.jsonl"
    p.write_text("\n".join(lines) + "\n")
    result = read_logs([p])
    assert [r.row for r in result.rows] == [1, 6]
    messages = {pr.row: pr.message for pr in result.problems}
    assert "5000 digit" in messages[2]
    assert "lebih dari 32 tingkat" in messages[3] and "lebih dari 32 tingkat" in messages[4]
    assert "`sel_kb`" in messages[5]
    assert result.total_rows == 6


def test_a_jsonl_line_longer_than_a_row_may_be_is_skipped_unread(tmp_path: Path) -> None:
    base = {"kasus": "A", "langkah": 1, "pelaksana": "Kasi", "mulai": "2023-10-02 08:00"}
    p = tmp_path / "long.jsonl"
    p.write_text(json.dumps(base) + "\n" + json.dumps({**base, "catatan": "q" * 100_000}) + "\n" + json.dumps(base) + "\n")
    result = read_logs([p], limits=Limits(sel_kb=1, kolom=5))
    assert [r.row for r in result.rows] == [1, 3]
    (problem,) = result.problems
    assert problem.row == 2 and "lebih panjang dari 5 KB" in problem.message and "`sel_kb`" in problem.message


# -- the command: a report and an exit code, never a traceback -----------------------------------


def test_check_command_reports_every_hostile_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "proyek", {}, reference=True)
    monkeypatch.chdir(root)
    xlsx(root / "far.xlsx", header_row() + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>")
    (root / "years.csv").write_text(HEADER + "\n" + good_row(1).replace("2023", "-2024", 1) + "\n" + good_row(2) + "\n")
    (root / "esc.csv").write_text(HEADER + "\n" + good_row(1, "\x1b]0;judul\x07") + "\n")
    result = CliRunner().invoke(main, ["check", "far.xlsx", "years.csv", "esc.csv"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1
    out = result.output
    assert "XFD1048576" in out and "Traceback" not in out
    assert "\x1b" not in out and "\x07" not in out


# -- control characters: a row that holds one is an invalid row, output is escaped ---------------


def test_control_characters_in_cells_are_invalid_rows_in_every_format(tmp_path: Path) -> None:
    csv_file = tmp_path / "esc.csv"
    csv_file.write_text("\n".join([HEADER, good_row(1), good_row(2, "\x1b]0;judul\x07"), good_row(3).replace("K3", "K3\u202e")]) + "\n")
    jsonl = tmp_path / "esc.jsonl"
    base = {"kasus": "A", "langkah": 1, "pelaksana": "Kasi", "mulai": "2023-10-02 08:00"}
    jsonl.write_text(json.dumps(base) + "\n" + json.dumps({**base, "pelaksana": "Ka\x08si"}) + "\n")
    book = xlsx(tmp_path / "esc.xlsx", header_row() + data_row(2) + data_row(3).replace("K3", "K3&#x1b;[2J"))
    for engine in ("auto", "python"):
        frame, problems = read_csv_frame(csv_file, engine=engine)
        assert frame["row"].to_list() == [2], engine
    result = read_logs([csv_file, jsonl, book])
    got = [(Path(p.file).name, p.row, p.message.split(" (")[0]) for p in result.problems]
    assert got == [
        ("esc.csv", 3, "kolom catatan berisi karakter kendali U+001B"),
        ("esc.csv", 4, "kolom kasus berisi karakter kendali U+202E"),
        ("esc.jsonl", 2, "kolom pelaksana berisi karakter kendali U+0008"),
        ("esc.xlsx", 3, "kolom kasus berisi karakter kendali U+001B"),
    ]
    assert len(result.rows) == 3 and result.total_rows == 7


def test_text_report_and_messages_escape_control_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "proyek", {}, reference=True)
    monkeypatch.chdir(root)
    name = "log\x1b[2J.csv"
    (root / name).write_text(HEADER + "\n" + good_row(1).replace("2023-10-02 08:00", "\x1b]0;x\x07") + "\n" + "kasus\n")
    (root / "bad\x1b[31m.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    result = CliRunner().invoke(main, ["check", name, "bad\x1b[31m.xlsx"])
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "log\\x1b[2J.csv" in result.output


def _sops(tmp_path: Path):
    import dataclasses

    proj, sops = project(tmp_path)
    sop = sops[0]
    actors = tuple(dataclasses.replace(a, nama=a.nama + "\x1b[1m\x00") for a in sop.pelaksana)
    return proj, [dataclasses.replace(sop, nama=sop.nama + "\x07", nomor=sop.nomor + "\x0b", pelaksana=actors)]


def test_log_template_leaves_control_characters_out(tmp_path: Path) -> None:
    import openpyxl

    from sopgen.conformance.logtemplate import write_log_template

    _, sops = _sops(tmp_path)
    target = tmp_path / "t.xlsx"
    write_log_template(sops, target, rows=5)
    wb = openpyxl.load_workbook(target)
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert texts and not any(ch in t for t in texts for ch in "\x1b\x00\x07\x0b")


def test_log_template_is_written_atomically_and_never_over_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import openpyxl

    root = make_project(tmp_path / "proyek", {}, reference=True)
    monkeypatch.chdir(root)
    runner = CliRunner()
    assert runner.invoke(main, ["log-template", "-o", "t.xlsx"]).exit_code == 0
    before = (root / "t.xlsx").read_bytes()

    def full_disk(self, target):
        target.write(b"PK\x03\x04 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", full_disk)
    res = runner.invoke(main, ["log-template", "-o", "t.xlsx", "--force"])
    assert res.exit_code == 1 and "No space left" in res.output
    assert (root / "t.xlsx").read_bytes() == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".t.xlsx")] == []
    monkeypatch.undo()
    monkeypatch.chdir(root)
    (root / "sops" / "x.xlsx").symlink_to(root / "sopgen.toml")
    res = runner.invoke(main, ["log-template", "-o", "sops/x.xlsx", "--force"])
    assert res.exit_code == 2 and "masukan" in res.output


# -- time zones with daylight saving time ----------------------------------------------------------


def dst_project(tmp_path: Path, zone: str = "America/New_York"):
    root = make_project(tmp_path / "proyek", {}, reference=True)
    config = (root / "sopgen.toml").read_text(encoding="utf-8") + f'\n[kalender]\nzona_waktu = "{zone}"\n'
    (root / "sopgen.toml").write_text(config, encoding="utf-8")
    result = validate(None, project=load_project(root)[0])
    assert not result.errors and result.project.config.calendar.zona_waktu == zone
    return result.project, result.sops


def _dst_log(path: Path, pairs: list[tuple[str, str]]) -> Path:
    lines = [HEADER] + [f"{REF},K{i},1,Kasubag PK,{a},{b},dokumen format data," for i, (a, b) in enumerate(pairs, 1)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("engine_rows", [1, 300])  # a few rows: the exact path; many: the columnar path too
def test_zoned_times_across_dst_are_read_as_written_and_elapsed_is_exact(tmp_path: Path, engine_rows: int) -> None:
    proj, sops = dst_project(tmp_path)
    pairs = [
        ("2024-03-10T01:30:00-05:00", "2024-03-10T03:30:00-04:00"),  # spring forward: 60 minutes
        ("2024-11-03T01:50:00-04:00", "2024-11-03T01:10:00-05:00"),  # fall back: 20 minutes
        ("2024-03-10 01:30 America/New_York", "2024-03-10T04:00:00[America/New_York]"),  # named zone: 90 minutes
        ("2024-07-01 09:00", "2024-07-01 09:45"),  # plain wall clock: 45 minutes
    ]
    pairs += [("2024-07-02 09:00", "2024-07-02 09:05")] * (engine_rows - 1)
    log = _dst_log(tmp_path / "dst.csv", pairs)
    result = check_logs(proj, sops, [log], elapsed=True)
    assert [f.message for f in result.findings if f.kind == "invalid_row"] == []
    from sopgen.conformance.readers import read_frames

    frame = read_frames([log], proj.config.calendar.zona_waktu).frame
    assert frame["start"][0].hour == 1 and frame["end"][0].hour == 3  # wall clock as written
    minutes = {f.row: f.minutes for f in result.findings if f.kind == "time_exceeded"}
    # step 1's standard is 5 minutes: each of the four rows is late by its exact duration
    assert (minutes[2], minutes[3], minutes[4], minutes[5]) == (60, 20, 90, 45)


def test_dst_zone_still_refuses_an_end_truly_before_its_start(tmp_path: Path) -> None:
    proj, sops = dst_project(tmp_path, "Europe/Berlin")
    log = _dst_log(tmp_path / "dst.csv", [("2024-10-27 02:50", "2024-10-27 02:10"), ("2024-10-27 05:50", "2024-10-27 05:10")])
    result = check_logs(proj, sops, [log], elapsed=True)
    invalid = [f.row for f in result.findings if f.kind == "invalid_row"]
    assert invalid == [3]  # 02:50 then 02:10 fits the repeated hour; 05:50 then 05:10 does not
    assert [f.minutes for f in result.findings if f.kind == "time_exceeded"] == [20]


def test_entities_declared_in_a_sheet_are_never_expanded(tmp_path: Path) -> None:
    p = xlsx(tmp_path / "lol.xlsx", header_row() + '<row r="2">' + cell("A2", "&lol9;") + "</row>")
    data = {n: zipfile.ZipFile(p).read(n) for n in zipfile.ZipFile(p).namelist()}
    laughs = '<!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)) + "]>"
    data["xl/worksheets/sheet1.xml"] = data["xl/worksheets/sheet1.xml"].replace(b"?>", b"?>" + laughs.encode(), 1)
    with zipfile.ZipFile(p, "w") as z:
        for n, d in data.items():
            z.writestr(n, d)
    with pytest.raises(LogFileError, match="rusak"):
        read_logs([p])


def test_cells_without_references_or_with_them_last_are_placed_as_calamine_does(tmp_path: Path) -> None:
    far = xlsx(tmp_path / "noref.xlsx", header_row() + data_row(2) + '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>')
    with pytest.raises(LogFileError, match="sel A1048576 berada jauh di luar data"):
        read_logs([far])
    late = xlsx(tmp_path / "late.xlsx", header_row() + '<row r="2"><c t="inlineStr" r="XFD2"><is><t>x</t></is></c></row>')
    with pytest.raises(LogFileError, match="sel XFD2"):
        read_logs([late])
    styled = xlsx(tmp_path / "styled.xlsx", header_row() + data_row(2) + '<row r="1048576"><c r="H1048576" s="1"/></row>')
    assert [r.row for r in read_logs([styled]).rows] == [2]  # an empty styled cell is no extent


# -- file names: a name is a name, never a pattern ------------------------------------------------


@pytest.mark.parametrize("name", ["log[1].csv", "log*.csv", "log?.csv", "log[1].parquet", "log*.parquet"])
def test_a_file_name_with_pattern_characters_reads_that_file(tmp_path: Path, name: str) -> None:
    """'log[1].csv' is that file: not the pattern polars would expand to 'log1.csv' (or to no
    file at all, and so to no rows), whatever else lies beside it."""
    import polars as pl

    rows = [good_row(i) for i in range(5)]
    decoy = [good_row(100 + i) for i in range(2)]
    suffix = Path(name).suffix
    for target, body in ((tmp_path / name, rows), (tmp_path / f"log1{suffix}", decoy)):
        text = HEADER + "\n" + "\n".join(body) + "\n"
        if suffix == ".csv":
            target.write_text(text, encoding="utf-8")
        else:
            pl.read_csv(text.encode(), infer_schema=False).write_parquet(target)
    result = read_logs([tmp_path / name])
    assert sorted(r.case for r in result.rows) == [f"K{i}" for i in range(5)] and not result.problems
