"""Reading activity logs (xlsx, csv, jsonl) into checked rows.

Offices keep logs in Excel and export CSV from it or from process-mining tools, so headers
are matched in Indonesian, English and IEEE XES names, and times in ISO 8601, Excel cells
and serials, and the Indonesian dd/mm/yyyy HH:MM. Every data row is accounted for: it is
either a row or a RowProblem that names its line and says what to fix; blank rows are only
counted.

Two readers share one validator. The exact reader walks records in Python (jsonl, xlsx
and awkward CSV); the columnar reader parses CSV with polars in a streaming query and
hands only the rows it flags to the same validator, so both give the same rows and
problems. Numbers in messages and in `row` are the 1-based physical line where the record
starts (header = line 1; a quoted field spanning lines does not shift later rows off by
record count) or the sheet row in xlsx.

An XES event log with one `time:timestamp` per event and a `lifecycle:transition` column
(`start` and `complete` events, as pm4py or ProM export it) is read by the exact reader and
each start is paired with its complete into one row (`_pair_lifecycle`); the events merged
that way are counted (`merged_rows`), so the accounting still covers every line.
"""

from __future__ import annotations

import codecs
import concurrent.futures
import csv
import io
import json
import mmap
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import polars as pl

CANONICAL = ("sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan")
REQUIRED = ("kasus", "langkah", "pelaksana", "mulai")

# Accepted header names per column, best first: when two headers name the same column
# the better-ranked one is used and the other is ignored (and reported).
ALIASES: dict[str, tuple[str, ...]] = {
    "sop": ("sop", "nomor sop", "no sop", "nomor_sop", "case:sop"),
    "kasus": ("kasus", "case", "case id", "case_id", "case:concept:name"),
    "langkah": ("langkah", "no langkah", "nomor langkah", "step", "concept:name"),
    "pelaksana": ("pelaksana", "actor", "resource", "org:resource"),
    "mulai": ("mulai", "waktu mulai", "start", "start_time", "start_timestamp", "time:start"),
    "selesai": ("selesai", "waktu selesai", "end", "end_time", "time:complete", "complete_timestamp"),
    "output": ("output", "keluaran"),
    "catatan": ("catatan", "keterangan", "note", "notes"),
}
# XES exports with one timestamp per event put it in time:timestamp: that is the start when
# there is no other start column, and the end when there is.
_XES_TIMESTAMP = "time:timestamp"
_ALIAS_RANK = {name: (col, rank) for col, names in ALIASES.items() for rank, name in enumerate(names)}
_FRAME_COLUMNS = ("row", "sop", "case", "step", "actor", "start", "end", "output", "note")
_FRAME_SCHEMA = {
    "row": pl.Int64,
    "sop": pl.String,
    "case": pl.String,
    "step": pl.Int64,
    "actor": pl.String,
    "start": pl.Datetime("us"),
    "end": pl.Datetime("us"),
    "output": pl.String,
    "note": pl.String,
}
# The raw stage also carries an XES `lifecycle:transition` (see `_pair_lifecycle`).
_RAW_COLUMNS = (*CANONICAL, "lifecycle")
_LIFECYCLE = "lifecycle:transition"
_EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
EXTENSIONS = (".csv", ".jsonl", ".ndjson", *_EXCEL_EXTENSIONS)  # what read_logs reads
_UTF8_CHUNK = 1 << 24
_HEADER_SEARCH_ROWS = 20  # an xlsx header may sit under a title block


@dataclass(frozen=True)
class LogRow:
    file: str  # path as given
    row: int  # 1-based physical line (CSV/JSONL) or sheet row (xlsx) where the record starts
    sheet: str | None  # xlsx sheet name
    sop: str | None
    case: str
    step: int
    actor: str
    start: datetime  # naive local time of the project
    end: datetime | None  # None: still in progress
    output: str  # "" when nothing was produced
    note: str


@dataclass(frozen=True)
class RowProblem:
    file: str
    row: int
    sheet: str | None
    message: str  # Indonesian: what is wrong and what to do


@dataclass
class ReadResult:
    rows: list[LogRow]
    problems: list[RowProblem]
    files: list[str]
    ignored_columns: dict[str, list[str]]  # "file" or "file › sheet" -> headers not used
    total_rows: int  # data rows read: len(rows) + len(problems) + merged_rows
    blank_rows: int = 0  # rows with every cell empty: skipped, counted here only
    notes: list[str] = field(default_factory=list)  # e.g. xlsx sheets skipped, and why
    merged_rows: int = 0  # XES lifecycle events merged into the row of their execution


@dataclass
class FrameResult:
    """All rows of many logs as one frame: what the checker uses for big inputs.

    Columns: file (Categorical), sheet (Categorical, null outside xlsx) and the columns of
    `read_csv_frame`.
    """

    frame: pl.DataFrame
    problems: list[RowProblem]
    files: list[str]
    ignored_columns: dict[str, list[str]]
    total_rows: int
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)
    merged_rows: int = 0  # XES lifecycle events merged into another row (`_pair_lifecycle`)


