"""The check on Spark: read on the executors, group by partition, check each group, merge.

Two Spark jobs around the engine's partition API (`engine.partial`, `conformance.partition`):

1. Every file is read on an executor (`inputs.read_partitioned`); its rows get the bucket of
   their case (`partition.partition_of` into `BUCKETS`) and stay with Spark (memory, then
   disk); what the reader found besides rows, and whether the file names an SOP at all,
   comes to the driver. The driver then knows the files as `sopgen check` lists them (files
   that cannot be read set apart), rejects files that name no SOP, and sizes the groups.
2. The rows are grouped by `bucket % groups` with `groupBy(...).applyInArrow(...)`; each
   group, whole cases in input order, is checked on an executor by `check_partition`, and
   only its `PartialResult` (pickled in pieces) comes back, a group at a time
   (`toLocalIterator`): its findings go to disk on the driver (`spill.SpilledFindings`), the
   rest is small. `merge` on the driver makes the `CheckResult` the reports print, its
   findings merged from disk as they are written: the same, to the byte, as the
   one-machine check.
"""

from __future__ import annotations

import functools
import math
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sopgen.conformance.engine.model import CheckError, CheckResult
from sopgen.conformance.spark.inputs import (
    CHUNK,
    ROW_SCHEMA,
    SparkFile,
    failure_message,
    list_files,
    loadable,
    merge_meta,
    oversized,
    path_key,
    read_partitioned,
    unpickle_pieces,
)
from sopgen.conformance.spark.session import spark_session


@contextmanager
def executor_errors(doing: str) -> Iterator[None]:
    """A job that failed on an executor is a CheckError in Indonesian (exit 2), not Spark's
    Java and Python tracebacks."""
    try:
        yield
    except CheckError:
        raise
    except Exception as err:  # Py4JJavaError, PythonException, SparkException...
        raise CheckError(failure_message(err, doing)) from None
from sopgen.source.model import Sop

RESULT_SCHEMA = "grp int, seq long, pieces long, blob binary"
# Rows of a case go to one of this many buckets in the first job; a group is the buckets
# equal modulo the number of groups, chosen once the rows are counted.
BUCKETS = 1 << 20
# Rows one group holds, about: the engine needs some 150 bytes a row, so a group stays
# well inside an executor's memory.
GROUP_ROWS = 2_000_000


@dataclass(frozen=True)
class _Group:
    """What every group's check needs besides its rows: small, shipped to the executors."""

    plan: Any  # engine.CheckPlan
    fi: dict[int, int]  # file index of the listing -> index in the report's files


def check_spark(
    project: Any,
    sops: Sequence[Sop],
    master: str,
    uris: Sequence[str],
    *,
    period: tuple[date | None, date | None] | None = None,
    sop_filter: Sequence[str] | None = None,
    elapsed: bool = False,
    settings: dict[str, str] | None = None,
    group_rows: int = GROUP_ROWS,
) -> CheckResult:
    """`check_logs` on Spark: the same result for the same files.

    master: `local[2]`, `spark://host:7077`, `yarn`, ... uris: files, folders or patterns
    Spark reads (file:, hdfs:, s3a:, ...). settings: more Spark settings. group_rows: rows
    one executor checks at a time, about. Raises CheckError for what `check_logs` refuses,
    a URI that names nothing, and a missing pyspark or Java."""
    plan, people = _plan(project, sops, sop_filter, period, elapsed)
    timezone = project.config.calendar.zona_waktu
    limits = getattr(project.config, "limits", None)
    from sopgen.conformance.spill import SpilledFindings

    # The findings of the groups go to disk as they arrive (`spill`), as out of core: a
    # province's year has millions of them, more than the driver should hold.
    folder = tempfile.TemporaryDirectory(prefix="sopgen-spark-")
    try:
        found = SpilledFindings(folder)
        with spark_session(master, settings) as spark:
            files = list_files(spark, uris)
            rows, metas = _read(spark, files, plan, timezone, limits, people)
            try:
                data, fi = merge_meta(files, metas)
                _reject(data, plan, [fi[m.fi] for m in metas if m.names_no_sop and m.fi in fi])
                plan.files = list(data.files)
                total = sum(m.rows for m in metas)
                groups = min(BUCKETS, max(spark.sparkContext.defaultParallelism, math.ceil(total / max(group_rows, 1))))
                found.batch = _merge_batch(groups)
                parts = _check_groups(rows, _Group(plan, fi), groups, found) if total else []
            finally:
                rows.unpersist()
        return found.result(parts, plan, data)
    except BaseException:
        folder.cleanup()
        raise


