"""`sopgen check --spark`: the report made on Spark is the one-machine report, to the byte.

Runs a real Spark in `local[2]` (UI off, bound to 127.0.0.1, few shuffle partitions) on a
small random log of several SOPs with rework, incomplete cases, invalid, duplicate and
unknown-SOP rows spread over CSV, JSONL and Parquet files. Skips, saying why, where pyspark
or Java is missing (`pip install '.[spark]'`); the messages for that case are tested always.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from sopfactory import make_project, sop_yaml
from sopgen.cli import main
from sopgen.conformance.engine import CheckError, check_logs
from sopgen.conformance.report import ReportOptions, write_report
from sopgen.conformance.spark import missing_requirement
from sopgen.conformance.spark.session import LOG_CONFIG
from sopgen.conformance.spark.check import _merge_batch
from sopgen.conformance.spill import BATCH, MIN_BATCH, SpilledFindings
from sopgen.source.project import load_project
from sopgen.source.validate import validate

REF = "065/111/416-317/2023"
OTHER = "200/2/2023"
HEADER = ("sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan")
# Spark here: few partitions and threads, quick JVM, nothing listening beyond 127.0.0.1.
TEST_SETTINGS = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.driver.extraJavaOptions": f"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
    "spark.driver.memory": "512m",
}


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module (check_spark uses the active session)."""
    reason = missing_requirement()
    if reason is not None:
        pytest.skip(f"Spark tidak tersedia, tes Spark dilewati: {reason}")
    from sopgen.conformance.spark.session import spark_session

    with spark_session("local[2]", TEST_SETTINGS) as session:
        yield session


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("spark") / "proyek"
    root = make_project(root, {"lain.yaml": sop_yaml(OTHER, "Pelayanan Lain", 5, actors=2, decisions={4: (None, 2)})}, reference=True)
    with open(root / "sopgen.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[batas]\nlog_mb = 1\n")  # a log over 1 MB is a file error, said before reading
    return root


def load(root: Path):
    result = validate(None, project=load_project(root)[0])
    assert not result.errors
    return result.project, result.sops


def _case_rows(rng: random.Random, sop, case: str, start: datetime) -> list[list[str]]:
    """One case walked through its SOP: rework along a decision, a skipped step, an early
    stop, a late step, a wrong actor or output, each now and then."""
    n = len(sop.langkah)
    loops = {s.no: s.tidak for s in sop.langkah if isinstance(s.tidak, int) and s.tidak < s.no}
    rows, step, t, reworked = [], 1, start, False
    while step <= n and len(rows) < 3 * n:
        st = sop.langkah[step - 1]
        actor = sop.actor(st.pelaksana[0]).nama if rng.random() > 0.05 else "Orang Lain"
        minutes = (st.mutu_baku.menit or 30) * (3 if rng.random() < 0.1 else rng.uniform(0.2, 0.9))
        end = t + timedelta(minutes=int(minutes) + 1)
        output = st.mutu_baku.output if rng.random() > 0.05 else ""
        open_end = rng.random() < 0.02
        rows.append([sop.nomor, case, str(step), actor, f"{t:%Y-%m-%d %H:%M}", "" if open_end else f"{end:%Y-%m-%d %H:%M}", output, ""])
        t = end + timedelta(minutes=rng.randint(0, 90))
        if rng.random() < 0.05:
            break  # incomplete
        if step in loops and not reworked and rng.random() < 0.4:
            step, reworked = loops[step], True
        else:
            step += 2 if rng.random() < 0.04 else 1
    return rows