class LogFileError(Exception):
    """A whole log file cannot be read; the message (Indonesian) names the file."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.message = message


# -- headers ---------------------------------------------------------------------------------


def _norm_header(name: Any) -> str:
    text = "" if name is None else str(name)
    return re.sub(r"\s+", " ", text.replace("\ufeff", "")).strip().lower()


@dataclass(frozen=True)
class _Header:
    """Which source column (index) feeds each canonical column, and what was left out."""

    names: tuple[str, ...]  # as written in the source
    index: dict[str, int]  # canonical -> column index
    ignored: tuple[str, ...]
    missing: tuple[str, ...]  # required columns not found

    def label(self, column: str) -> str:
        """How messages name a column: canonical, plus the source header if it differs."""
        source = self.names[self.index[column]].strip() if column in self.index else column
        return f"'{column}'" if _norm_header(source) == column else f"'{column}' ({source})"


def _map_header(names: Sequence[Any]) -> _Header:
    shown = tuple("" if n is None else str(n).replace("\ufeff", "").strip() for n in names)
    normal = [_norm_header(n) for n in names]
    best: dict[str, tuple[int, int]] = {}  # canonical -> (rank, index)
    has_start = any(_ALIAS_RANK.get(n, ("",))[0] == "mulai" for n in normal)
    for i, n in enumerate(normal):
        if n == _XES_TIMESTAMP:
            col, rank = ("selesai", len(ALIASES["selesai"])) if has_start else ("mulai", len(ALIASES["mulai"]))
        elif n in _ALIAS_RANK:
            col, rank = _ALIAS_RANK[n]
        else:
            continue
        if col not in best or rank < best[col][0]:
            best[col] = (rank, i)
    index = {col: i for col, (_rank, i) in best.items()}
    # An XES event log with one timestamp per event and no end column records a step as a
    # `start` and a `complete` event: the lifecycle column says which (`_pair_lifecycle`).
    if "selesai" not in index and "mulai" in index and normal[index["mulai"]] == _XES_TIMESTAMP and _LIFECYCLE in normal:
        index["lifecycle"] = normal.index(_LIFECYCLE)
    used = set(index.values())
    ignored = tuple(shown[i] for i in range(len(shown)) if i not in used and shown[i])
    missing = tuple(c for c in REQUIRED if c not in index)
    return _Header(shown, index, ignored, missing)


def _accepted_names() -> str:
    parts = []
    for col, names in ALIASES.items():
        extra = list(names[1:]) + ([_XES_TIMESTAMP] if col in ("mulai", "selesai") else [])
        parts.append(f"{col} ({', '.join(extra)})")
    return "; ".join(parts)


def _missing_message(file: str, header: _Header) -> str:
    found = ", ".join(f"'{n}'" for n in header.names if n) or "(tidak ada)"
    cols = " dan ".join(f"'{c}'" for c in header.missing)
    return (
        f"berkas log '{file}': kolom wajib {cols} tidak ada. Kolom yang ditemukan: {found}. "
        f"Nama kolom yang diterima (tanpa beda huruf besar/kecil): {_accepted_names()}"
    )


# -- values ----------------------------------------------------------------------------------

_EXCEL_EPOCH_US = int((datetime(1899, 12, 30) - datetime(1970, 1, 1)).total_seconds()) * 1_000_000
_SERIAL_RE = r"^\d{5}(?:\.\d+)?$"
# Excel serials are accepted for 1950-01-01 .. 2099-12-31 only, so a stray number (a step
# number in the wrong column) is not silently read as a date in 1900.
_SERIAL_MIN, _SERIAL_MAX = 18264.0, 73051.0
# Step numbers are kept as Int32; a larger "step" is no step number (an invalid row).
_MAX_STEP = 2**31 - 1
_STEP_RE = r"^(?i:langkah|step)?\s*\+?(\d+)(?:[.,]0+)?(?:[^\d.,]|[.,](?:\D|$)|$)"

# (kind, format); the formats are mutually exclusive, so trying them in any order or only
# some of them first gives the same value for every string.
_TIME_FORMATS: tuple[tuple[str, str], ...] = (
    ("naive", "%Y-%m-%d %H:%M"),
    ("naive", "%Y-%m-%d %H:%M:%S%.f"),
    ("naive", "%Y-%m-%dT%H:%M"),
    ("naive", "%Y-%m-%dT%H:%M:%S%.f"),
    ("zoned", "%Y-%m-%dT%H:%M:%S%.f%z"),
    ("zoned", "%Y-%m-%d %H:%M:%S%.f%z"),
    ("zoned", "%Y-%m-%dT%H:%M%z"),
    ("zoned", "%Y-%m-%d %H:%M%z"),
    ("naive", "%d/%m/%Y %H:%M"),
    ("naive", "%d/%m/%Y %H:%M:%S"),
    ("naive", "%d/%m/%Y %H.%M"),
    ("naive", "%d/%m/%Y %H.%M.%S"),
    ("naive", "%d-%m-%Y %H:%M"),
    ("naive", "%d-%m-%Y %H:%M:%S"),
    ("naive", "%d-%m-%Y %H.%M"),
    ("naive", "%d-%m-%Y %H.%M.%S"),
    ("date", "%Y-%m-%d"),
    ("date", "%d/%m/%Y"),
    ("date", "%d-%m-%Y"),
    ("serial", ""),
)
_TIME_HINT = "tulis dd/mm/yyyy HH:MM atau ISO 8601 (mis. 2023-10-05 08:30)"


def _time_expr(e: pl.Expr, fmt: tuple[str, str], timezone: str) -> pl.Expr:
    """One format's parse of a stripped string column to naive local datetime[us]."""
    kind, pattern = fmt
    if kind == "naive":
        return e.str.strptime(pl.Datetime("us"), pattern, strict=False)
    if kind == "zoned":
        zoned = e.str.replace(r"[zZ]$", "+00:00").str.strptime(pl.Datetime("us", "UTC"), pattern, strict=False)
        return zoned.dt.convert_time_zone(timezone).dt.replace_time_zone(None)
    if kind == "date":
        return e.str.to_date(pattern, strict=False).cast(pl.Datetime("us"))
    number = pl.when(e.str.contains(_SERIAL_RE)).then(e).otherwise(None).cast(pl.Float64, strict=False)
    inside = number.is_between(_SERIAL_MIN, _SERIAL_MAX, closed="left")
    micros = (number * 86400.0).round(0).cast(pl.Int64) * 1_000_000 + _EXCEL_EPOCH_US
    return pl.when(inside).then(micros).otherwise(None).cast(pl.Datetime("us"))


def _all_formats_expr(e: pl.Expr, timezone: str) -> pl.Expr:
    return pl.coalesce([_time_expr(e, f, timezone) for f in _TIME_FORMATS])


def _guess_format(values: Sequence[str], timezone: str) -> tuple[str, str]:
    """The format most of a sample is written in: parsed first, the rest only if needed."""
    sample = [v.strip() for v in values if v and v.strip()][:500]
    if not sample:
        return _TIME_FORMATS[0]
    frame = pl.DataFrame({"v": sample})
    counts = frame.select(
        [_time_expr(pl.col("v"), f, timezone).is_not_null().sum().alias(str(i)) for i, f in enumerate(_TIME_FORMATS)]
    ).row(0)
    best = max(range(len(counts)), key=lambda i: (counts[i], -i))
    return _TIME_FORMATS[best]


def _parse_times(raw: pl.Series, timezone: str, primary: tuple[str, str] | None = None) -> pl.Series:
    """Strings (stripped, null when empty) to naive datetime[us]; null where unreadable."""
    if primary is None:
        primary = _guess_format(raw.drop_nulls().head(500).to_list(), timezone)
    frame = raw.alias("v").to_frame()
    parsed = frame.select(_time_expr(pl.col("v"), primary, timezone)).to_series()
    retry = (raw.is_not_null() & parsed.is_null()).arg_true()
    if retry.len():
        again = raw.gather(retry).alias("v").to_frame().select(_all_formats_expr(pl.col("v"), timezone)).to_series()
        parsed = parsed.scatter(retry, again)
    return parsed


def _clean(e: pl.Expr) -> pl.Expr:
    """Trim spaces; an empty cell is null."""
    s = e.str.strip_chars()
    return pl.when(s.str.len_bytes() > 0).then(s).otherwise(None)


def _step_expr(e: pl.Expr) -> pl.Expr:
    """The leading step number of "6", "6.0", "Langkah 6", "6. Menganalisa ..."; null if none."""
    n = e.str.extract(_STEP_RE, 1).cast(pl.Int64, strict=False)
    return pl.when(n.is_between(1, _MAX_STEP)).then(n).otherwise(None)