def _merge_batch(groups: int) -> int:
    """Findings of each group's file held at once while the report merges them: together
    about an eighth of the driver's default budget (about 200 bytes a finding), so that a
    check of thousands of groups does not hold a full batch of each."""
    from sopgen.conformance.budget import default_budget
    from sopgen.conformance.spill import BATCH, MIN_BATCH

    return max(MIN_BATCH, min(BATCH, default_budget() // 8 // (max(groups, 1) * 200)))


def _plan(project: Any, sops: Sequence[Sop], sop_filter: Sequence[str] | None, period: Any, elapsed: bool) -> tuple[Any, Any]:
    """The engine's `CheckPlan` (its files set once they are read) and pegawai.csv,
    refusing what `check_logs` refuses."""
    from sopgen.conformance.engine import CheckPlan, select_sops
    from sopgen.conformance.people import PeopleError, load_people

    chosen = select_sops(sops, sop_filter) if sop_filter else list(sops)
    period = period or (None, None)
    if period[0] and period[1] and period[1] < period[0]:
        raise CheckError(f"periode tidak sah: --sampai {period[1].isoformat()} sebelum --dari {period[0].isoformat()}")
    try:
        people = load_people(project.root)
    except PeopleError as err:
        raise CheckError(str(err)) from None
    calendar = None
    if not elapsed:
        from sopgen.conformance.workcal import WorkCalendar

        # No cache folder: an executor has no project folder to keep the holiday table in.
        calendar = WorkCalendar(project.config.calendar.to_calendar_config(), None)
    timezone = project.config.calendar.zona_waktu
    plan = CheckPlan.of(chosen, list(sops), [], people=people, period=period, elapsed=elapsed, calendar=calendar, timezone=timezone)
    return plan, people


def _read(spark: Any, files: list[SparkFile], plan: Any, timezone: str, limits: Any, people: Any) -> tuple[Any, list[Any]]:
    """The first job: every file read on an executor; the rows kept by Spark, the
    `FileMeta` of each file here."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    refused = oversized(files, limits)
    skip = {m.fi for m in refused}
    lookup: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    paths = []  # each file once, however often it was named
    for f in files:
        if f.fi not in skip:
            if path_key(f.path) not in lookup:
                paths.append(f.path)
            lookup.setdefault(path_key(f.path), []).append((f.fi, f.shown))
    read = functools.partial(read_partitioned, files=lookup, timezone=timezone, limits=limits, plan=plan, buckets=BUCKETS, people=people)
    if not paths:
        return spark.createDataFrame([], ROW_SCHEMA).drop("meta"), refused
    rows = spark.read.format("binaryFile").load([loadable(p) for p in paths]).mapInArrow(read, ROW_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK)
    with executor_errors("membaca log"):
        pieces = rows.filter(F.col("part") == -1).select("fi", "row", "meta").collect()
    metas = unpickle_pieces([(r["fi"], r["row"], r["meta"]) for r in pieces])
    return rows.filter(F.col("part") >= 0).drop("meta"), refused + metas


def _reject(data: Any, plan: Any, bad: list[int]) -> None:
    """Files that name no SOP (several SOPs checked): file errors, their rows not checked."""
    if bad:
        from sopgen.conformance.engine.intake import reject_files

        reject_files(data, sorted(bad), len(plan.tables.sops))
        plan.rejected = sorted(bad)


def _check_groups(rows: Any, group: _Group, groups: int, found: Any) -> list[Any]:
    """The second job: each group's rows checked on an executor; the partial results in
    group order, their findings moved to `found` (a `spill.SpilledFindings`) as each
    group's result arrives, so the driver holds one group's findings at a time."""
    from pyspark.sql import functions as F

    def check(table):  # type: ignore[no-untyped-def]  # no hints: pyspark infers the kind of function from them
        return check_group(table, group)

    grouped = rows.withColumn("grp", (F.col("part") % groups).cast("int")).groupBy("grp")
    parts: dict[int, Any] = {}
    with executor_errors("memeriksa kasus"):
        results = grouped.applyInArrow(check, RESULT_SCHEMA).toLocalIterator(prefetchPartitions=True)
        for key, part in whole_records((r["grp"], r["seq"], r["pieces"], r["blob"]) for r in results):
            # The findings files may come in any group order: no row has findings in two
            # groups, so the merge gives the same order whichever comes first.
            found.add(part.findings)
            part.findings = part.findings.clear()
            parts[key] = part
    return [parts[k] for k in sorted(parts)]


def whole_records(rows: Iterator[tuple[int, int, int, bytes]]) -> Iterator[tuple[int, Any]]:
    """(key, record) as soon as every piece of a record sent as (key, piece number, pieces,
    piece) rows has come, whatever the order of the rows."""
    pending: dict[int, dict[int, bytes]] = {}
    for key, seq, count, piece in rows:
        got = pending.setdefault(key, {})
        got[seq] = piece
        if len(got) == count:
            del pending[key]
            yield key, pickle.loads(b"".join(got[i] for i in range(count)))
    if pending:
        raise CheckError(f"hasil Spark tidak lengkap untuk {len(pending)} kelompok kasus; jalankan lagi")


def check_group(table: Any, group: _Group) -> Any:
    """The `applyInArrow` function: one group's rows, whole cases, checked by the engine in
    input order (file, then place in the file); its `PartialResult` as pickled pieces."""
    import polars as pl
    import pyarrow as pa

    from sopgen.conformance.engine import check_partition

    frame = pl.from_arrow(table).sort("fi", "pos")
    key = int(frame["grp"][0])
    keys, values = list(group.fi), list(group.fi.values())
    frame = frame.with_columns(pl.col("fi").replace_strict(keys, values, return_dtype=pl.Int32))
    part = check_partition(frame.drop("pos", "part", "grp"), group.plan)
    blob = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
    pieces = [blob[i : i + CHUNK] for i in range(0, len(blob), CHUNK)] or [b""]
    return pa.table(
        {
            "grp": pa.array([key] * len(pieces), pa.int32()),
            "seq": pa.array(range(len(pieces)), pa.int64()),
            "pieces": pa.array([len(pieces)] * len(pieces), pa.int64()),
            "blob": pa.array(pieces, pa.binary()),
        }
    )
