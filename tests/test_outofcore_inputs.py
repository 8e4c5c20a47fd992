"""Out of core, inputs the partition tests do not make: the report is the one-frame check's,
to the byte, for XES event logs in every format a log is read in pieces from, a log named
twice, multi-sheet workbooks with refused rows and time texts the readers refuse."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from sopgen.conformance.engine import check_logs
from sopgen.conformance.engine.model import KIND_CODE
from test_partition import FAST_FORMATS, HEADER, REF, _reports, _rows, _spilled_check, _write, project  # noqa: F401 (shared fixture)

INVALID = KIND_CODE["invalid_row"]
XES = ["sop", "case:concept:name", "concept:name", "org:resource", "time:timestamp", "lifecycle:transition", "output"]


def _same_reports(project, logs: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The one-frame check and the out-of-core one (many pieces) of logs, their reports equal."""
    root, proj, sops = project
    whole = check_logs(proj, sops, logs)
    expected = _reports(whole, proj, FAST_FORMATS)
    parted, _ = _spilled_check(project, logs, monkeypatch, tmp_path)
    with parted:
        assert parted.accounting == whole.accounting and parted.notes == whole.notes
        got = _reports(parted, proj, FAST_FORMATS)
        assert parted.findings_frame.equals(whole.findings_frame)
    for fmt in FAST_FORMATS:
        assert got[fmt] == expected[fmt], fmt
    return whole


