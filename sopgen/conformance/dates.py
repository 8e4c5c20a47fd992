"""Dates as staff type them (log-format.md, version 1.1): ISO, dd/mm/yyyy, dd-mm-yyyy,
dd/mm/yy (two-digit years are 2000-2099), dd.mm.yyyy, and Indonesian month names or their
abbreviations ("5 Oktober 2023", "5 Okt 2023"). Day first, as Indonesia writes dates.

Used for `--dari`/`--sampai`; the plausibility window (1990 .. today + 1 year) is the one
the log readers apply, so a typo year never becomes a twenty-million-minute step."""

from __future__ import annotations

import re
from datetime import date, timedelta

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
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NAMED = re.compile(r"(\d{1,2})[\s\-.]+([A-Za-z]+)\.?[\s\-.,]+(\d{2}|\d{4})")
DATE_HINT = "tulis tanggal seperti 2023-10-05, 05/10/2023, 05/10/23 atau 5 Oktober 2023"


def year_of(text: str) -> int:
    """A written year: two digits are 2000-2099."""
    return 2000 + int(text) if len(text) == 2 else int(text)


def parse_date(text: str) -> date | None:
    """The date a person wrote (nothing else in the text), or None."""
    t = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_NUMERIC, "dmy"), (_NAMED, "dNy")):
        m = pattern.fullmatch(t)
        if not m:
            continue
        a, b, c = m.groups()
        try:
            if order == "ymd":
                return date(int(a), int(b), int(c))
            if order == "dmy":
                return date(year_of(c), int(b), int(a))
            month = MONTHS.get(b.casefold())
            return date(year_of(c), month, int(a)) if month else None
        except ValueError:
            return None
    return None


def plausible_window(today: date | None = None) -> tuple[date, date]:
    """The dates a log time may fall on: 1 January 1990 to one year after today."""
    today = today or date.today()
    return date(EARLIEST_YEAR, 1, 1), today + timedelta(days=366)
