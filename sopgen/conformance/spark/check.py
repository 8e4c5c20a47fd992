"""The check on Spark: read on the executors, group by partition, check each group, merge.

Two Spark jobs. The first reads every file (`inputs.read_partitioned`) into rows kept by
Spark (memory, then disk) and brings what the readers found besides rows to the driver; the
driver then knows the file list as `sopgen check` makes it (files that cannot be read set
apart). The second groups the rows by partition with `groupBy("part").applyInArrow(...)`
and checks each group with the engine; only its result (findings and counts, pickled in
pieces) comes back to the driver, which merges the results into the `CheckResult` the
reports print.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sopgen.conformance.engine.model import CheckError, CheckResult
from sopgen.conformance.engine.read import LogInput
from sopgen.conformance.spark.inputs import CHUNK, ROW_SCHEMA, SparkFile, list_files, merge_meta, path_key, read_partitioned, unpickle_pieces
from sopgen.conformance.spark.session import spark_session
from sopgen.source.model import Sop

RESULT_SCHEMA = "part int, seq long, blob binary"


@dataclass
class GroupContext:
    """What every group's check needs besides its rows: small, shipped to the executors."""

    chosen: list[Sop]
    all_sops: list[Sop]
    data: LogInput  # without rows
    fi: dict[int, int]  # file index of the listing -> index in data.files
    period: tuple[date | None, date | None]
    elapsed: bool
    calendar: Any
    people: Any
    timezone: str


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
) -> CheckResult:
    """`check_logs` on Spark: the same result for the same files.

    master: `local[2]`, `spark://host:7077`, `yarn`, ... uris: files, folders or patterns
    Spark reads (file:, hdfs:, s3a:, ...). settings: more Spark settings. Raises CheckError
    for what `check_logs` refuses, a URI that names nothing, and a missing pyspark or Java."""
    from sopgen.conformance.engine import select_sops
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
    limits = getattr(project.config, "limits", None)
    with spark_session(master, settings) as spark:
        files = list_files(spark, uris)
        rows, data = _read(spark, files, timezone, limits)
        try:
            fi = {f.fi: data.files.index(f.shown) for f in files if f.shown in data.files}
            context = GroupContext(chosen, list(sops), data, fi, period, elapsed, calendar, people, timezone)
            results = _check_groups(rows, context)
        finally:
            rows.unpersist()
    return results[0] if results else _run_empty(context)


def _read(spark: Any, files: list[SparkFile], timezone: str, limits: Any) -> tuple[Any, LogInput]:
    """The first job: every file read on an executor; the rows kept by Spark, the rest here."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    lookup = {path_key(f.path): (f.fi, f.shown) for f in files}
    read = functools.partial(read_partitioned, files=lookup, timezone=timezone, limits=limits, part_of=_part_of)
    raw = spark.read.format("binaryFile").load([f.path for f in files])
    rows = raw.mapInArrow(read, ROW_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK)
    pieces = rows.filter(F.col("part") == -1).select("fi", "row", "meta").collect()
    metas = unpickle_pieces([(r["fi"], r["row"], r["meta"]) for r in pieces])
    return rows.filter(F.col("part") >= 0).drop("meta"), merge_meta(files, metas)


def _part_of(frame: Any) -> Any:
    """The partition of each row's case."""
    import polars as pl

    return pl.lit(0, dtype=pl.Int32).alias("part")


def _check_groups(rows: Any, context: GroupContext) -> list[Any]:
    """The second job: each partition's rows checked on an executor; the results, in
    partition order."""

    def check(table):  # type: ignore[no-untyped-def]  # no hints: pyspark infers the kind of function from them
        return check_group(table, context)

    out = rows.groupBy("part").applyInArrow(check, RESULT_SCHEMA).collect()
    return unpickle_pieces([(r["part"], r["seq"], r["blob"]) for r in out])


def check_group(table: Any, context: GroupContext) -> Any:
    """The `applyInArrow` function: one partition's rows (in input order again) checked by
    the engine; its result as pickled pieces."""
    import pyarrow as pa

    frame = _engine_frame(table, context.fi)
    part = int(table.column("part")[0].as_py())
    result = _run_frame(frame, context)
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    pieces = [blob[i : i + CHUNK] for i in range(0, len(blob), CHUNK)] or [b""]
    return pa.table(
        {
            "part": pa.array([part] * len(pieces), pa.int32()),
            "seq": pa.array(range(len(pieces)), pa.int64()),
            "blob": pa.array(pieces, pa.binary()),
        }
    )


def _engine_frame(table: Any, fi: dict[int, int]) -> Any:
    """A group's Arrow rows as the frame `read_input` gives: in file and row order, the
    file index of `LogInput.files`, texts as categories."""
    import polars as pl

    frame = pl.from_arrow(table).sort("fi", "pos")
    keys, values = list(fi), list(fi.values())
    return frame.select(
        pl.col("fi").replace_strict(keys, values, return_dtype=pl.Int32),
        pl.col("sheet").cast(pl.String),
        pl.col("row").cast(pl.Int64),
        pl.col("sop").cast(pl.Categorical),
        pl.col("case").cast(pl.Categorical),
        pl.col("step").cast(pl.Int32),
        pl.col("actor").cast(pl.Categorical),
        pl.col("start").cast(pl.Datetime("us")),
        pl.col("end").cast(pl.Datetime("us")),
        pl.col("output").cast(pl.Categorical),
        pl.col("timeless").cast(pl.Boolean),
    )


def _run_frame(frame: Any, context: GroupContext) -> CheckResult:
    from sopgen.conformance.engine import _run

    data = LogInput(
        frame,
        list(context.data.files),
        list(context.data.file_errors),
        list(context.data.problems),
        list(context.data.blank),
        list(context.data.notes),
        dict(context.data.ignored),
        list(context.data.merged),
    )
    return _run(context.chosen, context.all_sops, data, context.period, context.elapsed, context.calendar, context.people, context.timezone)


def _run_empty(context: GroupContext) -> CheckResult:
    """No row to check in any file: the result of the rows that were refused or blank."""
    import polars as pl

    from sopgen.conformance.engine.read import read_input

    return _run_frame(read_input([], context.timezone).frame.with_columns(pl.col("sheet").cast(pl.String)), context)