def _xes_events(seed: int) -> list[list[str]]:
    """An XES export (pm4py, ProM): a start and a complete event per step, the cases'
    events interleaved so that a case's start and complete lie far apart in the file; now
    and then a completion typed in the wrong century (a refused row)."""
    rnd = random.Random(seed)
    events = []
    for c in range(80):
        t = datetime(2023, 10, 2, 8) + timedelta(hours=c)
        for step in range(1, 7):
            events.append([REF, f"K{c}", str(step), "Kasi", f"{t:%Y-%m-%d %H:%M}", "start", ""])
            t += timedelta(minutes=rnd.choice([3, 30]))
            done = f"{t:%Y-%m-%d %H:%M}" if rnd.random() > 0.05 else "2203-01-01 08:00"
            events.append([REF, f"K{c}", str(step), "Kasi", done, "complete", "dokumen format data"])
            t += timedelta(minutes=5)
    rnd.shuffle(events)
    return events


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_an_xes_event_log_pairs_its_events_over_the_whole_file_out_of_core(project, suffix: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A start and its complete event may lie in different pieces of the file: out of core
    they are paired as the one-frame check pairs them (JSON Lines and Parquet were paired a
    piece at a time: 1,405 checked rows instead of 720, seven events merged instead of 692)."""
    root, _, _ = project
    log = _write(root / f"xes-{suffix}.csv", _xes_events(7), XES)
    if suffix != "csv":
        frame = pl.read_csv(log, infer_schema=False)
        log = root / f"xes.{suffix}"
        frame.write_ndjson(log) if suffix == "jsonl" else frame.write_parquet(log, row_group_size=40)
    whole = _same_reports(project, [log], monkeypatch, tmp_path)
    assert whole.accounting.merged > 400 and whole.accounting.invalid > 5


def test_a_log_named_twice_is_checked_twice_in_the_same_order(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`sopgen check a.csv b.csv a.csv`: each copy's refused rows are findings of that copy,
    in the documented order (file, sheet, row); the one-frame check gave every copy's to the
    last one, and the out-of-core report differed."""
    root, _, _ = project
    rows = _rows(random.Random(31), 60)
    wrong = [[*r[:4], "kemarin", *r[5:]] for r in rows[:40]]
    a, b = _write(root / "dua-kali.csv", rows + wrong), _write(root / "lain.csv", wrong[:20] + rows[:30])
    whole = _same_reports(project, [a, b, a], monkeypatch, tmp_path)
    counts = dict(whole.findings_frame.filter(pl.col("kind") == INVALID)["fi"].value_counts().iter_rows())
    assert counts[0] == counts[2] >= 40 and counts[1] >= 20


def test_refused_time_texts_and_sheets_out_of_core(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Time texts of every kind the readers refuse (a clock only, a year out of range, day
    first and month first, a zone, a control character) mixed with good rows, in CSV, JSON
    Lines (keys of empty values left out) and Parquet pieces and an xlsx whose sheets lie out
    of alphabetical order, one of them only refused rows and one the template sheet of an
    SOP without a sop column."""
    import openpyxl

    from sopgen.conformance.logtemplate import sheet_name

    root, proj, sops = project
    rows = _rows(random.Random(32), 150)
    slips = ["08:00", "02/10/2203 08:00", "13/25/2203 08:00", "2203-10-02T02:00+07:00", "2023-10-02 08:00\x1f", "10.30", " ", "45000,5", "99999"]
    for i, r in enumerate(rows):
        if i % 4 == 1:
            r[4 + i % 2] = slips[i % len(slips)]
    csv_log = _write(root / "jam.csv", rows)
    frame = pl.read_csv(csv_log, infer_schema=False)
    jsonl = root / "jam.jsonl"
    jsonl.write_text("".join(json.dumps({k: v for k, v in r.items() if v}) + "\n" for r in frame.iter_rows(named=True)), encoding="utf-8")
    frame.write_parquet(root / "jam.parquet", row_group_size=30)
    template = sheet_name(next(s for s in sops if s.nomor == "200/1/2023"))
    wb = openpyxl.Workbook()
    sheets = [wb.active, wb.create_sheet("alpha"), wb.create_sheet("Beta"), wb.create_sheet(template), wb.create_sheet("Ä")]
    sheets[0].title = "Zeta"
    for ws in sheets:
        ws.append(HEADER[1:] if ws.title == template else HEADER)
    for i, r in enumerate(rows):
        ws = sheets[i % 5]
        if ws.title == "Beta":
            r = [r[0], r[1], "x", r[3], "kemarin", "", "", ""]
        r = [v.replace("\x1f", "") for v in r]  # a worksheet holds no control character
        ws.append(r[1:] if ws.title == template else r)
    xlsx = root / "lembar.xlsx"
    wb.save(xlsx)
    whole = _same_reports(project, [csv_log, xlsx, jsonl, root / "jam.parquet"], monkeypatch, tmp_path)
    messages = whole.findings_frame.filter(pl.col("kind") == INVALID)["message"].to_list()
    assert any("dibaca 02/10/2203" in m for m in messages) and any("hanya jam tanpa tanggal" in m for m in messages)
    assert {s for s in whole.findings_frame.filter(pl.col("kind") == INVALID)["sheet"].to_list() if s} >= {"Beta", "Ä"}


def test_a_time_text_with_a_separator_character_reads_as_it_did_alone() -> None:
    """The readings of refused time texts, made in one query per file, are those of each text
    read alone (stripped as Python strips: U+001C..U+001F too, which polars keeps); a zoned
    time beside a separator character was said to be no time instead of 'dibaca 01/10/2203'."""
    from sopgen.conformance.readers.values import read_as

    texts = ["2203-10-02T02:00+07:00\x1f", "\x1c2203-10-02T23:30-05:00", "02/10/2203 08:00\x1e", "99999\x1f", "kemarin\x1d"]
    got = read_as(texts, "UTC")
    assert [got[t] for t in texts] == ["01/10/2203", "03/10/2203", "02/10/2203", "13/10/2173", None]


def _jsonl(path: Path, objects: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")
    return path


def test_an_xes_json_lines_log_whose_first_object_lacks_the_lifecycle_key_pairs_over_the_file(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """JSON Lines keys are the union over the file: an XES export whose first object has no
    `lifecycle:transition` key is still an event log, paired over the whole file out of core
    (its pieces were read alone: the first as rows of their own, the rest paired apart)."""
    root, _, _ = project
    events = [dict(zip(XES, e)) for e in _xes_events(11)]
    first = {k: v for k, v in events[0].items() if k != "lifecycle:transition"}
    log = _jsonl(root / "xes-tanpa-kunci.jsonl", [first, *events[1:]])
    whole = _same_reports(project, [log], monkeypatch, tmp_path)
    assert whole.accounting.merged > 400


def test_a_json_lines_log_whose_keys_change_is_read_by_the_keys_of_the_whole_file(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The header of a JSON Lines log is every key of the file, the best-ranked alias of a
    column winning over all of it: out of core, pieces that name a column differently, lack
    a column or add one are read by that header, not each by its own keys."""
    root, _, _ = project
    rows = _rows(random.Random(41), 70)
    objects = []
    for i, r in enumerate(rows):
        o = dict(zip(HEADER, r))
        if i > len(rows) // 2:  # the later half writes the start under an alias, and an extra key
            o["waktu mulai"] = o.pop("mulai")
            o["Unit"] = "Kecamatan"
        if i > 3 * len(rows) // 4:
            o.pop("catatan")
        objects.append(o)
    log = _jsonl(root / "kunci-berganti.jsonl", objects)
    whole = _same_reports(project, [log], monkeypatch, tmp_path)
    assert whole.accounting.invalid > 50  # rows without 'mulai' (the best alias) are refused


def test_a_json_lines_log_with_a_long_run_of_blank_lines_is_one_file_out_of_core(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A piece that is only blank lines is part of a file, not an empty file (it was refused
    as 'kosong', and with it the whole log)."""
    root, _, _ = project
    objects = [dict(zip(HEADER, r)) for r in _rows(random.Random(43), 30)]
    log = _jsonl(root / "baris-kosong.jsonl", objects)
    text = log.read_text(encoding="utf-8").splitlines(keepends=True)
    log.write_text("".join(text[:20]) + "\n" * 20_000 + "".join(text[20:]), encoding="utf-8")
    whole = _same_reports(project, [log], monkeypatch, tmp_path)
    assert whole.accounting.blank == 20_000


def test_a_json_lines_log_whose_required_key_is_first_seen_halfway_is_one_file_out_of_core(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The first objects have no 'langkah' (a typist added it later): those rows are refused
    as rows without a step, as in one frame; a piece was refused as a file missing the
    column, and with it the whole log."""
    root, _, _ = project
    objects = [dict(zip(HEADER, r)) for r in _rows(random.Random(47), 70)]
    for o in objects[:120]:
        o.pop("langkah")
    whole = _same_reports(project, [_jsonl(root / "langkah-belakangan.jsonl", objects)], monkeypatch, tmp_path)
    assert whole.accounting.invalid >= 120 and whole.accounting.checked > 100
