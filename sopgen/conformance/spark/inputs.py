"""The logs on Spark: which files a URI names, and each file read by sopgen's own readers.

Every file is read whole by one executor task (Spark's `binaryFile` source: any path Spark
reads, local, HDFS, S3), written to a temporary file there and read with `read_input`, the
readers of the one-machine check. So a CSV, Parquet, xlsx or jsonl log gives the same rows,
the same physical line numbers (a quoted field spanning lines included), the same invalid
rows with the same messages, blank rows, ignored columns and notes as `sopgen check` on one
machine. The rows leave the task as Arrow columns; what else the reader found about the
file travels as one `FileMeta` record beside them.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import polars as pl

from sopgen.conformance.engine.model import CheckError, FileError
from sopgen.conformance.engine.read import LogInput, shown_path
from sopgen.textsafe import clip, one_line

# Pieces of a pickled record in one Arrow cell: well under Arrow's 2 GB of one binary column.
CHUNK = 64 << 20


@dataclass(frozen=True)
class SparkFile:
    """One log file as Spark lists it."""

    fi: int  # its place in the listing (the report lists the files read, in this order)
    path: str  # as Spark names it (a qualified URI)
    shown: str  # as the report names it
    length: int  # bytes


@dataclass
class FileMeta:
    """What reading one file found besides its rows (the fields of `LogInput` but the frame)."""

    fi: int
    errors: list[FileError] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)  # readers.RowProblem
    blank: int = 0
    notes: list[str] = field(default_factory=list)
    ignored: dict[str, list[str]] = field(default_factory=dict)
    merged: int = 0
    dates: list[Any] = field(default_factory=list)  # readers' DateReading: how numeric dates were read
    rows: int = 0  # rows read (not refused)
    names_no_sop: bool = False  # several SOPs checked and no row names one (`files_without_sop`)


def list_files(spark: Any, uris: Sequence[str]) -> list[SparkFile]:
    """The files each URI names, in the order given (a folder's files sorted by path),
    listed by Spark's file index (no job runs); a file named twice is read twice, as
    `sopgen check` reads it (its rows are then duplicates of each other).

    Files and folders starting with '_' or '.' (Spark's _SUCCESS, .crc) are not logs.
    Raises CheckError for a URI that names nothing."""
    files: list[SparkFile] = []
    for uri in uris:
        try:
            found = sorted(spark.read.format("binaryFile").load(_qualified(uri)).inputFiles())
        except Exception as err:  # AnalysisException: PATH_NOT_FOUND and the like
            if "PATH_NOT_FOUND" in str(err) or "does not exist" in str(err):
                raise CheckError(f"berkas log tidak ditemukan: {uri}") from None
            raise CheckError(f"'{uri}' tidak bisa dibaca Spark ({_first_line(err)})") from None
        if not found:
            raise CheckError(f"tidak ada berkas log di '{uri}'")
        single = len(found) == 1 and _names_file(uri, found[0])
        for path in found:
            files.append(SparkFile(len(files), path, _shown_named(uri) if single else _shown(path), _length(spark, path)))
    return files


def _length(spark: Any, path: str) -> int:
    """A file's size as its file system (local, HDFS, S3) tells it, without reading it.

    Spark lists a file as an encoded URI (a space is %20, '#' is %23): the Hadoop path is
    made from that URI, not from its text, which names another file ('a%20b.csv')."""
    context = spark.sparkContext
    jvm = context._jvm
    try:
        hadoop = jvm.org.apache.hadoop.fs.Path(jvm.java.net.URI(path))
        return int(hadoop.getFileSystem(context._jsc.hadoopConfiguration()).getFileStatus(hadoop).getLen())
    except Exception as err:  # py4j's Java error: the file went, or cannot be asked about
        raise CheckError(one_line(f"ukuran berkas log '{clip(_shown(path), 200)}' tidak bisa dibaca Spark ({_first_line(err)})")) from None


# Spark's binaryFile source holds a file in one byte array: at most 2 GB.
SPARK_MAX_BYTES = (1 << 31) - 1


def oversized(files: Sequence[SparkFile], limits: Any) -> list[FileMeta]:
    """The files too big to read (over `[batas] log_mb`, or over what Spark reads as one
    file), each with its file error: said before anything is read."""
    from sopgen.conformance.readers.bounds import Bounds, number
    from sopgen.conformance.readers.model import LogFileError

    bounds = Bounds.of(limits)
    out = []
    for f in files:
        try:
            bounds.check_size(f.shown, f.length)
        except LogFileError as err:
            out.append(FileMeta(f.fi, [FileError(f.shown, err.message)]))
            continue
        if f.length > SPARK_MAX_BYTES:
            message = (
                f"berkas log '{f.shown}' berukuran {number(f.length / 2**20)} MB; Spark membaca satu berkas sampai "
                f"{number(SPARK_MAX_BYTES // 2**20)} MB: pecah berkasnya (mis. per bulan, atau tulis ulang sebagai beberapa berkas Parquet)"
            )
            out.append(FileMeta(f.fi, [FileError(f.shown, message)]))
    return out


def _qualified(uri: str) -> str:
    """A path without a scheme is of this process's folder (Spark's JVM may have another).
    A local file or folder that exists is that one, as `sopgen check` reads it: its pattern
    characters are escaped ('k[1].csv' is not a pattern for 'k1.csv'); a local path that
    does not exist is left to Spark as a pattern ('log/2024-*.csv')."""
    if _has_scheme(uri):
        return uri
    path = str(Path(uri).absolute())
    return _escaped(path) if _is_local(uri) else path


def _is_local(uri: str) -> bool:
    """A path without a scheme that names an existing file or folder here."""
    return not _has_scheme(uri) and os.path.lexists(uri)


def _escaped(path: str) -> str:
    """path with Hadoop's pattern characters escaped: load finds that path only."""
    return re.sub(r"([\\\[\]{}*?])", r"\\\1", path)


def _has_scheme(uri: str) -> bool:
    scheme = urlsplit(uri).scheme
    return (len(scheme) > 1 and scheme != "file") or uri.startswith("file:")  # C:\\ is a drive, not a scheme


def _shown_named(uri: str) -> str:
    """A file named on the command line, as `sopgen check` names it (it reads `Path(uri)`:
    './log.csv' is 'log.csv' there); a URI as written."""
    return uri if _has_scheme(uri) else shown_path(str(Path(uri)))


def _names_file(uri: str, path: str) -> bool:
    """Whether the URI the user wrote is the file itself (not a folder or pattern holding it)."""
    if any(c in uri for c in "*?[{") and not _is_local(uri):
        return False
    return PurePosixPath(uri.rstrip("/")).name == PurePosixPath(unquote(urlsplit(path).path)).name


def loadable(path: str) -> str:
    """A listed file's URI as `DataFrameReader.load` finds that file: load reads a path's text,
    not a URI ('a%20b.csv' there is another file), and expands patterns, so the path is
    decoded and its pattern characters escaped."""
    parts = urlsplit(path)
    plain = _escaped(unquote(parts.path))
    return f"{parts.scheme}://{parts.netloc}{plain}" if parts.scheme else plain


def path_key(path: str) -> tuple[str, str, str]:
    """A file's URI as one key however Spark writes it (file:/x and file:///x alike)."""
    parts = urlsplit(path)
    return parts.scheme, parts.netloc, unquote(parts.path)


def row_key(path: str) -> tuple[str, str, str]:
    """The `path_key` of a file as a `binaryFile` row names it: Hadoop's text of the path,
    not a URI (a file 'a#b.csv' or 'e%20f.csv' is written as it is, so no URI parsing)."""
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):(?://([^/]*))?(.*)\Z", path, re.S)
    return (m.group(1).lower(), m.group(2) or "", m.group(3)) if m and len(m.group(1)) > 1 else ("", "", path)


def _shown(path: str) -> str:
    """A file Spark found in a folder, as a report names it: a local file like `sopgen check`
    names it (relative when inside the current folder), any other the whole URI."""
    parts = urlsplit(path)
    if parts.scheme in ("", "file"):
        return shown_path(unquote(parts.path))
    return path


def read_partitioned(
    batches: Iterator[Any], files: dict[tuple[str, str, str], list[tuple[int, str]]], timezone: str, limits: Any, plan: Any, buckets: int, people: Any = None
) -> Iterator[Any]:
    """The `mapInArrow` function over `binaryFile` rows: each file's rows (`ROW_SCHEMA`, `part`
    the bucket of the row's case, `partition.partition_of`) and one record of its
    `FileMeta` (`part` -1).

    files: `path_key` of Spark's listed path (`row_key` of a row's) -> (file index, shown name) of each time the file was
    named. plan: the engine's `CheckPlan` (its SOPs decide a row's case). people:
    pegawai.csv, for a pegawai column. A failure names the file (`ExecutorFailure`)."""
    for batch in batches:
        paths = batch.column("path").to_pylist()
        for k, path in enumerate(paths):
            content = batch.column("content")[k].as_py()
            for fi, shown in files[row_key(path)]:
                try:
                    out = _file_batches(fi, shown, path, content, timezone, limits, plan, buckets, people)
                except Exception as err:
                    raise ExecutorFailure.of(shown, err) from err
                yield from out
            del content


def _file_batches(fi: int, shown: str, path: str, content: bytes, timezone: str, limits: Any, plan: Any, buckets: int, people: Any) -> list[Any]:
    from sopgen.conformance.engine.intake import files_without_sop
    from sopgen.conformance.partition import partition_of

    out = []
    frame, meta = read_one(fi, shown, path, content, timezone, limits, people)
    if frame is not None and frame.height:
        meta.rows = frame.height
        meta.names_no_sop = files_without_sop(frame, plan.tables, plan.all_sops).get(fi, False)
        part = partition_of(frame, plan, buckets).cast(pl.Int32).alias("part")
        out.extend(to_arrow(frame.with_columns(part)).to_batches())
    out.extend(meta_table(meta).to_batches())
    return out


class ExecutorFailure(Exception):
    """What went wrong reading a file on an executor, with the file's name in a form the
    driver finds in the error Spark hands it (`failure_message`)."""

    MARK = "sopgen-berkas="

    @classmethod
    def of(cls, shown: str, err: BaseException) -> ExecutorFailure:
        return cls(f"{cls.MARK}{json.dumps(shown)} {json.dumps(f'{type(err).__name__}: {err}')}")


_UNREAD = re.compile(r"\[FAILED_READ_FILE[^\]]*\] Encountered error while reading file (\S+?)\.?\s")
_PY_ERROR = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): (.*)$", re.M)


