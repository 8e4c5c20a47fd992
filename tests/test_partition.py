"""Case partitions (issue 14): a log checked in partitions of whole cases and merged gives
the same JSON report, to the byte, as the one-frame check; on random logs of several SOPs
with rework, incomplete cases, unknown SOPs and steps, invalid and duplicate rows (across
files, so across whatever partition the hash picks), names no actor has, several months and
rows without a time of day."""

from __future__ import annotations

import csv
import tempfile
import random
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from sopfactory import make_project, sop_yaml
from sopgen.conformance.engine import check_logs
from sopgen.conformance.engine.partial import ROW_SCHEMA, CheckPlan, check_partition, merge
from sopgen.conformance.engine.read import read_input
from sopgen.conformance.partition import partition_of, split
from sopgen.conformance.report.registry import ReportOptions, report_bytes
from sopgen.source.project import load_project
from sopgen.source.validate import validate

REF = "065/111/416-317/2023"
HEADER = ["sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan"]
OTHER = {
    "200/1/2023": sop_yaml("200/1/2023", "Surat Masuk", 5, actors=3, decisions={4: (5, 2)}),
    "200/2/2023": sop_yaml("200/2/2023", "Surat Keluar", 4, actors=2),
    "200/3/2023": sop_yaml("200/3/2023", "Arsip", 7, actors=4, decisions={6: (7, 3)}),
}
NAMES = ["Kasubag PK", "Kasi", "kasubag-ppk-umpeg", "Camat", "Sekcam", "Kasi Kesos", "Pak Camat", "Staf", "Kasubag Umum"]
SPELLINGS = {REF: [REF, " 065/111/416-317/2023 ", "065/111/416-317/2023".upper()], "200/1/2023": ["200/1/2023", "200 / 1/2023"]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    root = make_project(tmp_path_factory.mktemp("partisi") / "proyek", {f"s{i}.yaml": t for i, t in enumerate(OTHER.values())}, reference=True)
    result = validate(None, project=load_project(root)[0])
    assert not result.errors
    return root, result.project, result.sops


def _case_steps(rnd: random.Random, n: int) -> list[int]:
    """A path: usually 1..n, sometimes looping back, stopping early, skipping or swapping."""
    steps = list(range(1, n + 1))
    r = rnd.random()
    if r < 0.15 and n > 3:
        back = rnd.randint(2, n - 1)
        steps = steps + list(range(back, n + 1))
    elif r < 0.25:
        steps = steps[: rnd.randint(1, n - 1)]
    elif r < 0.32 and n > 3:
        del steps[rnd.randint(1, n - 2)]
    elif r < 0.38 and n > 3:
        i = rnd.randint(1, n - 3)
        steps[i], steps[i + 1] = steps[i + 1], steps[i]
    return steps


def _rows(rnd: random.Random, cases: int) -> list[list[str]]:
    sizes = {REF: 6, "200/1/2023": 5, "200/2/2023": 4, "200/3/2023": 7, "999/9/2023": 3}
    out = []
    for c in range(cases):
        sop = rnd.choice(list(sizes))
        case = rnd.choice([f"K-{c}", f"Kasus {c}", f"{c:05d}", "Bersama"])  # "Bersama" is one case per SOP, many rows
        t = datetime(2023, rnd.choice([9, 10, 11]), rnd.randint(1, 28), rnd.randint(7, 15), rnd.choice([0, 15, 30, 45]))
        for step in _case_steps(rnd, sizes[sop]):
            if rnd.random() < 0.02:
                step = sizes[sop] + rnd.randint(1, 3)  # a step the SOP does not have
            length = timedelta(minutes=rnd.choice([3, 5, 10, 20, 60, 600]))
            end = "" if rnd.random() < 0.05 else (t + length).strftime("%Y-%m-%d %H:%M")
            start = t.strftime("%Y-%m-%d") if rnd.random() < 0.02 else t.strftime("%Y-%m-%d %H:%M")
            written = rnd.choice(SPELLINGS.get(sop, [sop])) if rnd.random() < 0.95 else ""
            output = rnd.choice(["dokumen format data", f"dokumen {step}", "rekap dokumen", "", "lain"])
            out.append([written, case, str(step), rnd.choice(NAMES), start, end, output, ""])
            t += length + timedelta(minutes=rnd.choice([0, 5, 30, 900]))
    rnd.shuffle(out)
    bad = [["", "", "x", "Kasi", "kemarin", "", "", ""], [REF, "K-1", "2", "Kasi", "2023-13-45 08:00", "", "", ""], [REF, "", "1", "", "", "", "", ""]]
    for _ in range(max(1, len(out) // 40)):
        out.insert(rnd.randrange(len(out) + 1), list(rnd.choice(bad)))
    for _ in range(max(1, len(out) // 30)):  # exact duplicates, anywhere later in the log
        out.insert(rnd.randrange(len(out) + 1), list(rnd.choice(out)))
    return out


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _logs(root: Path, seed: int, cases: int) -> list[Path]:
    rnd = random.Random(seed)
    rows = _rows(rnd, cases)
    cut = len(rows) // 2
    logs = [_write(root / f"log-{seed}-a.csv", rows[:cut]), _write(root / f"log-{seed}-b.csv", rows[cut:] + rnd.sample(rows[:cut], 5))]
    if seed % 2:  # a file without a sop column: with several SOPs it names none
        logs.append(_write(root / f"log-{seed}-c.csv", [r[1:] for r in rows[:20]], HEADER[1:]))
    return logs


def _json(result, project) -> bytes:
    return report_bytes(result, "json", ReportOptions(project=project))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_partitioned_check_is_the_one_frame_check_to_the_byte(project, seed: int) -> None:
    root, proj, sops = project
    logs = _logs(root, seed, cases=150 + 40 * seed)
    whole = check_logs(proj, sops, logs)
    expected = _json(whole, proj)
    summary = whole.summary
    # The log is as hostile as promised: every kind of trouble is in it.
    assert summary["rows"]["invalid"] and summary["rows"]["duplicate"] and summary["cases"]["with_rework"]
    assert summary["cases"]["incomplete"] and summary["kinds"]["unknown_sop"] and summary["kinds"]["unknown_step"]
    assert summary["unrecognized_actors"] and len(summary["months"]) == 3 and summary["kinds"]["time_missing"]
    assert any("di berkas" in f.message for f in whole.findings if f.kind == "duplicate_row")  # a copy in the other file
    assert bool(whole.file_errors) == bool(seed % 2)
    for n in (2, 3, 7):
        parted = check_logs(proj, sops, logs, partitions=n)
        assert _json(parted, proj) == expected, f"{n} partitions"
        assert parted.notes == whole.notes and parted.accounting == whole.accounting


def test_a_period_and_one_sop_partitioned(project) -> None:
    root, proj, sops = project
    logs = _logs(root, 5, cases=200)
    kw = {"period": (datetime(2023, 10, 1).date(), datetime(2023, 10, 31).date()), "sop_filter": [REF]}
    whole = check_logs(proj, sops, logs, **kw)
    assert whole.accounting.outside_selection
    assert _json(check_logs(proj, sops, logs, partitions=4, **kw), proj) == _json(whole, proj)


def test_every_row_of_a_case_lands_in_one_partition(project) -> None:
    root, proj, sops = project
    logs = _logs(root, 6, cases=300)
    data = read_input(logs[:2], "Asia/Jakarta")
    plan = CheckPlan.of(sops, sops, data.files)
    frame = data.frame.with_columns(partition_of(data.frame, plan, 5))
    # The same case written " 065/111/416-317/2023 " or in capitals is one case.
    spread = frame.filter(pl.col("sop").is_not_null()).group_by(pl.col("sop").cast(pl.String).str.replace_all(" ", "").str.to_lowercase(), "case").agg(pl.col("part").n_unique())
    assert spread["part"].max() == 1 and frame["part"].n_unique() == 5
    parts = split(data.frame, plan, 5)
    assert sum(p.height for p in parts) == data.frame.height


def test_a_partition_from_arrow_text_columns_checks_the_same(project) -> None:
    """A partition handed over as Arrow (Spark's applyInArrow) has plain strings."""
    root, proj, sops = project
    logs = _logs(root, 8, cases=120)
    data = read_input(logs[:2], "Asia/Jakarta")
    plan = CheckPlan.of(sops, sops, data.files, elapsed=True)
    frames = split(data.frame, plan, 3)
    as_text = [pl.from_arrow(f.with_columns(pl.col(pl.Categorical).cast(pl.String)).to_arrow()) for f in frames]
    a = merge([check_partition(f, plan) for f in frames], plan, data)
    b = merge([check_partition(f, plan) for f in as_text], plan, data)
    assert _json(a, proj) == _json(b, proj)


def test_no_partitions_at_all_is_an_empty_check(project) -> None:
    root, proj, sops = project
    data = read_input([], "Asia/Jakarta")
    plan = CheckPlan.of(sops, sops, data.files, elapsed=True)
    result = merge([], plan, data)
    assert result.accounting.data_rows == 0 and result.findings == [] and len(result.summary["steps"]) == 6 + 5 + 4 + 7
    one = merge([check_partition(pl.DataFrame(schema=ROW_SCHEMA), plan)], plan, data)
    assert _json(one, proj) == _json(result, proj)


# -- out of core: pieces of files, partitions on disk -----------------------------------------


def test_record_pieces_end_at_record_ends_and_keep_line_numbers(tmp_path: Path) -> None:
    from sopgen.conformance.outofcore import record_pieces

    text = 'sep=;\nsop;kasus;langkah;catatan\n' + "".join(f'a;K{i};1;"baris\n{i} ""kutip""\n"\n' if i % 7 == 0 else f"a;K{i};1;x\n" for i in range(400))
    path = tmp_path / "log.csv"
    path.write_bytes(text.encode())
    pieces = [(head, line, offset, body.pop()) for head, line, offset, body in record_pieces(path, 300, csv=True)]
    assert len(pieces) > 10
    assert all(head == b"sep=;\nsop;kasus;langkah;catatan\n" for head, _, _, _ in pieces)
    assert b"".join(body for _, _, _, body in pieces) == text.encode()[len(pieces[0][0]) :]
    for head, line, offset, body in pieces:
        assert body.count(b'"') % 2 == 0 and body.endswith(b"\n") and text.encode()[offset:].startswith(body)
        assert text.encode().split(b"\n")[line - 1] == body.split(b"\n")[0]


FAST_FORMATS = ("json", "csv", "text", "html")  # every finding (json, csv) or the first ones and the counts
SLOW_FORMATS = ("pdf", "monitoring-xlsx", "monitoring-pdf")


def _reports(result, project, formats) -> dict[str, bytes]:
    options = ReportOptions(project=project, generated=datetime(2023, 12, 1, 9, 30), findings_limit=25)
    return {fmt: report_bytes(result, fmt, options) for fmt in formats}


def _spilled_check(project, logs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The out-of-core check of logs with many pieces, partitions and merge rounds (batches of
    a few findings, chunks of a few), and the sizes of the partitions it checked."""
    from sopgen.conformance import outofcore, spill
    from sopgen.conformance.report import export

    root, proj, sops = project
    monkeypatch.setattr(outofcore, "MIN_PIECE", 3000)  # many pieces of every file
    monkeypatch.setattr(spill, "MIN_BATCH", 7)  # a merge round or more per few rows
    monkeypatch.setattr(export, "CHUNK", 11)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[int] = []
    real = outofcore.check_partition
    monkeypatch.setattr(outofcore, "check_partition", lambda frame, plan: seen.append(frame.height) or real(frame, plan))
    return check_logs(proj, sops, logs, memory=20_000), seen


@pytest.mark.parametrize("seed", [1, 2])
def test_out_of_core_check_is_the_one_frame_check_to_the_byte(project, seed: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every report format, with the findings on disk and merged as the report is written."""
    from sopgen.conformance.spill import SpilledFindings

    root, proj, sops = project
    logs = _logs(root, 10 + seed, cases=200)
    rows = pl.read_csv(logs[0], infer_schema=False)
    rows.write_ndjson(root / f"ooc-{seed}.jsonl")
    rows.with_columns(pl.col("langkah").cast(pl.Int32, strict=False)).write_parquet(root / f"ooc-{seed}.parquet", row_group_size=50)
    logs += [root / f"ooc-{seed}.jsonl", root / f"ooc-{seed}.parquet"]
    whole = check_logs(proj, sops, logs)
    expected = _reports(whole, proj, FAST_FORMATS)
    parted, seen = _spilled_check(project, logs, monkeypatch, tmp_path)
    assert len(seen) > 3 and max(seen) < sum(seen) / 2
    assert isinstance(parted.store, SpilledFindings) and len(parted.store.files) > 3 and parted.store.height == whole.findings_count > 100
    assert whole.summary["rows"]["invalid"] and parted.store.frame().height  # refused rows' findings among the partitions'
    refused = [n for kept in parted.store.refused_files.values() for _, n in kept]  # on disk, a piece's at a time
    assert len(refused) > 3 and sum(refused) == whole.summary["rows"]["invalid"]
    got = _reports(parted, proj, FAST_FORMATS)
    for fmt in FAST_FORMATS:
        assert got[fmt] == expected[fmt], fmt
    assert parted.findings_frame.equals(whole.findings_frame) and parted.notes == whole.notes
    assert any(tmp_path.rglob("*.parquet"))  # the findings, until the result is closed
    parted.close()
    assert list(tmp_path.iterdir()) == []


def test_a_log_whose_every_row_is_refused_keeps_them_on_disk_out_of_core(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A date column in a form no reader takes makes every row invalid: out of core the
    refused rows' findings go to disk piece by piece, never all held until the report (a
    hundred million of them would be tens of GB), and the report is the one-frame one. One
    file of refused rows names no SOP and is rejected with its rows; one file is fine."""
    import gc

    from sopgen.conformance.readers.model import RowProblem

    root, proj, sops = project
    rnd = random.Random(5)
    rows = [r for r in _rows(rnd, 120) if r[4]]
    wrong = [[*r[:4], r[4].replace(" ", "x "), *r[5:]] for r in rows]
    logs = [_write(root / "salah-a.csv", wrong[: len(wrong) // 2]), _write(root / "salah-b.csv", wrong[len(wrong) // 2 :])]
    logs.append(_write(root / "salah-tanpa-sop.csv", [r[1:] for r in wrong[:30] + rows[:20]], HEADER[1:]))
    logs.append(_write(root / "baik.csv", rows[:40]))
    whole = check_logs(proj, sops, logs)
    expected = _reports(whole, proj, FAST_FORMATS)
    assert whole.summary["rows"]["invalid"] > len(wrong) * 0.9 and whole.file_errors
    alive: list[int] = []
    from sopgen.conformance import outofcore

    real = outofcore.check_partition

    def counting(frame, plan):
        alive.append(sum(isinstance(o, RowProblem) for o in gc.get_objects()))
        return real(frame, plan)

    monkeypatch.setattr(outofcore, "check_partition", counting)
    parted, _ = _spilled_check(project, logs, monkeypatch, tmp_path)
    assert alive and max(alive) == 0  # while the partitions are checked, no refused row is held
    assert {0, 1} <= set(parted.store.refused_files) and 2 not in parted.store.refused_files  # 2: rejected, with its rows
    assert parted.accounting == whole.accounting
    got = _reports(parted, proj, FAST_FORMATS)
    for fmt in FAST_FORMATS:
        assert got[fmt] == expected[fmt], fmt
    parted.close()
    assert list(tmp_path.iterdir()) == []


def test_out_of_core_pdf_and_monitoring_form_are_the_one_frame_ones(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root, proj, sops = project
    logs = _logs(root, 13, cases=120)
    expected = _reports(check_logs(proj, sops, logs), proj, SLOW_FORMATS)
    with _spilled_check(project, logs, monkeypatch, tmp_path)[0] as parted:
        got = _reports(parted, proj, SLOW_FORMATS)
    for fmt in SLOW_FORMATS:
        assert got[fmt] == expected[fmt], fmt
    assert list(tmp_path.iterdir()) == []


def test_spilled_findings_merge_in_the_report_order() -> None:
    """Sorted files of findings of disjoint rows (several sheets, and none) merged in rounds
    of a few findings are the findings of all of them sorted (`merge_sorted`), ties in
    source order, whatever the batch."""
    from sopgen.conformance.engine import FINDINGS_SCHEMA
    from sopgen.conformance.engine.findings import merge_sorted, sorted_findings
    from sopgen.conformance.spill import SpilledFindings

    rnd = random.Random(7)
    rows = []
    for i in range(900):
        fi, sheet, row = rnd.randrange(3), rnd.choice([None, None, "Lembar A", "lembar a", "Ä", "B"]), rnd.randrange(60)
        for k in range(rnd.choice([1, 1, 2, 4])):
            rows.append({"fi": fi, "sheet": sheet, "row": row, "kind": rnd.randrange(14), "step": rnd.choice([None, 1, 2]), "message": f"{i}-{k}"})
    frame = pl.DataFrame(rows).select([pl.col(c).cast(t) if c in rows[0] else pl.lit(None, dtype=t).alias(c) for c, t in FINDINGS_SCHEMA.items()])
    owner = frame.select((pl.struct("fi", "sheet", "row").hash(3) % 5).alias("p"))["p"]  # a row's findings in one source
    sources = [sorted_findings(frame.filter(owner == p)) for p in range(5)]
    expected = merge_sorted([f.clone() for f in sources])
    cuts = [0, 1, 2, 40, 41, 130, sources[0].height]  # the refused rows' findings as pieces (some of one finding)
    for batch, pieces in [(b, p) for b in (1, 3, 50, 10_000) for p in (False, True)]:
        with tempfile.TemporaryDirectory() as base:
            store = SpilledFindings(tempfile.TemporaryDirectory(dir=base), batch)
            store.batch = batch  # below MIN_BATCH: rounds of a row or two
            if pieces:  # on disk, one sorted run over the pieces (`add_refused`, out of core)
                for a, b in zip(cuts, cuts[1:]):
                    store.add_refused(0, sources[0].slice(a, b - a))
                assert len(store.refused_files[0]) == len(cuts) - 1
            else:
                store.refused(sources[0])
            for f in sources[1:]:
                store.add(f)
            assert store.height == frame.height
            got = pl.concat(list(store.chunks(17)))
            assert got.equals(expected), batch
            assert store.head(40).equals(expected.head(40))
            store.close()


def test_the_partition_folder_goes_also_when_the_check_is_interrupted(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sopgen.conformance import outofcore

    root, proj, sops = project
    logs = _logs(root, 21, cases=100)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def stop(frame, plan):
        assert any(tmp_path.rglob("*.parquet"))
        raise KeyboardInterrupt

    monkeypatch.setattr(outofcore, "check_partition", stop)
    with pytest.raises(KeyboardInterrupt):
        check_logs(proj, sops, logs, memory=1000)
    assert list(tmp_path.iterdir()) == []


def test_a_file_unreadable_halfway_is_a_file_error_out_of_core(project, monkeypatch: pytest.MonkeyPatch) -> None:
    from sopgen.conformance import outofcore

    root, proj, sops = project
    logs = _logs(root, 22, cases=100)
    bad = root / "rusak.csv"
    bad.write_bytes(logs[0].read_bytes() + b"\xff\xfe tidak utf-8\n" + logs[0].read_bytes().split(b"\n", 1)[1])
    whole = check_logs(proj, sops, [*logs, bad])
    monkeypatch.setattr(outofcore, "MIN_PIECE", 3000)
    parted = check_logs(proj, sops, [*logs, bad], memory=1000)
    assert [e.file for e in parted.file_errors] == [e.file for e in whole.file_errors] == [str(bad)]
    assert [e.message for e in parted.file_errors] == [e.message for e in whole.file_errors]
    assert parted.accounting == whole.accounting and parted.summary["kinds"] == whole.summary["kinds"]


def test_the_cli_memory_budget(project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sopgen.cli import main
    from sopgen.conformance.budget import parse_budget

    assert parse_budget("4GB") == 4 * 1024**3 and parse_budget("1,5 gb") == int(1.5 * 1024**3) and parse_budget("512mb") == 512 * 1024**2
    root, proj, sops = project
    logs = _logs(root, 30, cases=80)
    monkeypatch.chdir(root)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    runner = CliRunner()
    names = [p.name for p in logs]
    for fmt in ("json", "csv", "text"):
        small = runner.invoke(main, ["check", *names, "--memori", "1KB", "--format", fmt])
        plain = runner.invoke(main, ["check", *names, "--format", fmt])
        assert small.exit_code == plain.exit_code == 0, small.output
        assert small.stdout == plain.stdout and len(small.stdout) > 1000
        assert "catatan: --memori 1KB di bawah batas terkecil; pemeriksaan memakai 16 MB" in small.stderr
        assert "--memori" not in plain.stderr
        assert list(tmp_path.iterdir()) == []  # the findings' folder goes once the report is written
    for bad in ("banyak", "0GB", "4 PB"):
        res = runner.invoke(main, ["check", *names, "--memori", bad])
        assert res.exit_code == 2 and "--memori" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("fmt", ["%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"])
def test_out_of_core_reads_a_files_numeric_dates_in_one_order(project, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The order of a file's numeric dates is decided over the whole file: pieces whose
    own dates could be read either way follow it (month first proven only late in the file)."""
    from sopgen.conformance import outofcore

    root, proj, sops = project
    rows = []
    for c in range(120):
        t = datetime(2023, 10, 1 + c // 5, 8, 0)  # the first cases on days 1..12: ambiguous
        for step in range(1, 7):
            end = t + timedelta(minutes=5)
            rows.append([REF, f"K{c}", str(step), "Kasi", t.strftime(fmt), end.strftime(fmt), "dokumen", ""])
            t = end
    log = _write(root / f"tanggal-{fmt[1]}.csv", rows)
    whole = check_logs(proj, sops, [log])
    monkeypatch.setattr(outofcore, "MIN_PIECE", 4000)
    parted = check_logs(proj, sops, [log], memory=1000)
    assert whole.summary["date_readings"] == parted.summary["date_readings"]
    assert [r["order"] for r in whole.summary["date_readings"]] == (["month_first"] if fmt.startswith("%m") else [])
    assert _json(parted, proj) == _json(whole, proj) and parted.notes == whole.notes


def test_out_of_core_folds_the_pegawai_column_and_names_unknown_people_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person of pegawai.csv in the pegawai column is the row's actor; names pegawai.csv
    lacks are counted over the whole file, in one note, as the one-frame check says it."""
    from sopgen.conformance import outofcore

    root = make_project(tmp_path / "pegawai", {}, reference=True)
    (root / "pegawai.csv").write_text("nama;nip;pelaksana\nBudi Santoso;19800101 200501 1 001;kasubag-umpeg\nSiti Aminah;;Kasi\n", encoding="utf-8")
    result = validate(None, project=load_project(root)[0])
    proj, sops = result.project, result.sops
    rnd = random.Random(40)
    rows = [r[:4] + [rnd.choice(["Budi Santoso", "Siti Aminah", "Joko", "Ani", "", ""])] + r[4:] for r in _rows(rnd, 150) if r[0] in ("", REF)]
    log = _write(root / "pegawai-log.csv", rows, [*HEADER[:4], "pegawai", *HEADER[4:]])
    whole = check_logs(proj, sops, [log])
    assert any("pegawai.csv" in n and "'Joko'" in n for n in whole.notes) and whole.summary["people"]
    monkeypatch.setattr(outofcore, "MIN_PIECE", 3000)
    parted = check_logs(proj, sops, [log], memory=1000)
    assert parted.notes == whole.notes and _json(parted, proj) == _json(whole, proj)


def test_out_of_core_holds_one_pieces_texts_at_a_time(project, monkeypatch: pytest.MonkeyPatch) -> None:
    """No categorical column outlives its piece or partition: while one is alive, polars keeps
    every text ever cast (its global categories), and the piece phase's memory grew with the
    file (45 MB a piece of 256 MB of the 100M bench log)."""
    from sopgen.conformance import outofcore

    root, proj, sops = project
    log = _write(root / "banyak-kasus.csv", [[REF, f"K-{c:05d}", str(s), "Kasi", f"2023-10-02 0{s}:00", f"2023-10-02 0{s}:30", "x", ""] for c in range(600) for s in (1, 2)])
    monkeypatch.setattr(outofcore, "MIN_PIECE", 4000)
    held: list[int] = []

    def texts() -> int:
        return pl.Series([], dtype=pl.Categorical).dtype.categories.to_series().len()

    real_part, real_check = outofcore.partition_of, outofcore.check_partition
    monkeypatch.setattr(outofcore, "partition_of", lambda frame, plan, n: held.append(texts()) or real_part(frame, plan, n))
    monkeypatch.setattr(outofcore, "check_partition", lambda frame, plan: held.append(texts()) or real_check(frame, plan))
    result = check_logs(proj, sops, [log], memory=1000)
    assert result.summary["cases"]["total"] == 600 and len(held) > 20
    assert max(held) < 300, held  # a piece's or a partition's cases, never all 600


def _enospc_parquet(real_write, where: str):
    def fake(self, file, *args, **kwargs):
        if Path(file).parent.name == where or where == "partisi" and Path(file).parent.name.isdigit():
            raise pl.exceptions.ComputeError("parquet: File out of specification: underlying IO error: No space left on device (os error 28)")
        return real_write(self, file, *args, **kwargs)

    return fake


def _enospc_piece(real_open):
    def fake(file, mode="r", *args, **kwargs):
        if "w" in mode and Path(file).name.startswith("potongan"):
            raise OSError(28, "No space left on device")
        return real_open(file, mode, *args, **kwargs)

    return fake


@pytest.mark.parametrize("where", ["partisi", "potongan", "temuan"])
def test_a_full_temporary_disk_is_said_as_such_and_the_folder_goes(project, where: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A temporary folder that cannot be written (its disk full) is one Indonesian sentence
    naming that folder (exit 2), never a traceback nor an input file said to be unreadable."""
    import builtins

    from click.testing import CliRunner

    from sopgen.cli import main
    from sopgen.conformance import outofcore

    root, proj, sops = project
    logs = _logs(root, 31, cases=120)
    monkeypatch.chdir(root)
    monkeypatch.setattr(outofcore, "MIN_PIECE", 3000)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    if where != "potongan":  # a partition's rows, or its findings
        monkeypatch.setattr(pl.DataFrame, "write_parquet", _enospc_parquet(pl.DataFrame.write_parquet, where))
    else:
        monkeypatch.setattr(builtins, "open", _enospc_piece(builtins.open))
    res = CliRunner().invoke(main, ["check", *[p.name for p in logs], "--memori", "1KB", "--format", "json"])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)
    assert "folder sementara" in res.output and "penuh" in res.output and str(tmp_path) in res.output
    assert "tidak bisa dibuka" not in res.output and '"findings"' not in res.stdout
    assert list(tmp_path.iterdir()) == []


def test_out_of_core_a_files_rows_follow_the_budget_not_batas(project, monkeypatch: pytest.MonkeyPatch) -> None:
    """`[batas] baris` bounds what one frame holds: the one-frame check refuses a longer file,
    out of core the pieces are bounded by the budget and the file is checked (as with a
    higher `baris`); the caps of the file are the schema's."""
    import dataclasses
    import json

    from sopgen.conformance import outofcore
    from sopgen.source.limits import MAX_BARIS, MAX_LOG_MB, Limits

    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    batas = schema["properties"]["batas"]["properties"]
    assert (batas["baris"]["maximum"], batas["log_mb"]["maximum"]) == (MAX_BARIS, MAX_LOG_MB)
    root, proj, sops = project
    logs = _logs(root, 41, cases=120)[:2]
    rows = pl.read_csv(logs[0], infer_schema=False)
    rows.with_columns(pl.col("langkah").cast(pl.Int32, strict=False)).write_parquet(root / "batas.parquet", row_group_size=40)
    logs.append(root / "batas.parquet")
    small = dataclasses.replace(proj, config=dataclasses.replace(proj.config, limits=Limits(baris=200)))
    refused = check_logs(small, sops, logs)
    assert len(refused.file_errors) == 3 and all("200 baris" in e.message for e in refused.file_errors)
    monkeypatch.setattr(outofcore, "MIN_PIECE", 3000)
    with check_logs(small, sops, logs, memory=20_000) as parted:
        assert parted.file_errors == [] and _json(parted, proj) == _json(check_logs(proj, sops, logs), proj)


@pytest.mark.parametrize("elapsed", [False, True])
def test_durations_computed_in_slices_are_those_of_one_piece(project, monkeypatch: pytest.MonkeyPatch, elapsed: bool) -> None:
    """`engine.sliced` cuts the row-wise duration query into slices of a big log; forced to
    cut a small one into slices, the report is the same to the byte."""
    from sopgen.conformance.engine import sliced

    root, proj, sops = project
    logs = _logs(root, 6, cases=300)
    whole = _json(check_logs(proj, sops, logs, elapsed=elapsed), proj)
    monkeypatch.setattr(sliced, "MIN_ROWS", 7)
    assert _json(check_logs(proj, sops, logs, elapsed=elapsed), proj) == whole
    pieces: list[int] = []
    real = pl.collect_all
    monkeypatch.setattr(pl, "collect_all", lambda queries, **kw: (pieces.append(len(queries)), real(queries, **kw))[1])
    cut = sliced.sliced(pl.DataFrame({"x": range(100)}), lambda q: q.select(pl.col("x") * 2))
    assert pieces == ([pl.thread_pool_size()] if pl.thread_pool_size() > 1 else []) and cut["x"].to_list() == [2 * x for x in range(100)]


def _partitions_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The partition folders each out-of-core check makes, as they are filled."""
    from sopgen.conformance import outofcore

    made: list[int] = []
    real = outofcore._spill

    def spill(plan, paths, root, partitions, *args):
        pieces = real(plan, paths, root, partitions, *args)
        made.append(sum(1 for p in root.iterdir() if p.is_dir() and p.name.isdigit()))
        return pieces

    monkeypatch.setattr(outofcore, "_spill", spill)
    return made


def test_a_tiny_budget_makes_few_partitions_and_the_same_report(project, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--memori 1KB` made a partition per 256 bytes of log (10,000 folders for 1.3 MB, 115
    CPU-seconds instead of 1): a budget below the one whose pieces are the smallest is planned
    as that one, and no check makes more than MAX_PARTITIONS."""
    from sopgen.conformance.budget import needed
    from sopgen.conformance.outofcore import MAX_PARTITIONS, MIN_PIECE, PIECES_PER_BUDGET, partition_count

    root, proj, sops = project
    logs = _logs(root, 50, cases=700)
    assert needed(logs) > 256 * MAX_PARTITIONS  # a partition per 256 bytes would pass the cap
    made = _partitions_made(monkeypatch)
    expected = _json(check_logs(proj, sops, logs), proj)
    for budget in (1, 1000, 100_000):
        with check_logs(proj, sops, logs, memory=budget) as parted:
            assert _json(parted, proj) == expected, budget
    assert made == [2, 2, 2]  # the log is far below a quarter of the smallest budget planned with
    floor = PIECES_PER_BUDGET * MIN_PIECE
    assert partition_count(10**15, 1) == partition_count(10**15, 4 * 1024**3) == MAX_PARTITIONS == 1024
    assert partition_count(floor, 1) == partition_count(floor, floor) == 4 and partition_count(1, 1) == 2


def test_the_partition_cap_keeps_the_report(project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A log that would need more partitions than the cap for its budget gets bigger ones, and
    the same report (the cap made small here so that a small log reaches it)."""
    from sopgen.conformance import outofcore

    root, proj, sops = project
    logs = _logs(root, 51, cases=300)
    expected = _json(check_logs(proj, sops, logs), proj)
    monkeypatch.setattr(outofcore, "MIN_PIECE", 3000)
    monkeypatch.setattr(outofcore, "MAX_PARTITIONS", 5)
    made = _partitions_made(monkeypatch)
    assert outofcore.needed(logs) > 5 * 16 * 3000 // 4  # uncapped, more than 5 at the smallest budget
    with check_logs(proj, sops, logs, memory=1) as parted:
        assert _json(parted, proj) == expected
    assert made == [5]


def test_every_part_says_of_each_of_its_files_whether_it_names_a_sop(project) -> None:
    """Parts of a log are judged together (a file names no SOP when every part says so), so a
    part answers for every file it holds, also when all its rows name their SOP (the quick
    answer): an empty answer would leave an earlier part's "none" standing."""
    from sopgen.conformance.engine.intake import files_without_sop
    from sopgen.conformance.engine.tables import SopTables

    root, proj, sops = project
    tables = SopTables.of(list(sops), None)
    frame = pl.DataFrame(
        {"fi": [3, 1, 3], "sop": [sops[0].nomor, sops[1].nomor, sops[0].nomor], "sheet": [None, None, None]},
        schema={"fi": pl.Int32, "sop": pl.Categorical, "sheet": pl.String},
    )
    assert files_without_sop(frame, tables, list(sops)) == {1: False, 3: False}
    blank = frame.with_columns(pl.when(pl.col("fi") == 3).then(None).otherwise(pl.col("sop")).alias("sop"))
    assert files_without_sop(blank, tables, list(sops)) == {1: False, 3: True}