def _plain_step_expr(e: pl.Expr) -> pl.Expr:
    """The step of a plain number: the columnar reader's quick path. Every value it accepts
    `_step_expr` reads the same; the rest are flagged and go to `_step_expr`."""
    n = e.cast(pl.Int64, strict=False)
    return pl.when(n.is_between(1, _MAX_STEP)).then(n).otherwise(None)


def _cell_text(value: Any) -> str | None:
    """An xlsx or JSON value as the text a CSV would hold; datetimes as ISO 8601."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.isoformat()
        return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the validator shared by both readers ------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    file: str
    sheet: str | None
    header: _Header
    separator: str | None = None  # CSV only: named in messages about ragged rows

    @property
    def key(self) -> str:
        return self.file if self.sheet is None else f"{self.file} › {self.sheet}"


def _raw_frame(rows: list[int], blank_text: list[str | None], nfields: list[int], values: dict[str, list[str | None]]) -> pl.DataFrame:
    data: dict[str, Any] = {
        "row": pl.Series("row", rows, dtype=pl.Int64),
        "joined": pl.Series("joined", blank_text, dtype=pl.String),
        "nfields": pl.Series("nfields", nfields, dtype=pl.Int64),
    }
    for col in _RAW_COLUMNS:
        data[col] = pl.Series(col, values.get(col, [None] * len(rows)), dtype=pl.String)
    return pl.DataFrame(data)


def _validate(raw: pl.DataFrame, source: _Source, timezone: str) -> tuple[pl.DataFrame, list[RowProblem], int, int]:
    """Check raw string rows: (frame of good rows, problems, blank row count, XES lifecycle
    events merged into another row).

    raw has row, joined (all cells concatenated, for blank detection), nfields and the
    canonical columns as unstripped strings (null: absent).
    """
    expected = len(source.header.names)
    frame = raw.with_columns(
        (pl.col("joined").is_null() | (pl.col("joined").str.strip_chars().str.len_bytes() == 0)).alias("blank"),
        *[_clean(pl.col(c)).alias(c) for c in _RAW_COLUMNS],
    )
    blank = int(frame["blank"].sum())
    frame = frame.filter(~pl.col("blank"))
    if frame.height == 0:
        return _empty_frame(), [], blank, 0
    start = _parse_times(frame["mulai"], timezone)
    end = _parse_times(frame["selesai"], timezone)
    frame = frame.with_columns(
        _step_expr(pl.col("langkah")).alias("step"),
        start.alias("start"),
        end.alias("end"),
    )
    frame = frame.with_columns(
        (pl.col("nfields") != expected).alias("ragged"),
        (
            (pl.col("nfields") != expected)
            | pl.any_horizontal([pl.col(c).is_null() for c in REQUIRED])
            | pl.col("step").is_null()
            | pl.col("start").is_null()
            | (pl.col("selesai").is_not_null() & pl.col("end").is_null())
            | (pl.col("end") < pl.col("start")).fill_null(False)
        ).alias("bad"),
    )
    problems = [_problem(r, source, expected) for r in frame.filter(pl.col("bad")).iter_rows(named=True)]
    good = frame.filter(~pl.col("bad"))
    merged = 0
    if "lifecycle" in source.header.index:
        good, merged = _pair_lifecycle(good)
    return good.select(_final_columns()), problems, blank, merged


_START_EVENTS = ("start",)
_END_EVENTS = ("complete",)


def _pair_lifecycle(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """XES events to step executions: (rows, events merged into another row).

    Within a (sop, case, step), the k-th `start` event in time order pairs with the k-th
    `complete` event: one row, at the start event's line, ending at the complete event's
    time (its output used when the start event has none). A `complete` without a `start`
    (an export with completion times only) is a row that starts and ends at its time. An
    event of any other transition (schedule, assign, suspend, resume, ...) is not an
    execution and is merged away; a row with an empty transition is an ordinary row.
    Merged events are counted, never dropped silently.
    """
    c = pl.col
    kind = c("lifecycle").str.strip_chars().str.to_lowercase()
    frame = frame.with_columns(
        pl.when(kind.is_in(_START_EVENTS)).then(pl.lit("s")).when(kind.is_in(_END_EVENTS)).then(pl.lit("e"))
        .when(kind.is_null() | (kind == "")).then(pl.lit("r")).otherwise(pl.lit("x")).alias("_t")
    )
    other = int((frame["_t"] == "x").sum())
    group = ["sop", "kasus", "step"]
    events = frame.filter(c("_t").is_in(["s", "e"])).sort([*group, "start", "row"], nulls_last=False)
    events = events.with_columns(pl.int_range(pl.len()).over([*group, "_t"]).alias("_k"))
    starts = events.filter(c("_t") == "s")
    ends = events.filter(c("_t") == "e").select(*group, "_k", c("start").alias("_end"), c("output").alias("_out"), c("row").alias("_erow"))
    paired = starts.join(ends, on=[*group, "_k"], how="left", nulls_equal=True)
    ok = c("_end").is_not_null() & (c("_end") >= c("start"))
    paired = paired.with_columns(
        pl.when(ok).then(c("_end")).otherwise(None).alias("end"),
        pl.when(ok & c("output").is_null()).then(c("_out")).otherwise(c("output")).alias("output"),
        pl.when(ok).then(c("_erow")).otherwise(None).alias("_used"),
    )
    used = paired["_used"].drop_nulls()
    alone = events.filter((c("_t") == "e") & ~c("row").is_in(used.implode())).with_columns(c("start").alias("end"))
    columns = frame.columns
    rows = pl.concat(
        [frame.filter(c("_t") == "r").select(columns), paired.select(columns), alone.select(columns)], how="vertical_relaxed"
    ).sort("row")
    return rows.drop("_t"), used.len() + other


def _final_columns() -> list[pl.Expr]:
    return [
        pl.col("row").cast(pl.Int64),
        pl.col("sop"),
        pl.col("kasus").alias("case"),
        pl.col("step"),
        pl.col("pelaksana").alias("actor"),
        pl.col("start"),
        pl.col("end"),
        pl.col("output").fill_null(""),
        pl.col("catatan").fill_null("").alias("note"),
    ]


def _empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=_FRAME_SCHEMA)


def _problem(r: dict[str, Any], source: _Source, expected: int) -> RowProblem:
    """One message for everything wrong in a row, in the order a person would fix it."""
    h = source.header
    parts: list[str] = []
    if r["ragged"]:
        sep = f" '{source.separator}'" if source.separator else ""
        more = "lebih" if r["nfields"] > expected else "kurang"
        parts.append(
            f"baris ini berisi {r['nfields']} kolom, padahal kepala tabel berisi {expected} kolom ({more}); "
            f"periksa pemisah{sep} dan tanda kutip di baris ini"
        )
    else:
        empty = [c for c in REQUIRED if r[c] is None]
        if empty:
            names = " dan ".join(h.label(c) for c in empty)
            parts.append(f"kolom wajib {names} kosong; isi nilainya atau hapus baris ini")
        if r["langkah"] is not None and r["step"] is None:
            parts.append(
                f"kolom {h.label('langkah')} berisi '{_short(r['langkah'])}', bukan nomor langkah; "
                "tulis angka 1 atau lebih, mis. 6 atau 'Langkah 6'"
            )
        for col, name in (("mulai", "start"), ("selesai", "end")):
            text = r[col]
            if text is not None and r[name] is None:
                if re.fullmatch(r"\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?", text):
                    what = "hanya jam tanpa tanggal"
                else:
                    what = "bukan tanggal-waktu yang sah"
                tail = "; kosongkan bila langkah belum selesai" if col == "selesai" else ""
                parts.append(f"kolom {h.label(col)} berisi '{_short(text)}', {what}; {_TIME_HINT}{tail}")
        if r["start"] is not None and r["end"] is not None and r["end"] < r["start"]:
            parts.append(
                f"{h.label('selesai')} ({_fmt(r['end'])}) lebih awal daripada {h.label('mulai')} ({_fmt(r['start'])}); "
                "periksa tanggal dan jamnya"
            )
    return RowProblem(source.file, int(r["row"]), source.sheet, "; ".join(parts))


def _fmt(t: datetime) -> str:
    return t.strftime("%d/%m/%Y %H:%M:%S" if t.second or t.microsecond else "%d/%m/%Y %H:%M")


# -- CSV -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvLayout:
    separator: str
    header: _Header
    header_lines: int  # physical lines before the first data line (header, optional "sep=")
    has_quotes: bool  # a quote character occurs after the header
    size: int


def _utf8_error(file: str, data: bytes, err: UnicodeDecodeError, base: int = 0, lines: int = 0) -> LogFileError:
    offset = base + err.start
    line = lines + data.count(b"\n", 0, err.start) + 1
    bad = data[err.start : err.start + 1].hex().upper()
    return LogFileError(
        file,
        f"berkas log '{file}' bukan teks UTF-8: byte 0x{bad} di posisi byte {offset} (baris {line}); "
        "simpan ulang sebagai 'CSV UTF-8' (Excel: Simpan Sebagai › CSV UTF-8)",
    )


def _check_text(file: str, head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        raise _nul_error(file)


def _nul_error(file: str) -> LogFileError:
    return LogFileError(
        file,
        f"berkas log '{file}' tampaknya UTF-16 atau biner (berisi byte NUL), bukan teks UTF-8; "
        "simpan ulang sebagai 'CSV UTF-8'",
    )


def _scan_utf8(file: str, path: Path) -> None:
    """Raise LogFileError naming the first invalid UTF-8 byte (offset and line), if any.

    Reads in chunks so a large file is never held whole; a sequence cut by a chunk border
    is carried over to the next chunk.
    """
    base = 0  # file offset of buf[0]
    lines = 0  # newlines before buf[0]
    carry = b""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_UTF8_CHUNK)
            buf = carry + chunk
            try:
                buf.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as err:
                if chunk and err.reason == "unexpected end of data" and err.start >= len(buf) - 3:
                    carry = buf[err.start :]
                    buf = buf[: err.start]
                else:
                    raise _utf8_error(file, buf, err, base, lines) from None
            if not chunk:
                return
            base += len(buf)
            lines += buf.count(b"\n")


def _sniff_separator(line: str) -> str:
    counts = {sep: 0 for sep in (",", ";", "\t", "|")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def _csv_layout(file: str, path: Path) -> _CsvLayout | None:
    """Header, separator and quoting of a CSV; None if the header is too odd for polars."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        while head.count(b"\n") < 2 and len(head) < min(size, 1 << 24):  # header (+ "sep=")
            more = fh.read(1 << 16)
            if not more:
                break
            head += more
    _check_text(file, head)
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    lines = body.split(b"\n", 2)
    try:
        first = lines[0].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as err:
        raise _utf8_error(file, head, err, 0) from None
    header_lines = 1
    separator: str | None = None
    m = re.fullmatch(r"sep=(.)", first.strip())
    if m:
        separator = m.group(1)
        header_lines = 2
        try:
            first = lines[1].decode("utf-8").rstrip("\r") if len(lines) > 1 else ""
        except UnicodeDecodeError as err:
            raise _utf8_error(file, head, err, 0) from None
    if not first.strip():
        raise LogFileError(file, f"berkas log '{file}' tidak punya baris kepala tabel (baris {header_lines} kosong); baris pertama harus berisi nama kolom")
    separator = separator or _sniff_separator(first)
    if first.count('"') % 2:
        return None  # the header itself spans lines: leave it to the exact reader
    names = next(csv.reader([first], delimiter=separator, quotechar='"'))
    header = _map_header(names)
    if header.missing:
        raise LogFileError(file, _missing_message(file, header))
    with open(path, "rb") as fh:
        if size == 0:
            has_quotes = False
        else:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                start = len(head) - len(body) + sum(len(x) + 1 for x in lines[:header_lines])
                if mm.find(b"\x00") != -1:
                    raise _nul_error(file)
                has_quotes = mm.find(b'"', min(start, size)) != -1
    return _CsvLayout(separator, header, header_lines, has_quotes, size)


