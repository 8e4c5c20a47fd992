"""The conformance engine on hand-built logs whose answers are known, finding by finding."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from sopfactory import make_project, sop_yaml
from sopgen.conformance.engine import CheckError, Flow, check_logs, output_matches, select_sops
from sopgen.cli import main
from sopgen.source.project import load_project
from sopgen.source.validate import validate

REF = "065/111/416-317/2023"
HEADER = ("sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan")
OUT = {
    1: "dokumen format data",
    2: "dokumen format data",
    3: "dokumen format data",
    4: "dokumen",
    5: "rekap dokumen",
    6: "rekap hasil capaian pengumpulan data kinerja bulanan",
}
WHO = {
    1: "Kasubag PK",
    2: "Kasubag Penyusunan Program dan Keuangan",
    3: "kasubag-ppk-umpeg",
    4: "Kasi",
    5: "Kepala Sub Bagian Umum dan Kepegawaian",
    6: "Kasubag Perencanaan dan Keuangan",
}


@pytest.fixture()
def project_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proyek", {}, reference=True)


def load(root: Path):
    result = validate(None, project=load_project(root)[0])
    assert not result.errors
    return result.project, result.sops


def write_csv(path: Path, rows: list[tuple], header: tuple = HEADER, delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        for r in rows:
            w.writerow(r)
    return path


def row(case: str, step: int, start: str, end: str | None, output: str | None = None, actor: str | None = None, sop: str = REF) -> tuple:
    return (sop, case, step, WHO[step] if actor is None else actor, start, end or "", OUT.get(step, "") if output is None else output, "")


def clean_case(case: str, day: str = "2023-10-02") -> list[tuple]:
    times = [("08:00", "08:05"), ("08:10", "08:15"), ("08:20", "08:30"), ("08:30", "10:00"), ("10:00", "11:00"), ("11:00", "11:30")]
    return [row(case, i, f"{day} {a}", f"{day} {b}") for i, (a, b) in enumerate(times, 1)]


def brief(result) -> list[tuple]:
    return [(f.row, f.kind, f.case, f.step) for f in result.findings]


def check(root: Path, *logs: Path, **kw):
    project, sops = load(root)
    return check_logs(project, sops, list(logs), **kw)


# -- the basics ---------------------------------------------------------------------------------


def test_a_clean_case_has_no_findings(project_dir: Path) -> None:
    log = write_csv(project_dir / "log.csv", clean_case("Oktober 2023"))
    result = check(project_dir, log)
    assert result.findings == []
    acc = result.accounting
    assert (acc.data_rows, acc.checked, acc.invalid, acc.duplicate, acc.blank, acc.outside_selection) == (6, 6, 0, 0, 0, 0)
    s = result.summary
    assert s["compliance"] == {"rows": 6, "compliant": 6, "percent": 100.0}
    assert s["within_standard"] == {"finished": 6, "within": 6, "percent": 100.0}
    assert s["cases"] == {"total": 1, "complete": 1, "incomplete": 0, "with_rework": 0}
    step4 = s["steps"][3]
    assert (step4["step"], step4["median_minutes"], step4["max_minutes"], step4["standard_minutes"]) == (4, 90.0, 90.0, 480.0)


def test_every_finding_kind_in_one_log(project_dir: Path) -> None:
    rows = [
        # case A (rows 2-10): complete with one loop back; output and actor problems
        *clean_case("A")[:5],
        row("A", 6, "2023-10-02 11:00", "2023-10-02 11:30", output=""),  # 7: output_missing
        row("A", 4, "2023-10-02 13:00", "2023-10-02 14:00", output="laporan lain"),  # 8: rework + mismatch
        row("A", 5, "2023-10-02 14:00", "2023-10-02 14:30", actor="Kasubag PK"),  # 9: wrong_actor
        row("A", 6, "2023-10-02 14:30", "2023-10-02 15:00"),  # 10
        # case B (rows 11-13): late, wrong actor, step 3 skipped, still in progress
        row("B", 1, "2023-10-03 08:00", "2023-10-03 08:20"),  # 11: 20 > 5
        row("B", 2, "2023-10-03 08:20", "2023-10-03 08:25", actor="Kasubag PK"),  # 12
        row("B", 4, "2023-10-03 08:30", None, output=""),  # 13: skipped 3; incomplete
        # case C (rows 14-19): steps 2 and 3 swapped, step 2 starts before step 3 ended
        row("C", 1, "2023-10-04 08:00", "2023-10-04 08:05"),
        row("C", 3, "2023-10-04 08:05", "2023-10-04 08:10"),  # 15
        row("C", 2, "2023-10-04 08:08", "2023-10-04 08:12"),  # 16
        row("C", 4, "2023-10-04 08:15", "2023-10-04 09:00"),  # 17
        row("C", 5, "2023-10-04 09:00", "2023-10-04 09:30"),
        row("C", 6, "2023-10-04 09:30", "2023-10-04 10:00"),
        # case D (rows 20-27): duplicate, unknown step, unknown SOP, unreadable rows, a blank row
        row("D", 1, "2023-10-05 08:00", "2023-10-05 08:05"),  # 20: case incomplete
        row("D", 1, "2023-10-05 08:00", "2023-10-05 08:05"),  # 21: duplicate of 20
        ("065/111/416-317/2023", "D", 9, "Kasi", "2023-10-05 08:10", "2023-10-05 08:20", "dokumen", ""),  # 22
        ("065/999/2023", "D", 1, "Kasi", "2023-10-05 08:00", "2023-10-05 08:05", "x", ""),  # 23
        row("D", 2, "31/02/2023 08:00", "2023-10-05 08:30"),  # 24: no such date
        row("D", 2, "2023-10-05 09:00", "2023-10-05 08:00"),  # 25: ends before it starts
        ("", "", "", "", "", "", "", ""),  # 26: blank
        (REF, "", 2, "Kasi", "2023-10-05 09:00", "", "", ""),  # 27: no case
    ]
    log = write_csv(project_dir / "semua.csv", rows)
    result = check(project_dir, log)
    assert brief(result) == [
        (7, "output_missing", "A", 6),
        (8, "output_mismatch", "A", 4),
        (8, "rework", "A", 4),
        (9, "wrong_actor", "A", 5),
        (11, "time_exceeded", "B", 1),
        (12, "wrong_actor", "B", 2),
        (13, "step_skipped", "B", 3),
        (13, "case_incomplete", "B", 4),
        (15, "out_of_order", "C", 3),
        (16, "out_of_order", "C", 2),
        (17, "out_of_order", "C", 4),
        (20, "case_incomplete", "D", 1),
        (21, "duplicate_row", "D", 1),
        (22, "unknown_step", "D", 9),
        (23, "unknown_sop", "D", 1),
        (24, "invalid_row", None, None),
        (25, "invalid_row", None, None),
        (27, "invalid_row", None, None),
    ]
    by = {(f.row, f.kind): f for f in result.findings}
    assert all(f.file == str(log) for f in result.findings)
    late = by[(11, "time_exceeded")]
    assert (late.minutes, late.standard_minutes) == (20.0, 5.0)
    assert late.message == "langkah 1 berlangsung 20 menit kerja, melebihi standar 5 menit (lebih 15 menit)"
    assert by[(8, "rework")].count == 1
    assert "'laporan lain'" in by[(8, "output_mismatch")].message
    assert "'Kasubag PK'" in by[(9, "wrong_actor")].message and "'Kepala Sub Bagian Umum dan Kepegawaian'" in by[(9, "wrong_actor")].message
    assert by[(13, "step_skipped")].message.startswith("langkah 3 dilewati")
    assert "belum selesai" in by[(13, "case_incomplete")].message
    assert "urutan tertukar" in by[(15, "out_of_order")].message
    assert "sebelum langkah 3 selesai (04/10/2023 08:10)" in by[(16, "out_of_order")].message
    assert "baris 20" in by[(21, "duplicate_row")].message
    assert "1 sampai 6" in by[(22, "unknown_step")].message
    assert by[(23, "unknown_sop")].sop == "065/999/2023"
    assert "31/02/2023" in by[(24, "invalid_row")].message
    assert "lebih awal" in by[(25, "invalid_row")].message
    assert "kasus" in by[(27, "invalid_row")].message
    for f in result.findings:
        assert f.message and f.file and f.row >= 2
    # Every data row is accounted for.
    acc = result.accounting
    assert (acc.data_rows, acc.checked, acc.invalid, acc.duplicate, acc.blank, acc.outside_selection) == (26, 21, 3, 1, 1, 0)
    assert acc.checked + acc.invalid + acc.duplicate + acc.blank + acc.outside_selection == acc.data_rows == len(rows)
    s = result.summary
    # Rows with a violation: 7 8 9 11 12 13 15 16 17 22 23.
    assert s["compliance"] == {"rows": 21, "compliant": 10, "percent": 47.6}
    assert s["within_standard"] == {"finished": 18, "within": 17, "percent": 94.4}
    assert s["cases"] == {"total": 4, "complete": 2, "incomplete": 2, "with_rework": 1}
    # Violation findings (not rework, case_incomplete, invalid_row, duplicate_row): one per
    # row listed above.
    assert s["kinds"]["out_of_order"] == 3 and s["kinds"]["invalid_row"] == 3 and s["violations"] == 11


def test_rework_is_counted_per_case_and_loops_are_not_disorder(project_dir: Path) -> None:
    day = "2023-10-02"
    twice = clean_case("dua") + [
        row("dua", 4, f"{day} 13:00", f"{day} 13:30"),
        row("dua", 5, f"{day} 13:30", f"{day} 13:40"),
        row("dua", 6, f"{day} 13:40", f"{day} 13:50"),
        row("dua", 4, f"{day} 14:00", f"{day} 14:30"),
        row("dua", 5, f"{day} 14:30", f"{day} 14:40"),
        row("dua", 6, f"{day} 14:40", f"{day} 14:50"),
    ]
    log = write_csv(project_dir / "ulang.csv", twice)
    result = check(project_dir, log)
    assert brief(result) == [(8, "rework", "dua", 4)]
    assert result.findings[0].count == 2
    assert "2 kali" in result.findings[0].message
    assert result.summary["cases"]["with_rework"] == 1
    assert result.compliance == 100.0


def test_a_loop_that_stops_midway_is_incomplete(project_dir: Path) -> None:
    rows = clean_case("K") + [row("K", 4, "2023-10-02 13:00", "2023-10-02 14:00")]
    result = check(project_dir, write_csv(project_dir / "l.csv", rows))
    assert brief(result) == [(8, "rework", "K", 4), (8, "case_incomplete", "K", 4)]


def test_starting_late_in_the_flow_skips_the_first_steps(project_dir: Path) -> None:
    rows = clean_case("K")[2:]  # starts at step 3
    result = check(project_dir, write_csv(project_dir / "l.csv", rows))
    assert brief(result) == [(2, "step_skipped", "K", 1), (2, "step_skipped", "K", 2)]
    assert "dari awal" in result.findings[0].message


def test_a_step_repeated_without_a_decision_is_out_of_order(project_dir: Path) -> None:
    rows = clean_case("K")
    rows.insert(1, row("K", 1, "2023-10-02 08:05", "2023-10-02 08:08"))
    result = check(project_dir, write_csv(project_dir / "l.csv", rows))
    assert brief(result) == [(3, "out_of_order", "K", 1)]
    assert "diulang" in result.findings[0].message


def test_rows_are_ordered_by_time_not_by_position_in_the_file(project_dir: Path) -> None:
    rows = clean_case("K")
    result = check(project_dir, write_csv(project_dir / "l.csv", list(reversed(rows))))
    assert result.findings == []


def test_cases_may_be_spread_over_files(project_dir: Path) -> None:
    rows = clean_case("K")
    a = write_csv(project_dir / "a.csv", rows[:3])
    b = write_csv(project_dir / "b.csv", rows[3:])
    result = check(project_dir, a, b)
    assert result.findings == [] and result.summary["cases"]["complete"] == 1
    dup = write_csv(project_dir / "c.csv", rows[:1])
    result = check(project_dir, a, b, dup)
    assert [(Path(f.file).name, f.row, f.kind) for f in result.findings] == [("c.csv", 2, "duplicate_row")]
    assert "di berkas" in result.findings[0].message and "a.csv" in result.findings[0].message


# -- durations on the working calendar ----------------------------------------------------------


def test_durations_skip_lunch_weekends_and_national_holidays(project_dir: Path) -> None:
    rows = [
        # Monday 11:58-13:04 is 2 + 4 working minutes (12:00-13:00 is the break): over 5.
        row("siang", 1, "2023-10-02 11:58", "2023-10-02 13:04"),
        # Monday 11:58-13:02: 4 working minutes, within 5 (64 minutes on the clock).
        row("siang", 2, "2023-10-02 13:10", "2023-10-02 13:12"),
        row("siang", 3, "2023-10-02 13:12", "2023-10-02 13:14"),
        # Friday 15:00 to Monday 10:00: Friday 15:00-16:30 (90) + Monday 07:30-10:00 (150).
        row("pekan", 4, "2023-10-06 15:00", "2023-10-09 10:00"),
        # Friday 08:00 to Monday 12:00: 210 + 210 (Friday break 11:30-13:00) + 270 = 690 > 480.
        row("pekan", 5, "2023-10-06 08:00", "2023-10-09 12:00"),
        # Wednesday 16 Aug 08:00 to Monday 21 Aug 08:00 across Independence Day (Thursday 17):
        # 420 + 0 + 450 + 30 = 900 > 480.
        row("agustus", 6, "2023-08-16 08:00", "2023-08-21 08:00"),
    ]
    rows[1] = row("siang", 2, "2023-10-02 11:58", "2023-10-02 13:02")
    log = write_csv(project_dir / "waktu.csv", rows)
    result = check(project_dir, log)
    late = [(f.row, f.case, f.step, f.minutes, f.standard_minutes) for f in result.findings if f.kind == "time_exceeded"]
    assert late == [(2, "siang", 1, 6.0, 5.0), (6, "pekan", 5, 690.0, 480.0), (7, "agustus", 6, 900.0, 480.0)]
    steps = {s["step"]: s for s in result.summary["steps"]}
    assert steps[2]["max_minutes"] == 4.0 and steps[4]["max_minutes"] == 240.0

    elapsed = check(project_dir, log, elapsed=True)
    late = [(f.row, f.minutes) for f in elapsed.findings if f.kind == "time_exceeded"]
    assert late == [(2, 66.0), (3, 64.0), (5, 4020.0), (6, 4560.0), (7, 7200.0)]
    assert "menit," in elapsed.findings[0].message and "menit kerja" not in [f.message for f in elapsed.findings if f.kind == "time_exceeded"][0]


def test_closed_dates_of_the_project_config_count(project_dir: Path) -> None:
    toml = project_dir / "sopgen.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[kalender]\nlibur = [2023-10-09]\n', encoding="utf-8")
    log = write_csv(project_dir / "w.csv", [row("pekan", 4, "2023-10-06 15:00", "2023-10-10 10:00")])
    result = check(project_dir, log)
    steps = {s["step"]: s for s in result.summary["steps"]}
    assert steps[4]["max_minutes"] == 90.0 + 150.0  # Monday 9 October closed by the office


# -- actors and outputs ---------------------------------------------------------------------------


def test_actors_match_by_id_name_or_alias_ignoring_case_and_spaces(project_dir: Path) -> None:
    names = ["kasubag-pk", "KASUBAG  perencanaan dan keuangan", " kasubag pk ", "Kasubag Umum dan Kepegawaian", "Kasi"]
    rows = []
    for i, name in enumerate(names):
        step = 1 if i < 3 else (2 if i == 3 else 1)
        rows.append(row(f"K{i}", step, "2023-10-02 08:00", "2023-10-02 08:04", actor=name))
    result = check(project_dir, write_csv(project_dir / "a.csv", rows))
    wrong = [(f.row, f.actor) for f in result.findings if f.kind == "wrong_actor"]
    # K3 names step 2's joint actor by one of its aliases: but step 2 needs a step 1 first,
    # which is skipped; K4: Kasi is not step 1's actor.
    assert wrong == [(6, "Kasi")]
    actors = {a["actor"]: a for a in result.summary["actors"]}
    assert actors["Kasubag Perencanaan dan Keuangan"]["rows"] == 3


@pytest.mark.parametrize(
    ("recorded", "standard", "ok"),
    [
        ("rekap dokumen", "rekap dokumen,", True),
        ("Rekap  Dokumen.", "rekap dokumen,", True),
        ("rekap dokumen bulan Oktober", "rekap dokumen,", True),
        ("dokumen", "rekap dokumen,", False),
        ("laporan", "dokumen", False),
        ("Dokumen format data (Oktober)", "dokumen format data", True),
        ("format data", "dokumen format data", False),
    ],
)
def test_output_rule_needs_every_word_of_the_standard(recorded: str, standard: str, ok: bool) -> None:
    assert output_matches(recorded, standard) is ok


# -- the flow ---------------------------------------------------------------------------------------


def test_flow_table_of_the_reference_sop(project_dir: Path) -> None:
    _project, sops = load(project_dir)
    flow = Flow.of(sops[0])
    assert flow.final == frozenset({6})
    assert flow.transitions[(0, 1)] == (0, ())
    assert flow.transitions[(6, 4)] == (1, ())  # the "Tidak" loop: rework
    assert flow.transitions[(3, 6)] == (2, (4, 5))  # a jump: 4 and 5 are required
    assert flow.transitions[(5, 4)][0] == 3  # anything else: out of order


def test_a_decision_that_skips_ahead_does_not_require_the_steps_it_skips(tmp_path: Path) -> None:
    # Step 2 decides: ya -> 4 (skipping 3), tidak -> 3.
    root = make_project(tmp_path / "p", {"b.yaml": sop_yaml("100/1/2023", "Cabang", 5, actors=1, decisions={2: (4, 3)})})
    project, sops = load(root)
    flow = Flow.of(sops[0])
    assert flow.transitions[(2, 4)] == (0, ())
    assert flow.transitions[(1, 4)] == (2, (2,))  # 3 is not required on every path, 2 is
    header = HEADER
    rows = [("100/1/2023", "K", s, "Camat", f"2023-10-02 08:{10 * s:02d}", f"2023-10-02 08:{10 * s + 5:02d}", f"dokumen {s}", "") for s in (1, 2, 4, 5)]
    result = check_logs(project, sops, [write_csv(root / "l.csv", rows, header)])
    assert result.findings == []


# -- choosing SOPs, periods, files ---------------------------------------------------------------


def test_without_a_sop_column_one_sop_is_assumed(project_dir: Path) -> None:
    rows = [r[1:] for r in clean_case("K")]
    log = write_csv(project_dir / "tanpa-sop.csv", rows, header=HEADER[1:])
    result = check(project_dir, log)
    assert result.findings == [] and result.accounting.checked == 6


def test_several_sops_need_the_sop_column(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"lain.yaml": sop_yaml("200/2/2023", "Lain", 3, actors=1)}, reference=True)
    rows = [r[1:] for r in clean_case("K")]
    log = write_csv(root / "tanpa-sop.csv", rows, header=HEADER[1:])
    result = check(root, log)
    assert [e.file for e in result.file_errors] == [str(log)]
    assert "kolom 'sop'" in result.file_errors[0].message and "--sop" in result.file_errors[0].message
    assert result.accounting.data_rows == 0
    # Choosing one SOP makes the file checkable.
    chosen = check(root, log, sop_filter=[REF])
    assert chosen.file_errors == [] and chosen.findings == []
    # Rows of the SOP not chosen are counted, not checked.
    mixed = write_csv(root / "campur.csv", clean_case("K") + [("200/2/2023", "L", 1, "Camat", "2023-10-02 08:00", "2023-10-02 08:05", "dokumen 1", "")])
    result = check(root, mixed, sop_filter=["065/111/416-317/2023"])
    assert result.accounting.outside_selection == 1 and result.accounting.checked == 6
    both = check(root, mixed)
    assert [(f.row, f.kind, f.sop) for f in both.findings] == [(8, "case_incomplete", "200/2/2023")]
    assert [s["sop"] for s in both.summary["sops"]] == ["200/2/2023", REF] or [s["sop"] for s in both.summary["sops"]] == [REF, "200/2/2023"]


def test_an_unknown_sop_filter_is_a_usage_error(project_dir: Path) -> None:
    log = write_csv(project_dir / "l.csv", clean_case("K"))
    with pytest.raises(CheckError, match="maksud Anda '065/111/416-317/2023'"):
        check(project_dir, log, sop_filter=["065/111/416-317/2024"])
    _project, sops = load(project_dir)
    assert select_sops(sops, ["065 / 111 / 416-317 / 2023"]) == sops
    assert select_sops(sops, ["sops/065-111-pengumpulan-data-kinerja.yaml"], base=project_dir) == sops


def test_the_period_filters_cases_by_their_first_start(project_dir: Path) -> None:
    rows = clean_case("September", day="2023-09-29") + clean_case("Oktober", day="2023-10-02")
    # The September case ends in October: it still belongs to September.
    rows.append(row("September", 4, "2023-10-02 13:00", "2023-10-02 14:00"))
    log = write_csv(project_dir / "l.csv", rows)
    october = check(project_dir, log, period=(date(2023, 10, 1), date(2023, 10, 31)))
    assert october.findings == []
    assert (october.accounting.checked, october.accounting.outside_selection) == (6, 7)
    september = check(project_dir, log, period=(None, date(2023, 9, 30)))
    assert [(f.row, f.kind) for f in september.findings] == [(14, "rework"), (14, "case_incomplete")]
    with pytest.raises(CheckError, match="periode"):
        check(project_dir, log, period=(date(2023, 10, 31), date(2023, 10, 1)))


def test_an_xes_export_checks_as_it_is(project_dir: Path) -> None:
    """Column names of a process-mining export (pm4py/Disco CSV): case:concept:name,
    concept:name, org:resource, start_timestamp, time:timestamp, plus extra columns; zoned
    ISO times are converted to the project's zone (WIB)."""
    header = ("case:concept:name", "concept:name", "org:resource", "start_timestamp", "time:timestamp", "lifecycle:transition", "output")
    rows = []
    for r in clean_case("K-1"):
        _sop, case, step, actor, start, end, output, _note = r
        s = start.replace(" ", "T") + ":00+07:00"
        e = end.replace(" ", "T") + ":00+07:00"
        rows.append((case, f"Langkah {step}", actor, s, e, "complete", output))
    # One more event, late, with UTC times: 01:00Z-02:00Z is 08:00-09:00 WIB, 60 > 5 minutes.
    rows.append(("K-2", "Langkah 1", "Kasubag PK", "2023-10-03T01:00:00Z", "2023-10-03T02:00:00Z", "complete", OUT[1]))
    log = write_csv(project_dir / "export.csv", rows, header=header)
    result = check(project_dir, log)
    assert [(f.row, f.kind, f.case, f.minutes) for f in result.findings] == [
        (8, "time_exceeded", "K-2", 60.0),
        (8, "case_incomplete", "K-2", None),
    ]
    assert result.ignored_columns == {str(log): ["lifecycle:transition"]}