def random_logs(folder: Path, sops, seed: int = 14, cases: int = 150) -> list[Path]:
    """Four logs (CSV with ',', CSV with ';' and quotes, JSONL, typed Parquet) of random
    cases, some spread over two files, plus invalid rows, duplicates (also across files) and
    unknown SOPs."""
    rng = random.Random(seed)
    files: list[list[list[str]]] = [[], [], [], []]
    base = datetime(2024, 3, 4, 7, 30)
    for c in range(cases):
        sop = sops[c % len(sops)]
        rows = _case_rows(rng, sop, f"K-{c:04d}", base + timedelta(hours=rng.randint(0, 24 * 60)))
        first = rng.randrange(4)
        for k, r in enumerate(rows):
            files[first if k < len(rows) // 2 or rng.random() < 0.7 else (first + 1) % 4].append(r)
    for k in range(16):
        target = files[rng.randrange(4)]
        source = files[rng.randrange(4)]
        if source:
            target.insert(rng.randrange(len(target) + 1), list(source[rng.randrange(len(source))]))  # duplicate
        bad = [REF, f"X-{k}", rng.choice(["x", "0", ""]), "Kasi", rng.choice(["2024-13-01 08:00", "besok", "2024-03-05 08:00"]), "", "", ""]
        target.insert(rng.randrange(len(target) + 1), bad)  # invalid
        target.append(["SOP 999/1/2024" if k % 2 else "", f"U-{k}", "1", "Kasi", "2024-03-05 08:00", "2024-03-05 09:00", "x", ""])
    paths = [folder / "log-a.csv", folder / "log-b.csv", folder / "log-c.jsonl", folder / "log-e.parquet"]
    with open(paths[0], "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *files[0]])
    with open(paths[1], "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL).writerows([HEADER, *files[1]])
    with open(paths[2], "w", encoding="utf-8") as fh:
        for r in files[2]:
            fh.write(json.dumps(dict(zip(HEADER, r)), ensure_ascii=False) + "\n")
    # Parquet as a data platform exports it: typed step numbers and times (what does not
    # parse is null there, as a platform's cast leaves it).
    text = pl.DataFrame(files[3], schema={h: pl.String for h in HEADER}, orient="row")
    text.with_columns(
        pl.col("langkah").cast(pl.Int32, strict=False),
        pl.col("mulai", "selesai").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False),
    ).write_parquet(paths[3])
    return paths


def json_report(result, project) -> bytes:
    out = io.BytesIO()
    write_report(result, "json", out, ReportOptions(project=project))
    return out.getvalue()


def test_the_spark_report_is_the_local_report(spark, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sopgen.conformance.spark import check_spark

    monkeypatch.chdir(project)
    proj, sops = load(project)
    (project / "log").mkdir(exist_ok=True)
    logs = [p.relative_to(project) for p in random_logs(project / "log", sops)]
    big = project / "log" / "log-d-besar.csv"
    big.write_bytes(",".join(HEADER).encode() + b"\n" + b"x" * (3 << 19) + b"\n")
    logs.append(big.relative_to(project))
    local = check_logs(proj, sops, logs)
    assert [e.file for e in local.file_errors] == ["log/log-d-besar.csv"]
    assert local.files == ["log/log-a.csv", "log/log-b.csv", "log/log-c.jsonl", "log/log-e.parquet"]
    assert {"log/log-e.parquet"} < {f.file for f in local.findings}  # the Parquet rows are checked
    kinds = local.summary["kinds"]
    for kind in ("rework", "case_incomplete", "invalid_row", "duplicate_row", "unknown_sop", "time_exceeded", "wrong_actor"):
        assert kinds[kind] > 0, kind  # the log exercises what the partitions must get right
    assert len(local.summary["sops"]) == 2 and local.summary["cases"]["total"] > 100
    # About 300 rows a group: the cases are checked in several groups and merged.
    on_spark = check_spark(proj, sops, "local[2]", [str(p) for p in logs], group_rows=300)
    assert json_report(on_spark, proj) == json_report(local, proj)
    # Each group's findings went to disk on the driver as the group came back.
    assert isinstance(on_spark.store, SpilledFindings) and len(on_spark.store.files) > 1
    assert _merge_batch(4) == BATCH and _merge_batch(10**6) == MIN_BATCH  # many groups: small batches
    folder = Path(on_spark.store.folder.name)
    on_spark.close()
    assert not folder.exists()
    # A folder: its files in path order, named as the one-machine check names them.
    runner = CliRunner()
    got = runner.invoke(main, ["check", "--spark", "local[2]", "log", "--format", "json", "--sop", REF])
    want = runner.invoke(main, ["check", *map(str, sorted(logs)), "--format", "json", "--sop", REF])
    assert got.exit_code == want.exit_code == 1, got.output  # 1: the file over the limit
    assert got.stdout_bytes == want.stdout_bytes


def test_a_uri_that_names_nothing_is_a_usage_error(spark, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    got = CliRunner().invoke(main, ["check", "--spark", "local[2]", "tidak-ada/"])
    assert got.exit_code == 2
    assert "berkas log tidak ditemukan: tidak-ada/" in got.output and "Traceback" not in got.output


def test_without_pyspark_or_java_the_message_says_what_to_install(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark fails as if not installed
    got = CliRunner().invoke(main, ["check", "--spark", "local[2]", "log"])
    assert got.exit_code == 2 and "pip install 'sopgen[spark]'" in got.output and "Traceback" not in got.output
    monkeypatch.undo()
    if missing_requirement() is None:
        monkeypatch.chdir(project)
        monkeypatch.setenv("JAVA_HOME", str(project / "tanpa-java"))
        got = CliRunner().invoke(main, ["check", "--spark", "local[2]", "log"])
        assert got.exit_code == 2 and "Java tidak ditemukan" in got.output and "JAVA_HOME" in got.output


def test_a_file_named_twice_is_read_twice_as_on_one_machine(spark, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its rows are duplicates of each other on Spark too (Spark itself would list it once)."""
    monkeypatch.chdir(project)
    _, sops = load(project)
    (project / "dua").mkdir(exist_ok=True)
    one = random_logs(project / "dua", sops, seed=3, cases=20)[0].relative_to(project)
    args = [str(one), f"./{one}", "--format", "json"]
    got = CliRunner().invoke(main, ["check", "--spark", "local[2]", *args])
    want = CliRunner().invoke(main, ["check", *args])
    assert got.stdout_bytes == want.stdout_bytes, got.output
    summary = json.loads(want.stdout_bytes)["summary"]
    assert summary["files"] == [str(one), str(one)] and summary["rows"]["duplicate"] >= summary["rows"]["checked"] > 0


def test_a_failure_on_an_executor_is_one_sentence_naming_the_file(spark, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sopgen.conformance.spark import check as spark_check
    from sopgen.conformance.spark.inputs import read_partitioned

    def broken(batches, **settings):  # defined here: pickled whole, so the executor runs it as written
        return read_partitioned(batches, **{**settings, "limits": "bukan batas"})

    monkeypatch.setattr(spark_check, "read_partitioned", broken)
    monkeypatch.chdir(project)
    _, sops = load(project)
    (project / "rusak").mkdir(exist_ok=True)
    one = random_logs(project / "rusak", sops, seed=4, cases=5)[0].relative_to(project)
    got = CliRunner().invoke(main, ["check", "--spark", "local[2]", str(one)])
    assert got.exit_code == 2, got.output
    assert f"Spark gagal membaca berkas log '{one}' di executor (AttributeError: " in got.output
    assert "Traceback" not in got.output and "py4j" not in got.output and "org.apache" not in got.output


class _Context:
    def __init__(self) -> None:
        self.shipped: list[set[str]] = []

    def addPyFile(self, path: str) -> None:  # noqa: N802 (pyspark's name)
        import zipfile

        with zipfile.ZipFile(path) as zf:
            self.shipped.append({i.filename for i in zf.infolist()})


class _Session:
    def __init__(self) -> None:
        self.sparkContext = _Context()


def test_a_cluster_gets_sopgens_python_files_and_nothing_else(tmp_path: Path) -> None:
    """What `addPyFile` sends to the executors is sopgen's own code: no other file that lies
    in its folder (notes, output, a key), nothing a link there points to, no hidden file."""
    import shutil

    from sopgen.conformance.spark.session import _ship_sopgen

    secret = tmp_path / "rahasia.txt"
    secret.write_text("kata sandi", encoding="utf-8")
    package = tmp_path / "pasang" / "sopgen"
    (package / "sub" / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "mod.py").write_text("X = 1\n", encoding="utf-8")
    (package / "sub" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    (package / "catatan.txt").write_text("bukan kode", encoding="utf-8")
    (package / ".env").write_text("TOKEN=x", encoding="utf-8")
    (package / "tautan.py").symlink_to(secret)
    (package / "luar").symlink_to(tmp_path, target_is_directory=True)
    session = _Session()
    folder = _ship_sopgen(session, package)
    try:
        assert session.sparkContext.shipped == [{"sopgen/__init__.py", "sopgen/sub/mod.py"}]
    finally:
        shutil.rmtree(folder)
    real = _Session()
    shutil.rmtree(_ship_sopgen(real))
    names = real.sparkContext.shipped[0]
    assert "sopgen/conformance/spark/session.py" in names and all(n.endswith(".py") for n in names)


def test_a_cluster_gets_the_drivers_sopgen(tmp_path: Path) -> None:
    """For a master other than local the driver ships its own sopgen to the executors; the
    archive imports as sopgen ahead of any installed one (no Spark needed to see that)."""
    import subprocess

    from sopgen.conformance.spark.session import _ship_sopgen

    added: list[str] = []

    class Context:
        def addPyFile(self, path: str) -> None:
            added.append(path)

    class Session:
        sparkContext = Context()

    folder = _ship_sopgen(Session())
    assert [Path(p).parent for p in added] == [folder]
    probe = "import sys; sys.path.insert(1, sys.argv[1]); import sopgen.conformance.engine, sopgen; print(sopgen.__file__)"
    try:
        out = subprocess.run([sys.executable, "-I", "-c", probe, added[0]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(folder)
    assert out.stdout.strip() == f"{added[0]}/sopgen/__init__.py", out.stderr


def test_file_names_with_spaces_and_uri_characters_are_read_as_on_one_machine(spark, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spark lists a file as an encoded URI ('Log%20Januari.csv'), and its rows name it by
    Hadoop's plain text: a name with a space, '#', '%', brackets or a letter outside ASCII is
    still that file (it was a Py4J traceback, then a KeyError on the executor)."""
    from sopgen.conformance.spark import check_spark

    monkeypatch.chdir(project)
    proj, sops = load(project)
    folder = project / "log aneh"
    folder.mkdir(exist_ok=True)
    made = random_logs(folder, sops, cases=40)
    names = ["Log Januari 2024.csv", "a#b;c.csv", "e%20f.jsonl", "k[1] ü.parquet"]
    for old, name in zip(made, names):
        old.rename(folder / name)
    logs = sorted(str(p.relative_to(project)) for p in folder.iterdir())
    local = check_logs(proj, sops, logs)
    assert local.files == logs and not local.file_errors
    on_spark = check_spark(proj, sops, "local[2]", [folder.name])
    assert json_report(on_spark, proj) == json_report(local, proj)
    # A file named on the command line is that file, as on one machine: not a pattern that
    # finds nothing, or 'k1.csv'.
    (project / "k[1].csv").write_bytes((folder / names[0]).read_bytes())
    (project / "k1.csv").write_bytes(b"sop,kasus\n")
    named = check_spark(proj, sops, "local[2]", ["k[1].csv"])
    assert named.files == ["k[1].csv"] and json_report(named, proj) == json_report(check_logs(proj, sops, ["k[1].csv"]), proj)
    # A ':' in a name is one Hadoop cannot open: the message names the file and says so.
    colon = project / "log titik dua"
    colon.mkdir(exist_ok=True)
    (colon / "jam 08:00.csv").write_bytes((folder / names[0]).read_bytes())
    got = CliRunner().invoke(main, ["check", "--spark", "local[2]", colon.name])
    assert got.exit_code == 2 and "'log titik dua/jam 08:00.csv'" in got.output and "ganti namanya" in got.output, got.output


def test_a_groups_result_is_put_together_from_pieces_in_any_order() -> None:
    """The driver takes each group's pickled result as soon as all its pieces came, in
    whatever order Spark hands the rows over; a group missing a piece is an error, not a
    report that silently lacks its cases."""
    import pickle

    from sopgen.conformance.spark.check import whole_records

    blobs = {k: pickle.dumps({"group": k, "data": list(range(k * 50))}) for k in (3, 1, 2)}
    rows = [(k, i, 3, blob[i * (len(blob) // 3 + 1) : (i + 1) * (len(blob) // 3 + 1)]) for k, blob in blobs.items() for i in range(3)]
    shuffled = rows[4:] + rows[:4][::-1]
    got = list(whole_records(iter(shuffled)))
    assert sorted(k for k, _ in got) == [1, 2, 3]
    assert all(record == {"group": k, "data": list(range(k * 50))} for k, record in got)
    with pytest.raises(CheckError, match="tidak lengkap"):
        list(whole_records(iter(rows[:-1])))