def read_csv_frame(
    path: str | Path, timezone: str = "Asia/Jakarta", *, engine: str = "auto", categorical: bool = False
) -> tuple[pl.DataFrame, list[RowProblem]]:
    """A CSV log as a frame of good rows plus the problems of the others.

    Columns: row (Int64, 1-based physical line where the record starts), sop (null when
    absent), case, step (Int64), actor, start, end (datetime[us], naive local; end null if
    open), output and note ("" when empty). engine "auto" uses the columnar polars reader
    and falls back to the exact Python reader for files it cannot split line by line
    (quoted fields holding line breaks, malformed quoting); "python" forces the latter.
    categorical=True gives sop, case, actor, output and note as pl.Categorical: 4 bytes a
    row instead of 16 or more, what keeps ten million rows well inside 2 GB.
    """
    result = _read_csv(str(path), Path(path), timezone, engine, categorical)
    return result.frame, result.problems


_TEXT_COLUMNS = ("sop", "case", "actor", "output", "note")


def _as_categorical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns([pl.col(c).cast(pl.Categorical) for c in _TEXT_COLUMNS])


@dataclass
class _FileResult:
    frame: pl.DataFrame  # _FRAME_COLUMNS, plus "sheet" for xlsx
    problems: list[RowProblem]
    blank: int
    ignored: dict[str, list[str]]
    notes: list[str] = field(default_factory=list)
    merged: int = 0  # XES lifecycle events merged into the row of their step execution


