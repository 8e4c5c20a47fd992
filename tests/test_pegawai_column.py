"""Issue #9: the log template's `pegawai` column (from pegawai.csv) and how `check` reads it.

The template offers positions under `pelaksana` and people under `pegawai`; a person of
pegawai.csv is judged by that person's position and counted in the per-person table; a name
pegawai.csv lacks leaves the row to its pelaksana (and a note names it). Logs are made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopgen.conformance.engine import check_logs

from test_check import HEADER, OUT, REF, WHO, clean_case, load, project_dir, write_csv  # noqa: F401 (shared fixture)

PEOPLE = "nama;nip;pelaksana\nBudi Santoso;19800101 200501 1 001;kasubag-umpeg\nSiti Aminah;;Kasi\n"
WITH_PEGAWAI = (*HEADER[:4], "pegawai", *HEADER[4:])


def check(root: Path, *logs: Path):
    project, sops = load(root)
    result = check_logs(project, sops, list(logs))
    assert result.accounting.balanced
    return result


def with_person(rows: list[tuple], people: dict[int, tuple[str, str]]) -> list[tuple]:
    """Rows with a pegawai cell; people: step -> (pelaksana, pegawai) written instead."""
    out = []
    for r in rows:
        actor, person = people.get(r[2], (r[3], ""))
        out.append((*r[:3], actor, person, *r[4:]))
    return out


def test_the_template_has_a_pegawai_column_with_the_people(project_dir: Path) -> None:
    import openpyxl

    from sopgen.conformance.logtemplate import write_log_template
    from sopgen.conformance.people import load_people

    (project_dir / "pegawai.csv").write_text(PEOPLE, encoding="utf-8")
    project, sops = load(project_dir)
    path = project_dir / "templat.xlsx"
    write_log_template(sops, path, rows=5, people=load_people(project_dir))
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[0]]
    assert [c.value for c in ws[3]] == ["sop", "kasus", "langkah", "pelaksana", "pegawai", "mulai", "selesai", "output", "catatan"]
    lists = {str(dv.sqref)[0]: (dv.formula1, dv.errorStyle) for dv in ws.data_validations.dataValidation}
    assert lists["D"] == ("'daftar'!$C$2:$C$8", "warning") and lists["E"] == ("'daftar'!$D$2:$D$3", "warning")
    daftar = wb["daftar"]
    positions = [c.value for c in daftar["C"][1:] if c.value]
    assert "Kasi" in positions and "Budi Santoso" not in positions  # people have their own list
    assert [c.value for c in daftar["D"][1:] if c.value] == ["Budi Santoso", "Siti Aminah"]
    # Without pegawai.csv the template is as before: no pegawai column.
    write_log_template(sops, path, rows=5)
    ws = openpyxl.load_workbook(path)[openpyxl.load_workbook(path).sheetnames[0]]
    assert "pegawai" not in [c.value for c in ws[3]]


def test_check_reads_the_pegawai_column_of_a_filled_template(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from sopgen.conformance.logtemplate import write_log_template
    from sopgen.conformance.people import load_people

    monkeypatch.chdir(project_dir)
    (project_dir / "pegawai.csv").write_text(PEOPLE, encoding="utf-8")
    project, sops = load(project_dir)
    path = project_dir / "log.xlsx"
    write_log_template([s for s in sops if s.nomor == REF], path, rows=20, people=load_people(project_dir))
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[0]]
    rows = [
        *with_person(clean_case("A"), {5: (WHO[5], "Budi Santoso"), 4: ("", "Siti Aminah")}),  # rows 4-9
        *with_person(clean_case("B"), {5: ("", "Budi Santoso"), 4: ("Kasi", "Joko")}),  # rows 10-15
        *with_person(clean_case("C"), {4: ("Kasi", "Budi Santoso")}),  # row 19: Budi is no Kasi
    ]
    rows.append((REF, "D", 1, "", "", "2023-10-02 08:00", "2023-10-02 08:05", OUT[1], ""))  # row 22: nobody
    for r, values in enumerate(rows, 4):
        for c, v in enumerate(values, 1):
            ws.cell(row=r, column=c).value = v if v != "" else None
    wb.save(path)
    result = check(project_dir, Path("log.xlsx"))
    sheet = wb.sheetnames[0]
    assert [(f.sheet, f.row, f.kind, f.case, f.step) for f in result.findings] == [
        (sheet, 19, "wrong_actor", "C", 4),
        (sheet, 22, "invalid_row", None, None),
    ]
    assert result.findings[0].message.startswith("langkah 4 dikerjakan oleh 'Budi Santoso', padahal pelaksananya 'Kasi'")
    assert result.findings[1].message == "kolom wajib 'pelaksana' kosong; isi nilainya atau hapus baris ini"
    people = {p["name"]: (p["rows"], p["violations"]) for p in result.summary["people"]}
    assert people == {"Budi Santoso": (3, 1), "Siti Aminah": (1, 0)}
    assert result.summary["unrecognized_actors"] == []
    assert f"log.xlsx › {sheet}" not in " ".join(result.notes)  # notes name the file
    assert (
        "log.xlsx: kolom pegawai berisi nama yang tidak ada di pegawai.csv: 'Joko' (1 baris); baris itu dinilai menurut "
        "kolom pelaksana. Tambahkan mereka ke pegawai.csv (nama;nip;pelaksana) agar masuk tabel per pegawai"
    ) in result.notes


def test_a_pegawai_column_without_pegawai_csv(project_dir: Path) -> None:
    rows = with_person(clean_case("A"), {4: ("Kasi", "Siti"), 5: ("", "Budi")})
    result = check(project_dir, write_csv(project_dir / "log.csv", rows, header=WITH_PEGAWAI))
    # The pelaksana decides; an empty one leaves the person's name as the actor (not recognised).
    assert [(f.row, f.kind) for f in result.findings] == [(6, "wrong_actor")]
    assert [e["name"] for e in result.summary["unrecognized_actors"]] == ["Budi"]
    assert any("kolom pegawai berisi nama yang tidak ada di pegawai.csv: 'Siti' (1 baris)" in n for n in result.notes)
    assert result.summary["people"] == []


def test_both_readers_read_the_pegawai_column_alike(project_dir: Path) -> None:
    from sopgen.conformance.readers import read_frames

    rows = with_person(clean_case("A"), {4: ("", "Siti"), 5: ("Kasi", " Budi ")})
    plain = write_csv(project_dir / "a.csv", rows, header=WITH_PEGAWAI)
    rows[0] = (*rows[0][:8], "dua\nbaris")  # a quoted line break: the exact reader
    exact = write_csv(project_dir / "b.csv", rows, header=WITH_PEGAWAI)
    for path in (plain, exact):
        frame = read_frames([path]).frame
        assert frame["actor"].to_list()[3:5] == ["Siti", "Kasi"]
        assert frame["person"].to_list()[3:5] == ["Siti", "Budi"]
