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
_ISO_TIME = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)  # 2023-10-05, and 2023/10/05 of some exports
_NAMED_TIME = re.compile(r"(\d{1,2})[\s\-.]+([A-Za-z]+)\.?[\s\-.,]+(\d{4}|\d{2})" + _TIME)
_NAME_FIRST_TIME = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME)  # Oct 5, 2023 (an English system's long date)
# Around the date and time, as Excel's long dates and typed logs have them: a weekday before
# ("Senin, 02 Oktober 2023"), "pukul" before the time, AM/PM after it (an English system).
WEEKDAYS: dict[str, int] = {
    name: i
    for i, names in enumerate(
        (
            ("senin", "sen", "monday", "mon"),
            ("selasa", "sel", "tuesday", "tue", "tues"),
            ("rabu", "rab", "wednesday", "wed"),
            ("kamis", "kam", "thursday", "thu", "thur", "thurs"),
            ("jumat", "jum'at", "jum", "friday", "fri"),
            ("sabtu", "sab", "saturday", "sat"),
            ("minggu", "min", "ahad", "sunday", "sun"),
        )
    )
    for name in names
}
_WEEKDAY = re.compile(r"([A-Za-z']+)\.?,?\s+(?=\d)")
_CLOCK_WORD = re.compile(r"\s+(?:pukul|pkl\.?|pk\.?|jam)\s+(?=\d)", re.IGNORECASE)
_MERIDIEM = re.compile(r"(\d)\s*([AaPp])\.?\s*[Mm]\.?$")
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_time_text(text: str, month_first: bool = False) -> tuple[datetime | None, bool]:
    """(the time a person wrote, True when it has no time of day), or (None, False).

    The forms of version 1.1 besides those the fast readers take: day first (Indonesian),
    two-digit years, dots in times, Indonesian month names, Excel serial numbers written as
    text; and what exports and typing add around them: a weekday before the date (it must
    be the date's: "Senin, 02 Oktober 2023"), "pukul" before the time, AM/PM after it,
    year/month/day with slashes, "Oct 5, 2023". month_first: numeric dates of a log proven
    to write the month first (`readers.dateorder`)."""
    t = " ".join(text.split())
    weekday = meridiem = None
    low = t.lower()
    if low != t.upper():  # letters: only then can any of these be there (cheap for the rest)
        _, weekday, t = _weekday_before(t)
        if "pk" in low or "jam" in low or "pukul" in low:
            t = _CLOCK_WORD.sub(" ", t)
        meridiem = _MERIDIEM.search(t) if t[-1:] in ("m", "M", ".") else None
        if meridiem:
            t = t[: meridiem.start() + 1]
    stamp, date_only = _plain_time(t, month_first)
    if stamp is None:
        return None, False
    if meridiem:
        if date_only or not 1 <= stamp.hour <= 12:
            return None, False  # "13:00 PM", or AM/PM without a time: not a reading to guess
        pm = meridiem.group(2) in "Pp"
        stamp = stamp.replace(hour=stamp.hour % 12 + (12 if pm else 0))
    if weekday is not None and stamp.weekday() != weekday:
        return None, False  # "Senin, 03 Oktober 2023": the day or the date is mistyped
    return stamp, date_only


HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def wrong_weekday(text: str, month_first: bool = False) -> tuple[str, datetime] | None:
    """(the weekday as written, the time) when text reads but for a weekday that is not its
    date's ("Selasa, 02 Oktober 2023": 2 October 2023 is a Monday): what its message says."""
    written, weekday, rest = _weekday_before(" ".join(text.split()))
    if weekday is None:
        return None
    stamp, _ = parse_time_text(rest, month_first)
    if stamp is None or stamp.weekday() == weekday:
        return None
    return written, stamp


def _weekday_before(t: str) -> tuple[str | None, int | None, str]:
    """(the weekday as written, its number, the rest) of a text that starts with a weekday
    and then a digit; (None, None, t) otherwise."""
    m = _WEEKDAY.match(t) if t[:1].isalpha() else None
    if not m or m.group(1).casefold() not in WEEKDAYS:
        return None, None, t
    return m.group(1), WEEKDAYS[m.group(1).casefold()], t[m.end() :]


def _plain_time(t: str, month_first: bool) -> tuple[datetime | None, bool]:
    m = _ISO_TIME.fullmatch(t)
    if m:
        y, _sep, mo, d, *hms = m.groups()
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
    m = _NAME_FIRST_TIME.fullmatch(t)
    if m:
        name, d, y, *hms = m.groups()
        month = MONTHS.get(name.casefold())
        return _build(int(y), month, int(d), hms) if month else (None, False)
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
