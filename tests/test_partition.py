"""Case partitions (issue 14): a log checked in partitions of whole cases and merged gives
the same JSON report, to the byte, as the one-frame check; on random logs of several SOPs
with rework, incomplete cases, unknown SOPs and steps, invalid and duplicate rows (across
files, so across whatever partition the hash picks), names no actor has, several months and
rows without a time of day."""

from __future__ import annotations

import csv
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