def failure_message(err: BaseException, doing: str) -> str:
    """A Spark job's failure as one Indonesian sentence: the file (when reading one failed),
    the Python error the executor raised (not the Java stack around it), what to check."""
    text = str(err)
    at = text.rfind(ExecutorFailure.MARK)
    if at >= 0:
        try:
            decoder = json.JSONDecoder()
            shown, end = decoder.raw_decode(text, at + len(ExecutorFailure.MARK))
            cause, _ = decoder.raw_decode(text, end + 1)
        except ValueError:
            pass
        else:
            if isinstance(shown, str) and isinstance(cause, str):  # not a mark quoted from a file's content
                return one_line(
                    f"Spark gagal membaca berkas log '{clip(shown, 200)}' di executor ({clip(cause, 300)}); "
                    "periksa berkasnya, atau periksa di satu mesin: sopgen check BERKAS"
                )
    unread = _UNREAD.search(text)
    if unread:  # Hadoop could not open the file at all
        shown = _shown(unread.group(1))
        hint = "nama berkas dengan ':' tidak bisa dibaca Hadoop: ganti namanya" if ":" in PurePosixPath(shown).name else "periksa berkasnya, atau periksa di satu mesin: sopgen check BERKAS"
        return one_line(f"Spark gagal membaca berkas log '{clip(shown, 200)}' di executor; {hint}")
    found = [m for m in _PY_ERROR.finditer(text) if not m.group(1).startswith(("org.", "java.", "scala.", "py4j."))]
    cause = f"{found[-1].group(1)}: {found[-1].group(2)}" if found else _first_line(err)
    return one_line(
        f"Spark gagal {doing} di executor ({clip(cause, 300)}); pastikan executor menjalankan Python yang sama "
        "dengan pyspark, pyarrow dan polars terpasang (PYSPARK_PYTHON) dan memorinya cukup"
    )