# -- malformed input --------------------------------------------------------------------------------


def test_an_unreadable_file_is_reported_and_the_others_are_checked(project_dir: Path) -> None:
    good = write_csv(project_dir / "baik.csv", clean_case("K"))
    latin = project_dir / "latin1.csv"
    latin.write_bytes("kasus,langkah,pelaksana,mulai\nCaf\xe9,1,Kasi,2023-10-02 08:00\n".encode("latin-1"))
    result = check(project_dir, good, latin)
    assert result.findings == [] and result.accounting.checked == 6
    assert [e.file for e in result.file_errors] == [str(latin)]
    assert "UTF-8" in result.file_errors[0].message and "baris 2" in result.file_errors[0].message


def test_no_traceback_for_malformed_files_on_the_command_line(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    xlsx = project_dir / "terpotong.xlsx"
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(list(HEADER))
    wb.active.append(list(clean_case("K")[0]))
    wb.save(xlsx)
    data = xlsx.read_bytes()
    xlsx.write_bytes(data[: len(data) // 2])
    latin = project_dir / "latin1.csv"
    latin.write_bytes("kasus,langkah,pelaksana,mulai\nCaf\xe9,1,Kasi,2023-10-02 08:00\n".encode("latin-1"))
    ragged = project_dir / "ragged.csv"
    ragged.write_text(
        "sop;kasus;langkah;pelaksana;mulai;selesai;output\n"
        f"{REF};K;1;Kasubag PK;2023-10-02 08:00;2023-10-02 08:05;dokumen format data\n"
        f"{REF};K;2;Kasi;2023-10-02 08:10\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    res = runner.invoke(main, ["check", "terpotong.xlsx", "latin1.csv", "ragged.csv"])
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    assert "terpotong.xlsx" in res.output and "rusak atau terpotong" in res.output
    assert "latin1.csv" in res.output and "baris 2" in res.output
    assert "ragged.csv:3" in res.output and "kolom" in res.output  # the ragged row is an invalid_row with its row


# -- the command line -------------------------------------------------------------------------------


def test_fail_under_and_exit_codes(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    rows = clean_case("A") + clean_case("B", day="2023-10-03")
    # Late (9 > 5 minutes) but ending before step 2 starts at 08:10: 11 of 12 rows comply.
    rows[6] = row("B", 1, "2023-10-03 08:00", "2023-10-03 08:09")
    write_csv(project_dir / "l.csv", rows)
    runner = CliRunner()
    ok = runner.invoke(main, ["check", "l.csv", "--fail-under", "90"])
    assert ok.exit_code == 0, ok.output
    assert "91,7 %" in ok.output
    low = runner.invoke(main, ["check", "l.csv", "--fail-under", "95"])
    assert low.exit_code == 1
    assert "di bawah batas --fail-under 95 %" in low.output
    # Usage errors exit 2.
    for args in (
        ["check", "l.csv", "--format", "pdf"],
        ["check", "tidak-ada.csv"],
        ["check", "l.csv", "--sop", "999/1/2023"],
        ["check", "l.csv", "--dari", "31-13-2023"],  # no 13th month (31-10-2023 is a date since 1.1)
        ["check", "l.csv", "--fail-under", "120"],
        ["check", "l.csv", "--format", "xml"],
        ["check"],
    ):
        res = runner.invoke(main, args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output


def test_sop_errors_stop_the_check(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    (project_dir / "sops" / "rusak.yaml").write_text("versi_format: 1\nnomor: [\n", encoding="utf-8")
    write_csv(project_dir / "l.csv", clean_case("K"))
    res = CliRunner().invoke(main, ["check", "l.csv"])
    assert res.exit_code == 1
    assert "rusak.yaml" in res.output and "log tidak diperiksa" in res.output


def test_json_on_stdout_is_the_spec_shape(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    rows = clean_case("K")
    rows[0] = row("K", 1, "2023-10-02 07:35", "2023-10-02 08:05")  # 30 minutes, ends before step 2
    write_csv(project_dir / "l.csv", rows)
    reference = next((project_dir / "sops").glob("065-111-*.yaml"))
    text = reference.read_text(encoding="utf-8")
    reference.write_text(text.replace("# sopgen: abaikan SOP402", "# salah ketik tercetak"), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", "l.csv", "--format", "json"])
    assert "1 peringatan validasi SOP" in res.stderr  # warnings go to stderr, stdout is the JSON alone
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert set(data) == {"summary", "findings"}
    assert data["findings"] == [
        {
            "kind": "time_exceeded",
            "sop": REF,
            "case": "K",
            "step": 1,
            "file": "l.csv",
            "sheet": None,
            "row": 2,
            "actor": "Kasubag PK",
            "message": "langkah 1 berlangsung 30 menit kerja, melebihi standar 5 menit (lebih 25 menit)",
            "minutes": 30.0,
            "standard_minutes": 5.0,
        }
    ]
    s = data["summary"]
    assert s["kinds"]["time_exceeded"] == 1 and set(s["kinds"]) >= {"rework", "invalid_row", "duplicate_row"}
    assert s["rows"] == {"total": 6, "checked": 6, "invalid": 0, "duplicate": 0, "outside_selection": 0, "blank": 0, "merged": 0}
    assert s["within_standard"] == {"finished": 6, "within": 5, "percent": 83.3}
    assert [x["step"] for x in s["steps"]] == [1, 2, 3, 4, 5, 6]
    assert s["sops"][0]["sop"] == REF and s["actors"][0]["actor"]


def test_an_xlsx_log_reports_sheet_rows(project_dir: Path) -> None:
    import openpyxl
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Oktober"
    ws.append(["Log kegiatan Oktober"])  # a title above the header
    ws.append(list(HEADER))
    for r in clean_case("K"):
        sop, case, step, actor, start, end, output, note = r
        ws.append([sop, case, step, actor, datetime.fromisoformat(start), datetime.fromisoformat(end), output, note])
    ws["F8"] = None  # step 6 in progress
    path = project_dir / "log.xlsx"
    wb.save(path)
    result = check(project_dir, path)
    assert [(f.sheet, f.row, f.kind) for f in result.findings] == [("Oktober", 8, "case_incomplete")]


def test_zip_that_is_not_excel(project_dir: Path) -> None:
    path = project_dir / "bukan.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "x")
    result = check(project_dir, path)
    assert result.file_errors and "bukan.xlsx" in result.file_errors[0].message


def test_sorting_by_case_is_stable() -> None:
    """Rows by SOP, case, start, step; rows with equal keys keep their input order."""
    import random

    from sopgen.conformance.engine import intake as check_module

    rng = random.Random(4)
    n = 2000
    frame = pl.DataFrame(
        {
            "sop_i": pl.Series([rng.choice([-5, -2, 0, 1]) for _ in range(n)], dtype=pl.Int32),
            "case": pl.Series([f"K-{rng.randint(1, 30)}" for _ in range(n)], dtype=pl.Categorical),
            "start": [rng.randint(0, 5) for _ in range(n)],
            "step": [rng.randint(1, 3) for _ in range(n)],
            "row": list(range(n)),
        }
    )
    ordered = check_module._sort_by_case(frame)
    assert ordered.columns == frame.columns and ordered.height == n
    keyed = ordered.select("sop_i", pl.col("case").to_physical(), "start", "step", "row").rows()
    assert keyed == sorted(keyed)  # ties keep input order: row ascends within equal keys


def test_json_findings_are_the_same_however_they_are_split(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The findings are encoded in pieces (per chunk, per polars thread); the bytes must not
    depend on how many."""
    import io

    from sopgen.conformance.report import export as compliance_report

    rows = clean_case("A") + clean_case("B")[:4] + [row("C", 3, "2023-10-02 08:00", "2023-10-03 08:00", output="")]
    result = check(project_dir, write_csv(project_dir / "l.csv", rows))
    options = compliance_report.ReportOptions(project=load(project_dir)[0], color=False)

    def report() -> bytes:
        out = io.BytesIO()
        compliance_report.write_json(result, out, options)
        return out.getvalue()

    whole = report()
    assert len(json.loads(whole)["findings"]) == result.findings_frame.height >= 4
    for chunk, threads in ((1, 1), (2, 3), (3, 8)):
        monkeypatch.setattr(compliance_report, "CHUNK", chunk)
        monkeypatch.setattr(pl, "thread_pool_size", lambda threads=threads: threads)
        assert report() == whole


def test_worst_cases_by_violations_then_minutes_over_then_case(project_dir: Path) -> None:
    def late(case: str, *ends: str) -> list[tuple]:
        rows = clean_case(case)
        for i, end in enumerate(ends):
            rows[i] = rows[i][:5] + (f"2023-10-02 {end}",) + rows[i][6:]
        return rows

    rows = late("E", "08:07") + late("A", "08:09", "08:19") + clean_case("D") + late("C", "08:07") + late("B", "08:09")
    result = check(project_dir, write_csv(project_dir / "l.csv", rows))
    worst = result.summary["worst_cases"]
    assert [(w["case"], w["violations"], w["minutes_over"]) for w in worst] == [("A", 2, 8.0), ("B", 1, 4.0), ("C", 1, 2.0), ("E", 1, 2.0)]


# -- the sort by case ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sort_by_case_equals_the_full_sort_whether_or_not_the_log_is_in_time_order(seed: int) -> None:
    """The quick path (stable sort by case, then a check of each case's order) gives exactly
    the rows of the five-key sort, on a log in time order and on one shuffled."""
    import random
    from datetime import datetime, timedelta

    from sopgen.conformance.engine.intake import _in_case_order, _sort_by_case

    rng = random.Random(seed)
    base = datetime(2023, 10, 2, 8)
    rows = [
        (rng.randint(0, 2), f"K-{rng.randint(1, 30)}", rng.randint(1, 6), base + timedelta(minutes=rng.randint(0, 50))) for _ in range(400)
    ]
    rows.sort(key=lambda r: (r[3], r[2]))  # as a log is kept
    for shuffled in (False, True):
        if shuffled:
            rng.shuffle(rows)
        frame = pl.DataFrame(
            {
                "sop_i": pl.Series([r[0] for r in rows], dtype=pl.Int32),
                "case": pl.Series([r[1] for r in rows], dtype=pl.Categorical),
                "step": pl.Series([r[2] for r in rows], dtype=pl.Int32),
                "start": [r[3] for r in rows],
                "row": list(range(2, len(rows) + 2)),
            }
        )
        stable = frame.sort([pl.col("sop_i"), pl.col("case").to_physical()], maintain_order=True)
        assert _in_case_order(stable) is not shuffled  # each path taken once
        expected = frame.sort([pl.col("sop_i"), pl.col("case").cast(pl.String), "start", "step", "row"])
        got = _sort_by_case(frame)
        # Cases are grouped by their category code, not alphabetically: compare each case's rows.
        assert got.height == frame.height
        for key, part in got.group_by("sop_i", "case", maintain_order=True):
            want = expected.filter((pl.col("sop_i") == key[0]) & (pl.col("case") == key[1]))
            assert part.select("row").to_series().to_list() == want.select("row").to_series().to_list()
        codes = got.select(pl.col("sop_i"), pl.col("case").to_physical()).rows()
        assert codes == sorted(codes)
