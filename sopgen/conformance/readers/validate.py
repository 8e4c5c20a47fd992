"""The validator shared by both readers: raw text rows into good rows and worded problems.

Every data row is accounted for: it is either a row or a RowProblem that names its line and
says what to fix; blank rows are only counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from sopgen.conformance.dates import HARI, wrong_weekday
from sopgen.conformance.readers.zones import indonesian_zone
from sopgen.conformance.readers.columns import _RAW_COLUMNS, REQUIRED, _Header
from sopgen.conformance.readers.dateorder import MONTH_FIRST, DateEvidence, evidence_of_texts
from sopgen.conformance.readers.lifecycle import _pair_lifecycle
from sopgen.conformance.readers.model import RowProblem, _empty_frame
from sopgen.conformance.readers.zones import end_not_before_start
from sopgen.conformance.readers.values import TIME_MAX, TIME_MIN, date_only, read_as, _TIME_HINT, _clean, _parse_times, _short, _step_expr


@dataclass(frozen=True)
class _Source:
    file: str
    sheet: str | None
    header: _Header
    separator: str | None = None  # CSV only: named in messages about ragged rows
    prior: DateEvidence | None = None  # dates of the source's rows read elsewhere (the columnar reader's)

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


def _validate(raw: pl.DataFrame, source: _Source, timezone: str) -> tuple[pl.DataFrame, list[RowProblem], int, int, DateEvidence]:
    """Check raw string rows: (frame of good rows, problems, blank row count, XES lifecycle
    events merged into another row, the evidence of the order of the source's numeric dates).

    raw has row, joined (all cells concatenated, for blank detection), nfields and the
    canonical columns as unstripped strings (null: absent). Numeric dates are read month
    first when these rows and `source.prior` prove the source writes them so (`dateorder`).
    """
    expected = len(source.header.names)
    frame = raw.with_columns(
        (pl.col("joined").is_null() | (pl.col("joined").str.strip_chars().str.len_bytes() == 0)).alias("blank"),
        *[_clean(pl.col(c)).alias(c) for c in _RAW_COLUMNS],
    )
    blank = int(frame["blank"].sum())
    frame = frame.filter(~pl.col("blank"))
    if frame.height == 0:
        return _empty_frame(), [], blank, 0, DateEvidence().merge(source.prior)
    dates = evidence_of_texts(frame).merge(source.prior)
    month_first = dates.order == MONTH_FIRST
    start = _parse_times(frame["mulai"], timezone, month_first=month_first)
    end = _parse_times(frame["selesai"], timezone, month_first=month_first)
    frame = frame.with_columns(
        _step_expr(pl.col("langkah")).alias("step"),
        start.alias("start"),
        end.alias("end"),
    )
    frame = frame.with_columns(
        ((date_only(pl.col("mulai")) & pl.col("start").is_not_null()) | (date_only(pl.col("selesai")) & pl.col("end").is_not_null())).alias("timeless")
    )
    frame = frame.with_columns(
        (pl.col("nfields") != expected).alias("ragged"),
        (~end_not_before_start(pl.col("start"), pl.col("end"), timezone)).fill_null(False).alias("backwards"),
    )
    frame = frame.with_columns(
        (
            (pl.col("nfields") != expected)
            | pl.any_horizontal([_empty(c) for c in REQUIRED])
            | pl.col("step").is_null()
            | pl.col("start").is_null()
            | (pl.col("selesai").is_not_null() & pl.col("end").is_null())
            | pl.col("backwards")
        ).alias("bad"),
    )
    bad = frame.filter(pl.col("bad"))
    unread = pl.concat([bad.filter(pl.col(c).is_not_null() & pl.col(n).is_null())[c] for c, n in (("mulai", "start"), ("selesai", "end"))])
    readings = read_as(unread.to_list(), "UTC", month_first)
    labels = {c: source.header.label(c) for c in _RAW_COLUMNS}
    wanted = ["row", "ragged", "nfields", *REQUIRED, "pegawai", "selesai", "step", "start", "end", "backwards"]
    problems = [_problem(r, source, expected, labels, readings, month_first) for r in bad.select(wanted).iter_rows(named=True)]
    good = frame.filter(~pl.col("bad"))
    merged = 0
    if "lifecycle" in source.header.index:
        good, merged = _pair_lifecycle(good)
    return good.select(_final_columns()), problems, blank, merged, dates


def _final_columns() -> list[pl.Expr]:
    return [
        pl.col("row").cast(pl.Int64),
        pl.col("sop"),
        pl.col("kasus").alias("case"),
        pl.col("step"),
        pl.coalesce("pelaksana", "pegawai").alias("actor"),
        pl.col("start"),
        pl.col("end"),
        pl.col("output").fill_null(""),
        pl.col("catatan").fill_null("").alias("note"),
        pl.col("timeless"),
        pl.col("pegawai").alias("person"),
    ]


def _empty(column: str) -> pl.Expr:
    """A required cell left empty (pelaksana: when pegawai is empty too)."""
    empty = pl.col(column).is_null()
    return empty & pl.col("pegawai").is_null() if column == "pelaksana" else empty


_CLOCK_ONLY = re.compile(r"\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?")  # a time of day without a date


def _problem(
    r: dict[str, Any], source: _Source, expected: int, labels: dict[str, str], readings: dict[str, str | None], month_first: bool = False
) -> RowProblem:
    """One message for everything wrong in a row, in the order a person would fix it.
    labels: how messages name each column (`_Header.label`); readings: how the row's unread
    time texts read (`read_as`). Both made once per file: a log may have a million such rows."""
    parts: list[str] = []
    if r["ragged"]:
        sep = f" '{source.separator}'" if source.separator else ""
        more = "lebih" if r["nfields"] > expected else "kurang"
        parts.append(
            f"baris ini berisi {r['nfields']} kolom, padahal kepala tabel berisi {expected} kolom ({more}); "
            f"periksa pemisah{sep} dan tanda kutip di baris ini"
        )
    else:
        empty = [c for c in REQUIRED if r[c] is None and not (c == "pelaksana" and r["pegawai"] is not None)]
        if empty:
            names = " dan ".join(labels[c] for c in empty)
            parts.append(f"kolom wajib {names} kosong; isi nilainya atau hapus baris ini")
        if r["langkah"] is not None and r["step"] is None:
            parts.append(
                f"kolom {labels['langkah']} berisi '{_short(r['langkah'])}', bukan nomor langkah; "
                "tulis angka 1 atau lebih, mis. 6 atau 'Langkah 6'"
            )
        for col, name in (("mulai", "start"), ("selesai", "end")):
            text = r[col]
            if text is not None and r[name] is None:
                if _CLOCK_ONLY.fullmatch(text):
                    what = "hanya jam tanpa tanggal"
                elif (reading := readings.get(text)) is not None:
                    parts.append(
                        f"kolom {labels[col]} berisi '{_short(text)}', dibaca {reading}, di luar {TIME_MIN:%d/%m/%Y} sampai "
                        f"{TIME_MAX:%d/%m/%Y}; periksa tahunnya"
                    )
                    continue
                elif (wrong := wrong_weekday(indonesian_zone(text)[0], month_first)) is not None:
                    day, stamp = wrong
                    parts.append(
                        f"kolom {labels[col]} berisi '{_short(text)}', padahal {stamp:%d/%m/%Y} hari {HARI[stamp.weekday()]}, "
                        f"bukan {_short(day, 20)}; periksa hari atau tanggalnya"
                    )
                    continue
                else:
                    what = "bukan tanggal-waktu yang sah"
                tail = "; kosongkan bila langkah belum selesai" if col == "selesai" else ""
                parts.append(f"kolom {labels[col]} berisi '{_short(text)}', {what}; {_TIME_HINT}{tail}")
        if r["backwards"]:
            parts.append(
                f"{labels['selesai']} ({_fmt(r['end'])}) lebih awal daripada {labels['mulai']} ({_fmt(r['start'])}); "
                "periksa tanggal dan jamnya"
            )
    return RowProblem(source.file, int(r["row"]), source.sheet, "; ".join(parts))


def _fmt(t: datetime) -> str:
    return t.strftime("%d/%m/%Y %H:%M:%S" if t.second or t.microsecond else "%d/%m/%Y %H:%M")
