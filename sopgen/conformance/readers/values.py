"""Cell values: the time formats and step numbers a log may be written in, as polars
expressions that both readers share, and xlsx/JSON values as the text a CSV would hold.

Times are accepted in ISO 8601, Excel cells and serials, and the Indonesian
dd/mm/yyyy HH:MM; what those formats cannot read is read as staff write it (two-digit
years, month names, dots; `sopgen.conformance.dates`). A time outside 1990 .. today + 1
year is no time (an invalid row that says how it was read).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl

from sopgen.conformance.dates import parse_time_text, plausible_window
from sopgen.conformance.readers.dateorder import month_first_pattern
from sopgen.textsafe import one_line

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
# Times a log may hold (log-format 1.1): 1990 .. today + 1 year. A year like 0023 (18/10/23
# read as dd/mm/yyyy) or 2203 is a typing slip; it never becomes a twenty-million-minute step.
_LO, _HI = plausible_window()
TIME_MIN, TIME_MAX = datetime(_LO.year, _LO.month, _LO.day), datetime(_HI.year, _HI.month, _HI.day)


def in_range(e: pl.Expr) -> pl.Expr:
    """Whether a parsed time lies in TIME_MIN .. TIME_MAX (null stays null)."""
    return e.is_between(TIME_MIN, TIME_MAX, closed="left")


def _time_expr(e: pl.Expr, fmt: tuple[str, str], timezone: str) -> pl.Expr:
    """One format's parse of a stripped string column to naive local datetime[us].

    cache=False: a log's times are nearly all distinct, so polars' per-value LRU cache only
    costs (a fifth of the parse of a million rows)."""
    kind, pattern = fmt
    if kind == "naive":
        return e.str.strptime(pl.Datetime("us"), pattern, strict=False, cache=False)
    if kind == "zoned":
        zoned = e.str.replace(r"[zZ]$", "+00:00").str.strptime(pl.Datetime("us", "UTC"), pattern, strict=False, cache=False)
        return zoned.dt.convert_time_zone(timezone).dt.replace_time_zone(None)
    if kind == "date":
        return e.str.to_date(pattern, strict=False, cache=False).cast(pl.Datetime("us"))
    number = pl.when(e.str.contains(_SERIAL_RE)).then(e).otherwise(None).cast(pl.Float64, strict=False)
    inside = number.is_between(_SERIAL_MIN, _SERIAL_MAX, closed="left")
    micros = (number * 86400.0).round(0).cast(pl.Int64) * 1_000_000 + _EXCEL_EPOCH_US
    return pl.when(inside).then(micros).otherwise(None).cast(pl.Datetime("us"))


def _all_formats_expr(e: pl.Expr, timezone: str, month_first: bool = False) -> pl.Expr:
    return pl.coalesce([_time_expr(e, _ordered(f, month_first), timezone) for f in _TIME_FORMATS])


def _ordered(fmt: tuple[str, str], month_first: bool) -> tuple[str, str]:
    """A format of `_TIME_FORMATS` for a log that writes the month first (`dateorder`)."""
    return (fmt[0], month_first_pattern(fmt[1])) if month_first else fmt


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


def _parse_times(raw: pl.Series, timezone: str, primary: tuple[str, str] | None = None, month_first: bool = False) -> pl.Series:
    """Strings (stripped, null when empty) to naive datetime[us]; null where unreadable.
    month_first: numeric dates are month/day/year (a log proven so, `dateorder`)."""
    if primary is None:
        primary = _guess_format(raw.drop_nulls().head(500).to_list(), timezone)
    frame = raw.alias("v").to_frame()
    parsed = frame.select(_time_expr(pl.col("v"), _ordered(primary, month_first), timezone)).to_series()
    retry = (raw.is_not_null() & parsed.is_null()).arg_true()
    if retry.len():
        again = raw.gather(retry).alias("v").to_frame().select(_all_formats_expr(pl.col("v"), timezone, month_first)).to_series()
        parsed = parsed.scatter(retry, again)
        named = (raw.is_not_null() & parsed.is_null()).arg_true()
        if named.len():
            from sopgen.conformance.readers.zones import named_zone_times

            zoned = named_zone_times(raw.gather(named).to_list(), timezone)
            if any(t is not None for t in zoned):
                parsed = parsed.scatter(named, pl.Series(zoned, dtype=pl.Datetime("us")))
    parsed = parsed.to_frame("t").select(pl.when(in_range(pl.col("t"))).then(pl.col("t"))).to_series().alias(raw.name)
    return _loose_times(raw, parsed, month_first, timezone)


def _loose_times(raw: pl.Series, parsed: pl.Series, month_first: bool = False, timezone: str | None = None) -> pl.Series:
    """The values no format above read (or read outside the window) read the way staff write
    them (`dates.parse_time_text`: two-digit years, month names, dots, serials as text; a
    time in WIB, WITA or WIT converted to the project's zone). Only rows the fast paths could
    not take come here, one by one."""
    from sopgen.conformance.readers.zones import indonesian_zone

    retry = (raw.is_not_null() & parsed.is_null()).arg_true()
    if not retry.len():
        return parsed
    found: list[datetime | None] = []
    for text in raw.gather(retry).to_list():
        text, zone = indonesian_zone(text)
        stamp, date_only = parse_time_text(text, month_first)
        if stamp is not None and zone is not None:
            stamp = None if date_only or timezone is None else zone.convert(stamp, timezone)
        found.append(stamp if stamp is not None and TIME_MIN <= stamp < TIME_MAX else None)
    return parsed.scatter(retry, pl.Series(found, dtype=pl.Datetime("us")))


# A date with no time of day, in any form read above: 2023-10-05, 2023/10/05, 05/10/2023,
# 5.10.23, 5 Oktober 2023, Oct 5, 2023, any of them after a weekday ("Senin, 02 Oktober
# 2023"), or a whole Excel serial.
_DATE_ONLY_RE = (
    r"^(?:[A-Za-z']+\.?,?\s+)?(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}"
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{1,2}[\s\-.]+[A-Za-z]+\.?[\s\-.,]+(?:\d{4}|\d{2})"
    r"|[A-Za-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{5})$"
)


def date_only(e: pl.Expr) -> pl.Expr:
    """Whether a stripped time text is a date without a time of day (null: False)."""
    return e.str.contains(_DATE_ONLY_RE).fill_null(False)


def read_as(texts: Sequence[str], timezone: str, month_first: bool = False) -> dict[str, str | None]:
    """How each time text reads ('01/02/2203'), by the formats above or else as staff write
    it, inside the window or not: what a message about a year out of range says it was read
    as. One query for all the texts (a log whose every date is wrong has a million), each
    distinct text once."""
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return {}
    # Stripped as Python strips (U+001C..U+001F too, which polars keeps), as they were one by one.
    t = _all_formats_expr(pl.col("v"), timezone, month_first).dt.strftime("%d/%m/%Y")
    shown = pl.DataFrame({"v": [text.strip() for text in distinct]}, schema={"v": pl.String}).select(t).to_series().to_list()
    out: dict[str, str | None] = {}
    for text, reading in zip(distinct, shown):
        if reading is None:
            stamp = parse_time_text(text, month_first)[0]
            reading = f"{stamp:%d/%m/%Y}" if stamp is not None else None
        out[text] = reading
    return out


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
    """A cell quoted in a message: one line, control characters escaped, clipped."""
    text = one_line(text.replace("\r", " ").replace("\n", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"
