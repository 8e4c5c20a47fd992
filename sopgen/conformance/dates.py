"""Dates as staff type them (log-format.md, version 1.1): ISO, dd/mm/yyyy, dd-mm-yyyy,
dd/mm/yy (two-digit years are 2000-2099), dd.mm.yyyy, and Indonesian month names or their
abbreviations ("5 Oktober 2023", "5 Okt 2023"). Day first, as Indonesia writes dates.

Used for `--dari`/`--sampai`; the plausibility window (1990 .. today + 1 year) is the one
the log readers apply, so a typo year never becomes a twenty-million-minute step."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

# Month names and the abbreviations offices use (Indonesian, and the English ones Excel may
# print on an English system), all lower case.
MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("januari", "jan"),
        ("februari", "feb", "pebruari", "peb"),
        ("maret", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun"),
        ("juli", "jul"),
        ("agustus", "agu", "agt", "ags", "aug", "agus"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nov", "nop", "nopember"),
        ("desember", "des", "dec", "december"),
    ),
    1,
):
    for _n in _names:
        MONTHS[_n] = _i
MONTHS.update({"january": 1, "february": 2, "march": 3, "june": 6, "july": 7, "august": 8})

EARLIEST_YEAR = 1990
DATE_HINT = "tulis tanggal seperti 2023-10-05, 05/10/2023, 05/10/23 atau 5 Oktober 2023"


def year_of(text: str) -> int:
    """A written year: two digits are 2000-2099."""
    return 2000 + int(text) if len(text) == 2 else int(text)


def parse_date(text: str) -> date | None:
    """The date a person wrote (a date and nothing else, not an Excel serial), or None."""
    if _SERIAL.fullmatch(text.strip()):
        return None
    stamp, date_only = parse_time_text(text)
    return stamp.date() if stamp is not None and date_only else None


def plausible_window(today: date | None = None) -> tuple[date, date]:
    """The dates a log time may fall on: 1 January 1990 to one year after today."""
    today = today or date.today()
    return date(EARLIEST_YEAR, 1, 1), today + timedelta(days=366)


_TIME = r"(?:[\sT,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?)?"
_NUMERIC_TIME = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_ISO_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_NAMED_TIME = re.compile(r"(\d{1,2})[\s\-.]+([A-Za-z]+)\.?[\s\-.,]+(\d{4}|\d{2})" + _TIME)
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_time_text(text: str, month_first: bool = False) -> tuple[datetime | None, bool]:
    """(the time a person wrote, True when it has no time of day), or (None, False).

    The forms of version 1.1 besides those the fast readers take: day first (Indonesian),
    two-digit years, dots in times, Indonesian month names, Excel serial numbers written as
    text. month_first: numeric dates of a log proven to write the month first
    (`readers.dateorder`)."""
    t = " ".join(text.split())
    m = _ISO_TIME.fullmatch(t)
    if m:
        y, mo, d, *hms = m.groups()
        return _build(int(y), int(mo), int(d), hms)
    m = _NUMERIC_TIME.fullmatch(t)
    if m:
        a, _sep, b, y, *hms = m.groups()
        day, month = (b, a) if month_first else (a, b)
        return _build(year_of(y), int(month), int(day), hms)
    m = _NAMED_TIME.fullmatch(t)
    if m:
        d, name, y, *hms = m.groups()
        month = MONTHS.get(name.casefold())
        return _build(year_of(y), month, int(d), hms) if month else (None, False)
    if _SERIAL.fullmatch(t):
        value = float(t.replace(",", "."))
        whole = int(value)
        stamp = datetime.combine(_EXCEL_EPOCH, datetime.min.time()) + timedelta(days=whole, seconds=round((value - whole) * 86400))
        return stamp, value == whole
    return None, False


def _build(year: int, month: int, day: int, hms: list[str | None]) -> tuple[datetime | None, bool]:
    h, mi, s = hms
    try:
        if h is None:
            return datetime(year, month, day), True
        return datetime(year, month, day, int(h), int(mi), int(s or 0)), False
    except ValueError:
        return None, False