def read_one(fi: int, shown: str, path: str, content: bytes, timezone: str, limits: Any, people: Any = None) -> tuple[Any, FileMeta]:
    """One file's bytes read like `sopgen check` reads the file, under its shown name."""
    from sopgen.conformance.engine.read import read_input

    suffix = PurePosixPath(row_key(path)[2]).suffix
    with tempfile.TemporaryDirectory(prefix="sopgen-spark-") as folder:
        copy = Path(folder) / f"log{suffix}"
        copy.write_bytes(content)
        data = read_input([copy], timezone, limits, people, names=[shown])
    meta = FileMeta(fi, data.file_errors, data.problems, sum(data.blank), data.notes, data.ignored, sum(data.merged), data.dates)
    frame = data.frame
    if frame is None or not data.files:
        return None, meta
    texts = [c for c, t in frame.schema.items() if t == pl.Categorical]
    # pos: the row's place in the file as read (the order the engine sees rows in).
    return frame.with_columns(
        pl.lit(fi, dtype=pl.Int32).alias("fi"), *[pl.col(c).cast(pl.String) for c in texts], pl.int_range(pl.len(), dtype=pl.Int64).alias("pos")
    ), meta


def merge_meta(files: Sequence[SparkFile], metas: Sequence[FileMeta]) -> tuple[LogInput, dict[int, int]]:
    """The `LogInput` of all files (without rows) as `read_input` would have made it (a
    file that could not be read is an error and leaves the list of files), and where each
    file read went in that list (listing index -> index in `LogInput.files`)."""
    by_fi = {m.fi: m for m in metas}
    data = LogInput(None, [], [], [], [], [], {}, [])
    index: dict[int, int] = {}
    for f in files:
        m = by_fi.get(f.fi) or FileMeta(f.fi, [FileError(f.shown, f"berkas log '{f.shown}' tidak terbaca oleh Spark")])
        data.file_errors.extend(m.errors)
        if m.errors:
            continue
        index[f.fi] = len(data.files)
        data.add_file(f.shown, m.problems, m.notes, m.ignored, m.blank, m.merged, m.dates)
    return data, index