def _read_csv(file: str, path: Path, timezone: str, engine: str = "auto", categorical: bool = False) -> _FileResult:
    if engine not in ("auto", "polars", "python"):
        raise ValueError(f"engine '{engine}' tidak dikenal; pilih auto, polars atau python")
    _require_file(file, path)
    layout = _csv_layout(file, path)
    if layout is not None and "lifecycle" in layout.header.index:
        layout = None  # start and complete events are paired by the exact reader
    if layout is not None and engine != "python":
        try:
            result = _read_csv_polars(file, path, layout, timezone, categorical)
        except pl.exceptions.PolarsError as err:
            if "utf-8" in str(err).lower() or "utf8" in str(err).lower():
                _scan_utf8(file, path)
            if engine == "polars":
                raise
            result = None
        if result is not None:
            return result
    result = _read_csv_python(file, path, timezone)
    if categorical:
        result.frame = _as_categorical(result.frame)
    return result


def _line_query(path: Path, layout: _CsvLayout) -> pl.LazyFrame:
    return pl.scan_csv(
        path,
        has_header=False,
        separator="\x00",
        quote_char=None,
        schema={"line": pl.String},
        skip_lines=layout.header_lines,
        row_index_name="i",
        encoding="utf8",
    )


def _csv_query(path: Path, layout: _CsvLayout, quotes: bool = True) -> pl.LazyFrame:
    """quotes=False: a file with no quote character at all, parsed by polars as is; a line with
    too many fields makes polars refuse it, and `_PlainCounts.prove` the rest (no blank line
    skipped, no line short of fields), so record i is physical line i."""
    width = len(layout.header.names)
    return pl.scan_csv(
        path,
        has_header=True,
        separator=layout.separator,
        quote_char='"' if quotes else None,
        skip_lines=layout.header_lines - 1,
        new_columns=[f"c{i}" for i in range(width)],
        infer_schema=False,
        truncate_ragged_lines=quotes,
        row_index_name="i",
        encoding="utf8",
    )


@dataclass(frozen=True)
class _PlainCounts:
    """What the bytes after the header hold, for proving polars' parse of a quote-free file."""

    lines: int
    newlines: int
    size: int  # bytes
    has_cr: bool

    def prove(self, height: int, width: int, field_bytes: int) -> bool:
        """Every physical line is one record of exactly `width` fields.

        Without quotes and carriage returns, polars keeps every byte of a line but the
        separators in its fields, pads a short line with empty fields and refuses a long
        one. So the lines' bytes (`size` less the newlines) equal the fields' bytes plus
        `width - 1` separators per line only when no line is short; and the line count must
        match, or a line was skipped. A carriage return (which polars drops) proves nothing.
        """
        if self.has_cr or height != self.lines:
            return False
        return self.size - self.newlines == field_bytes + height * (width - 1)


def _plain_counts(path: Path, layout: _CsvLayout) -> _PlainCounts:
    """Count lines and bytes after the header, in bounded chunks."""
    newlines = size = 0
    has_cr = False
    last = b"\n"
    with open(path, "rb") as fh:
        for _ in range(layout.header_lines):
            fh.readline()
        while chunk := fh.read(1 << 24):
            newlines += chunk.count(b"\n")
            has_cr = has_cr or b"\r" in chunk
            size += len(chunk)
            last = chunk[-1:]
    return _PlainCounts(newlines + (last != b"\n"), newlines, size, has_cr)


def _raw_query(base: pl.LazyFrame, layout: _CsvLayout) -> pl.LazyFrame:
    """i, joined (all cells, for the blank test), nfields (null: counted separately) and the
    raw canonical columns.

    Without quotes a line is a record and its fields are split from it once (one scan);
    with quotes polars' CSV parser gives the values and `_field_counts` the counts.
    """
    width = len(layout.header.names)
    sep = layout.separator
    missing = pl.lit(None, dtype=pl.String)
    if not layout.has_quotes and "line" in base.collect_schema().names():
        line = pl.col("line")
        split = base.select(
            pl.col("i"),
            line.str.replace_all(sep, "", literal=True).alias("joined"),
            (line.str.count_matches(sep, literal=True) + 1).cast(pl.Int64).alias("nfields"),
            line.str.split_exact(sep, max(width - 1, 0)).alias("parts"),
        ).unnest("parts")
        cols = [(pl.col(f"field_{layout.header.index[c]}") if c in layout.header.index else missing).alias(c) for c in _RAW_COLUMNS]
        return split.select(pl.col("i"), pl.col("joined"), pl.col("nfields"), *cols)
    cols = [(pl.col(f"c{layout.header.index[c]}") if c in layout.header.index else missing).alias(c) for c in _RAW_COLUMNS]
    return base.select(
        pl.col("i"),
        pl.concat_str([pl.col(f"c{i}") for i in range(width)], ignore_nulls=True).alias("joined"),
        pl.lit(None, dtype=pl.Int64).alias("nfields"),
        *cols,
    )


def _field_counts(path: Path, layout: _CsvLayout) -> pl.Series | None:
    """Fields per line of a quoted CSV, or None when a record may span lines.

    A line with an odd number of quote characters opens a quoted field that continues on
    the next line (or is malformed): such files go to the exact reader.
    """
    sep = re.escape(layout.separator)
    line = pl.col("line")
    counts = (
        _line_query(path, layout)
        .select(
            (line.str.count_matches('"', literal=True) % 2 == 1).alias("odd"),
            # Quoted fields (quote at the start of a field) may hold separators: drop them.
            (line.str.replace_all(rf'(^|{sep})"(?:[^"]|"")*"', "$1").str.count_matches(sep) + 1)
            .fill_null(1)
            .cast(pl.Int64)
            .alias("nfields"),
        )
        .collect(engine="streaming")
    )
    if counts["odd"].any():
        return None
    return counts["nfields"]


