"""Dates as offices print them: a full day, a month ("APRIL 2015") or a year.

Format 1.1 lets a date be `2016-01-05`, `2016-01` or `2016`. A partial date is kept as
written (never completed with an invented day) and compares by its first possible day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, order=True)
class Tgl:
    """A date of the form, possibly only a month or a year. Orders by its first possible day."""

    first_day: date
    month_known: bool = True
    day_known: bool = True

    @classmethod
    def parse(cls, text: str) -> Tgl:
        """'2016-01-05', '2016-01' or '2016'; ValueError for anything else or a day not in the calendar."""
        m = PATTERN.fullmatch(text)
        if not m:
            raise ValueError(text)
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        return cls(date(year, int(month or 1), int(day or 1)), month is not None, day is not None)

    @classmethod
    def of(cls, value: date) -> Tgl:
        return cls(value)

    @property
    def year(self) -> int:
        return self.first_day.year

    @property
    def last_day(self) -> date:
        """The last day the written date can mean (31 Dec for a year, the month's end for a month)."""
        d = self.first_day
        if self.day_known:
            return d
        if not self.month_known:
            return date(d.year, 12, 31)
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)

    def surely_before(self, other: Tgl) -> bool:
        """Before `other` whatever days the two mean: 'Maret 2016' is not before '10 Maret 2016'."""
        return self.last_day < other.first_day

    def isoformat(self) -> str:
        """As written in the file: '2016-01-05', '2016-01' or '2016'."""
        d = self.first_day
        if self.day_known:
            return d.isoformat()
        return f"{d.year:04d}-{d.month:02d}" if self.month_known else f"{d.year:04d}"

    def indonesian(self) -> str:
        """'5 Januari 2016', 'Januari 2016' or '2016'."""
        d = self.first_day
        if not self.month_known:
            return str(d.year)
        text = f"{BULAN[d.month - 1]} {d.year}"
        return f"{d.day} {text}" if self.day_known else text

    def __str__(self) -> str:
        return self.isoformat()