# -- Arrow ------------------------------------------------------------------------------------

ROW_SCHEMA = (
    "fi int, sheet string, row long, sop string, case string, step int, actor string, "
    "start timestamp_ntz, end timestamp_ntz, output string, timeless boolean, pos long, part int, meta binary"
)
_ROW_COLUMNS = ("fi", "sheet", "row", "sop", "case", "step", "actor", "start", "end", "output", "timeless", "pos", "part")


def to_arrow(frame: Any) -> Any:
    """Rows as the Arrow table of `ROW_SCHEMA` (no meta)."""
    return frame.select(*_ROW_COLUMNS, pl.lit(None, dtype=pl.Binary).alias("meta")).to_arrow()


def meta_table(meta: FileMeta) -> Any:
    """One file's `FileMeta` as rows of `ROW_SCHEMA`: partition -1, the pickle in pieces
    (`row` numbers the pieces)."""
    blob = pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL)
    pieces = [blob[i : i + CHUNK] for i in range(0, len(blob), CHUNK)] or [b""]
    frame = pl.DataFrame(
        {
            "fi": pl.Series([meta.fi] * len(pieces), dtype=pl.Int32),
            "row": pl.Series(range(len(pieces)), dtype=pl.Int64),
            "part": pl.Series([-1] * len(pieces), dtype=pl.Int32),
            "meta": pl.Series(pieces, dtype=pl.Binary),
        }
    )
    empty = {"sheet": pl.String, "sop": pl.String, "case": pl.String, "step": pl.Int32, "actor": pl.String, "output": pl.String, "pos": pl.Int64}
    frame = frame.with_columns(
        *[pl.lit(None, dtype=t).alias(c) for c, t in empty.items()],
        pl.lit(None, dtype=pl.Datetime("us")).alias("start"),
        pl.lit(None, dtype=pl.Datetime("us")).alias("end"),
        pl.lit(None, dtype=pl.Boolean).alias("timeless"),
    )
    return frame.select(*_ROW_COLUMNS, "meta").to_arrow()


def unpickle_pieces(rows: Sequence[tuple[int, int, bytes]]) -> list[Any]:
    """Records sent as (key, piece number, piece) rows, put together per key in key order."""
    by_key: dict[int, list[tuple[int, bytes]]] = {}
    for key, seq, piece in rows:
        by_key.setdefault(key, []).append((seq, piece))
    return [pickle.loads(b"".join(p for _, p in sorted(pieces))) for _, pieces in sorted(by_key.items())]


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:300] if text else type(err).__name__