def _read_csv_polars(
    file: str, path: Path, layout: _CsvLayout, timezone: str, categorical: bool = False, lines: bool = False
) -> _FileResult | None:
    """The columnar reader; None when the file needs the exact reader.

    One streaming query parses every row with the time format most rows use; rows it
    cannot accept as they are (blank aside) are flagged, read again as raw text and given
    to `_validate`, which tries every format and words the problems.
    """
    source = _Source(file, None, layout.header, layout.separator)
    ignored = {file: list(layout.header.ignored)} if layout.header.ignored else {}
    width = len(layout.header.names)
    first_line = layout.header_lines + 1
    counts: pl.Series | None = None
    proven = False
    plain_job: concurrent.futures.Future | None = None
    if layout.has_quotes:
        counts = _field_counts(path, layout)
        if counts is None:
            return None
        base = _csv_query(path, layout)
    elif lines:
        base = _line_query(path, layout)
    else:
        # Fastest: polars' own CSV parser, trusted only where the byte counts prove every line
        # is one record with exactly `width` fields (`_PlainCounts.prove`); otherwise split
        # the lines ourselves. Counted on a thread while polars parses (it releases the GIL).
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        plain_job = pool.submit(_plain_counts, path, layout)
        pool.shutdown(wait=False)  # the thread ends with the count: none is left behind
        base = _csv_query(path, layout, quotes=False)
    raw = _raw_query(base, layout)
    sample = _sample_values(path, layout)
    times = _Times(_guess_format(sample["mulai"], timezone), _guess_format(sample["selesai"] or sample["mulai"], timezone), timezone)
    parsed: pl.DataFrame | None = None
    try:
        if categorical and not lines:
            query = _as_written_query(base, layout, times, field_bytes=plain_job is not None)
            parsed = query.collect(engine="streaming")
            if not _texts_are_trimmed(parsed):
                parsed = None
        if parsed is None:
            query = _trimming_query(raw, layout, times, categorical=categorical, field_bytes=plain_job is not None)
            parsed = query.collect(engine="streaming")
    except pl.exceptions.NoDataError:
        return _FileResult(_empty_frame(), [], 0, ignored)
    except pl.exceptions.ComputeError:
        if plain_job is None:
            raise
        parsed = None  # a line with more fields than the header
    if plain_job is not None:
        counts_of_bytes: _PlainCounts = plain_job.result()
        proven = parsed is not None and counts_of_bytes.prove(parsed.height, width, int(parsed["nbytes"].sum()))
        if not proven:
            del parsed
            return _read_csv_polars(file, path, layout, timezone, categorical, lines=True)
    assert parsed is not None
    c = pl.col
    if counts is not None:
        if parsed.height != counts.len():
            return None  # polars split records differently from lines: exact reader
        parsed = parsed.with_columns(c("flagged") | (counts != width))
    blank_count = int(parsed["blank"].sum())
    bad_idx = parsed.filter(c("flagged") & ~c("blank"))["i"]
    if blank_count or bad_idx.len():
        good = parsed.filter(~c("blank") & ~c("flagged")).select(_FRAME_COLUMNS)
    else:
        good = parsed.select(_FRAME_COLUMNS)  # shares the columns: no copy of a big frame
    del parsed
    problems: list[RowProblem] = []
    if bad_idx.len():
        again_raw = (
            raw.filter(c("i").is_in(bad_idx.implode()))
            .with_columns((c("i").cast(pl.Int64) + first_line).alias("row"))
            .collect(engine="streaming")
        )
        if counts is not None:
            again_raw = again_raw.with_columns(counts.gather(again_raw["i"]).alias("nfields"))
        elif proven:
            again_raw = again_raw.with_columns(pl.lit(width, dtype=pl.Int64).alias("nfields"))
        again, problems, again_blank, _ = _validate(again_raw.drop("i"), source, timezone)
        blank_count += again_blank  # whitespace-only rows, which the as-written query flags
        if categorical:
            again = _as_categorical(again)
        if again.height:
            good = pl.concat([good, again]).sort("row")
    return _FileResult(good, problems, blank_count, ignored)


@dataclass(frozen=True)
class _Times:
    """How the columnar reader parses the start and end columns."""

    start: tuple[str, str]  # a `_TIME_FORMATS` entry
    end: tuple[str, str]
    timezone: str


def _rows_query(cells: pl.LazyFrame, layout: _CsvLayout, times: _Times, text, field_bytes: bool) -> pl.LazyFrame:
    """cells (i, blank, nfields, the canonical columns, and nbytes if wanted) parsed into the
    reader's rows: i, blank, flagged (rows `_validate` must look at), row, `_FRAME_COLUMNS`
    and nbytes.

    Stages keep each expression computed once per row (a streaming query does not share
    common subexpressions across columns)."""
    c = pl.col
    width = len(layout.header.names)
    return (
        cells.with_columns(
            _plain_step_expr(c("langkah")).alias("step"),
            _time_expr(c("mulai"), times.start, times.timezone).alias("start"),
            _time_expr(c("selesai"), times.end, times.timezone).alias("end"),
        )
        .select(
            c("i"),
            c("blank"),
            (
                c("nfields").is_not_null() & (c("nfields") != width)
                | pl.any_horizontal([c(col).is_null() for col in REQUIRED])
                | c("step").is_null()
                | c("start").is_null()
                | (c("selesai").is_not_null() & c("end").is_null())
                | (c("end") < c("start")).fill_null(False)
            ).alias("flagged"),
            (c("i").cast(pl.Int64) + layout.header_lines + 1).alias("row"),
            text(c("sop")),
            text(c("kasus")).alias("case"),
            c("step"),
            text(c("pelaksana")).alias("actor"),
            c("start"),
            c("end"),
            text(c("output").fill_null("")),
            text(c("catatan").fill_null("")).alias("note"),
            *([c("nbytes")] if field_bytes else []),
        )
    )


def _trimming_query(raw: pl.LazyFrame, layout: _CsvLayout, times: _Times, categorical: bool, field_bytes: bool = False) -> pl.LazyFrame:
    """Every cell trimmed (an all-space cell is empty), then parsed. field_bytes: add nbytes,
    the bytes of a row's cells as written (for `_PlainCounts.prove`)."""
    c = pl.col
    cells = raw.select(
        c("i"),
        (c("joined").is_null() | (c("joined").str.strip_chars().str.len_bytes() == 0)).alias("blank"),
        c("nfields"),
        *[_clean(c(col)).alias(col) for col in _RAW_COLUMNS],
        *([c("joined").str.len_bytes().cast(pl.Int64).fill_null(0).alias("nbytes")] if field_bytes else []),
    )
    text = (lambda e: e.cast(pl.Categorical)) if categorical else (lambda e: e)  # noqa: E731
    return _rows_query(cells, layout, times, text, field_bytes)


def _as_written_query(base: pl.LazyFrame, layout: _CsvLayout, times: _Times, field_bytes: bool = False) -> pl.LazyFrame:
    """The cells parsed as written, texts straight to categories: about half the work of
    `_trimming_query`, and the same rows wherever no cell has spaces around it.

    A row is blank when every cell is empty. Padded times or steps fail to parse and are
    flagged, so `_validate` reads them (and finds whitespace-only rows blank); padded texts
    are seen in the categories (`_texts_are_trimmed`) and send the file to the trimming query.
    field_bytes as in `_trimming_query`.
    """
    c = pl.col
    width = len(layout.header.names)
    index = layout.header.index
    missing = pl.lit(None, dtype=pl.String)

    def cell(col: str) -> pl.Expr:
        e = c(f"c{index[col]}") if col in index else missing
        if layout.has_quotes and col in _QUOTABLE_TEXTS:  # polars reads "" as an empty text, not a null
            e = pl.when(e.str.len_bytes() > 0).then(e)
        return e

    cells = base.select(
        c("i"),
        pl.all_horizontal([c(f"c{k}").is_null() for k in range(width)]).alias("blank"),
        pl.lit(None, dtype=pl.Int64).alias("nfields"),
        *[cell(col).alias(col) for col in _RAW_COLUMNS],
        *([pl.sum_horizontal([c(f"c{k}").str.len_bytes().cast(pl.Int64) for k in range(width)]).alias("nbytes")] if field_bytes else []),
    )
    return _rows_query(cells, layout, times, lambda e: e.cast(pl.Categorical), field_bytes)


_QUOTABLE_TEXTS = ("sop", "kasus", "pelaksana", "output", "catatan")


def _texts_are_trimmed(parsed: pl.DataFrame) -> bool:
    """No text value (of the few distinct ones) has spaces around it or is only spaces."""
    for col in _TEXT_COLUMNS:
        values = parsed.get_column(col).unique().cast(pl.String).drop_nulls()
        if values.len() and (values.str.strip_chars() != values).any():
            return False
    return True


def _sample_values(path: Path, layout: _CsvLayout, limit: int = 500) -> dict[str, list[str]]:
    """Start and end texts of the first rows, to guess the time format most rows use."""
    out: dict[str, list[str]] = {"mulai": [], "selesai": []}
    with open(path, "rb") as fh:
        head = fh.read(1 << 18)
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    lines = text.splitlines()[layout.header_lines : layout.header_lines + limit]
    for fields in csv.reader(lines, delimiter=layout.separator, quotechar='"'):
        for col in out:
            i = layout.header.index.get(col)
            if i is not None and i < len(fields) and fields[i].strip():
                out[col].append(fields[i])
    return out


def _read_csv_python(file: str, path: Path, timezone: str) -> _FileResult:
    """The exact reader: Python's csv module, record by record, tracking physical lines."""
    data = path.read_bytes()
    _check_text(file, data[:4096])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _utf8_error(file, data, err) from None
    if "\x00" in text:
        raise _nul_error(file)
    stream = io.StringIO(text, newline="")
    first = stream.readline()
    header_lines = 0
    separator: str | None = None
    m = re.fullmatch(r"sep=(.)", first.strip())
    if m:
        separator = m.group(1)
        header_lines = 1
    else:
        stream.seek(0)
    start_pos = stream.tell()
    first_line = stream.readline()
    stream.seek(start_pos)
    if not first_line.strip():
        raise LogFileError(file, f"berkas log '{file}' tidak punya baris kepala tabel (baris {header_lines + 1} kosong); baris pertama harus berisi nama kolom")
    separator = separator or _sniff_separator(first_line)
    reader = csv.reader(stream, delimiter=separator, quotechar='"', strict=False)
    try:
        names = next(reader)
    except StopIteration:
        raise LogFileError(file, f"berkas log '{file}' kosong; baris pertama harus berisi nama kolom") from None
    header = _map_header(names)
    if header.missing:
        raise LogFileError(file, _missing_message(file, header))
    rows: list[int] = []
    joined: list[str | None] = []
    nfields: list[int] = []
    values: dict[str, list[str | None]] = {c: [] for c in _RAW_COLUMNS}
    index = [(c, header.index.get(c)) for c in _RAW_COLUMNS]
    consumed = header_lines + reader.line_num
    try:
        for fields in reader:
            rows.append(consumed + 1)
            consumed = header_lines + reader.line_num
            joined.append("".join(fields))
            nfields.append(len(fields))
            for c, i in index:
                values[c].append(fields[i] if i is not None and i < len(fields) else None)
    except csv.Error as err:
        raise LogFileError(file, f"berkas log '{file}' baris {consumed + 1}: CSV tidak terbaca ({err}); periksa tanda kutip") from None
    raw = _raw_frame(rows, joined, nfields, values)
    frame, problems, blank, merged = _validate(raw, _Source(file, None, header, separator), timezone)
    return _FileResult(frame, problems, blank, {file: list(header.ignored)} if header.ignored else {}, merged=merged)


# -- JSONL -----------------------------------------------------------------------------------


def _read_jsonl(file: str, path: Path, timezone: str) -> _FileResult:
    """One JSON object per line; keys are headers. A line that is not an object is a problem."""
    data = path.read_bytes()
    _check_text(file, data[:4096])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _utf8_error(file, data, err) from None
    records: list[tuple[int, dict[str, Any]]] = []
    broken: list[RowProblem] = []
    blank = 0
    keys: dict[str, None] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    for n, line in enumerate(lines, 1):
        if not line.strip():
            blank += 1
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            broken.append(RowProblem(file, n, None, f"baris ini bukan JSON yang sah ({err.msg}, kolom {err.colno}); tulis satu objek JSON per baris, mis. {{\"kasus\": \"Oktober 2023\", ...}}"))
            continue
        if not isinstance(obj, dict):
            broken.append(RowProblem(file, n, None, "baris ini bukan objek JSON; tulis satu objek per baris, mis. {\"kasus\": \"Oktober 2023\", ...}"))
            continue
        for k in obj:
            keys.setdefault(str(k), None)
        records.append((n, obj))
    if not records and not broken:
        raise LogFileError(file, f"berkas log '{file}' kosong: tidak ada satu pun objek JSON")
    names = list(keys)
    header = _map_header(names)
    if header.missing and records:
        raise LogFileError(file, _missing_message(file, header))
    values: dict[str, list[str | None]] = {c: [] for c in _RAW_COLUMNS}
    joined: list[str | None] = []
    key_of = {c: names[i] for c, i in header.index.items()}
    for _n, obj in records:
        texts = [_cell_text(v) for v in obj.values()]
        joined.append("".join(t for t in texts if t is not None))
        for c in _RAW_COLUMNS:
            values[c].append(_cell_text(obj.get(key_of[c])) if c in key_of else None)
    raw = _raw_frame([n for n, _ in records], joined, [len(names)] * len(records), values)
    frame, problems, blank_objects, merged = _validate(raw, _Source(file, None, header), timezone)
    problems = sorted(problems + broken, key=lambda p: p.row)
    return _FileResult(frame, problems, blank + blank_objects, {file: list(header.ignored)} if header.ignored else {}, merged=merged)


# -- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(file: str, path: Path, timezone: str) -> _FileResult:
    """Every sheet with the required columns; other sheets are skipped with a note."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
        if magic != b"PK\x03\x04":
            raise LogFileError(file, f"berkas log '{file}' bukan berkas .xlsx yang utuh (bukan arsip Excel); buka di Excel lalu simpan ulang sebagai .xlsx")
        book = CalamineWorkbook.from_path(str(path))
        sheets = [(m.name, m.visible == SheetVisibleEnum.Visible) for m in book.sheets_metadata]
    except LogFileError:
        raise
    except (CalamineError, OSError, ValueError) as err:
        raise LogFileError(file, f"berkas log '{file}' rusak atau terpotong, tidak bisa dibaca sebagai .xlsx ({err}); buka di Excel lalu simpan ulang") from None
    frames: list[pl.DataFrame] = []
    problems: list[RowProblem] = []
    ignored: dict[str, list[str]] = {}
    notes: list[str] = []
    rejected: list[str] = []
    blank = 0
    merged = 0
    for name, visible in sheets:
        try:
            cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as err:
            raise LogFileError(file, f"berkas log '{file}': lembar '{name}' rusak ({err}); buka di Excel lalu simpan ulang") from None
        at, header = _find_header(cells)
        if header is None or header.missing:
            found = ", ".join(f"'{n}'" for n in (header.names if header else ()) if n)
            why = f"kolom wajib {', '.join(repr(c) for c in header.missing)} tidak ada (kolom: {found})" if header else "kosong"
            rejected.append(f"lembar '{name}': {why}")
            if visible:
                notes.append(f"{file} › lembar '{name}' dilewati: {why}")
                if header is not None and any(header.names):
                    ignored[f"{file} › {name}"] = [n for n in header.names if n]
            continue
        source = _Source(file, name, header)
        width = len(header.names)
        rows: list[int] = []
        joined: list[str | None] = []
        values: dict[str, list[str | None]] = {c: [] for c in _RAW_COLUMNS}
        index = [(c, header.index.get(c)) for c in _RAW_COLUMNS]
        for r in range(at + 1, len(cells)):
            texts = [_cell_text(v) for v in cells[r]]
            rows.append(r + 1)
            joined.append("".join(t for t in texts if t))
            for c, i in index:
                values[c].append(texts[i] if i is not None and i < len(texts) else None)
        raw = _raw_frame(rows, joined, [width] * len(rows), values)
        frame, sheet_problems, sheet_blank, sheet_merged = _validate(raw, source, timezone)
        merged += sheet_merged
        frames.append(frame.with_columns(pl.lit(name, dtype=pl.String).alias("sheet")))
        problems.extend(sheet_problems)
        blank += sheet_blank
        if header.ignored:
            ignored[source.key] = list(header.ignored)
    if not frames:
        detail = "; ".join(rejected) or "tidak ada lembar"
        raise LogFileError(
            file,
            f"berkas log '{file}': tidak ada lembar yang memuat kolom wajib {', '.join(repr(c) for c in REQUIRED)} ({detail}). "
            f"Nama kolom yang diterima: {_accepted_names()}",
        )
    frame = pl.concat(frames) if len(frames) > 1 else frames[0]
    return _FileResult(frame, problems, blank, ignored, notes, merged)


def _find_header(cells: list[list[Any]]) -> tuple[int, _Header | None]:
    """The first of the top non-empty rows that names the required columns (a title block
    may sit above it); else the first non-empty row, to report what it holds."""
    first: tuple[int, _Header] | None = None
    seen = 0
    for r, row in enumerate(cells):
        texts = [_cell_text(v) for v in row]
        if not any(t and t.strip() for t in texts):
            continue
        header = _map_header(texts)
        if not header.missing:
            return r, header
        first = first or (r, header)
        seen += 1
        if seen >= _HEADER_SEARCH_ROWS:
            break
    return first if first else (0, None)


# -- the entry points ------------------------------------------------------------------------


def _require_file(file: str, path: Path) -> None:
    if not path.exists():
        raise LogFileError(file, f"berkas log '{file}' tidak ditemukan")
    if not path.is_file():
        raise LogFileError(file, f"'{file}' bukan berkas; sebut berkas log .xlsx, .csv atau .jsonl")


def _read_one(file: str, path: Path, timezone: str, categorical: bool = False) -> _FileResult:
    _require_file(file, path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(file, path, timezone, "auto", categorical)
    if suffix in (".jsonl", ".ndjson"):
        result = _read_jsonl(file, path, timezone)
    elif suffix in _EXCEL_EXTENSIONS:
        result = _read_xlsx(file, path, timezone)
    else:
        raise LogFileError(
            file,
            f"berkas log '{file}': jenis '{suffix or '(tanpa akhiran)'}' tidak dikenal; simpan sebagai .xlsx, .csv atau .jsonl",
        )
    if categorical:
        result.frame = _as_categorical(result.frame)
    return result


def read_frames(paths: Sequence[str | Path], timezone: str = "Asia/Jakarta", *, categorical: bool = False) -> FrameResult:
    """All logs as one frame (file, sheet + the `read_csv_frame` columns) and problems.

    categorical as in `read_csv_frame`."""
    frames: list[pl.DataFrame] = []
    problems: list[RowProblem] = []
    ignored: dict[str, list[str]] = {}
    notes: list[str] = []
    files: list[str] = []
    blank = 0
    merged = 0
    for p in paths:
        file = str(p)
        result = _read_one(file, Path(p), timezone, categorical)
        merged += result.merged
        if result.merged:
            notes.append(
                f"{file}: {result.merged} peristiwa XES (lifecycle:transition) digabung ke baris pelaksanaan langkahnya: "
                "'complete' dengan 'start'-nya, transisi lain bukan pelaksanaan"
            )
        files.append(file)
        sheet = pl.col("sheet") if "sheet" in result.frame.columns else pl.lit(None, dtype=pl.String)
        frames.append(
            result.frame.select(pl.lit(file, dtype=pl.String).alias("file"), sheet.alias("sheet"), *_FRAME_COLUMNS)
        )
        problems.extend(result.problems)
        ignored.update(result.ignored)
        notes.extend(result.notes)
        blank += result.blank
    if frames:
        frame = pl.concat(frames).with_columns(pl.col("file").cast(pl.Categorical), pl.col("sheet").cast(pl.Categorical))
    else:
        frame = _empty_frame().select(
            pl.lit(None, dtype=pl.Categorical).alias("file"), pl.lit(None, dtype=pl.Categorical).alias("sheet"), *_FRAME_COLUMNS
        )
    return FrameResult(frame, problems, files, ignored, frame.height + len(problems) + merged, blank, notes, merged)


def read_logs(paths: Sequence[str | Path], timezone: str = "Asia/Jakarta") -> ReadResult:
    """Read logs into LogRows and RowProblems; LogFileError when a whole file is unreadable."""
    result = read_frames(paths, timezone)
    rows = [
        LogRow(str(file), row, sheet, sop, case, step, actor, start, end, output, note)
        for file, sheet, row, sop, case, step, actor, start, end, output, note in result.frame.iter_rows()
    ]
    return ReadResult(rows, result.problems, result.files, result.ignored_columns, result.total_rows, result.blank_rows, result.notes, result.merged_rows)
