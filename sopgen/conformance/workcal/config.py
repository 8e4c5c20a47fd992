"""An office's calendar as configured: working days and periods, the holidays observed,
single dates closed or open, the time zone.

Apart from the arithmetic (`working_time`): a config is built and checked from plain data
(`CalendarConfig.from_mapping`, Indonesian or English keys) with messages that name the
bad key, before any calendar is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sopgen.conformance.workcal.holiday_table import _holiday_class

DAY_NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
_DAY_ALIASES = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    "jum'at": 4,
    "ahad": 6,
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
}
_HM = re.compile(r"^(\d{1,2}):(\d{2})$")
_MINUTE_US = 60_000_000


@dataclass(frozen=True)
class CalendarConfig:
    """What makes a working day and a working hour for one office.

    `hours` are the working periods of a standard day (Monday-Thursday); `friday_hours`
    replace them on Fridays (None: Friday works `hours` too). `holiday_categories`
    "public" are national holidays and "government" the cuti bersama that ASN also take.
    `extra_closed` and `extra_open` override every other rule for single dates; an open
    Saturday uses the standard hours.
    """

    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday=0 .. Friday=4
    hours: tuple[tuple[str, str], ...] = (("07:30", "12:00"), ("13:00", "16:00"))
    friday_hours: tuple[tuple[str, str], ...] | None = (("07:30", "11:30"), ("13:00", "16:30"))
    holidays_country: str = "ID"
    holiday_categories: tuple[str, ...] = ("public", "government")
    extra_closed: tuple[date, ...] = ()
    extra_open: tuple[date, ...] = ()
    timezone: str = "Asia/Jakarta"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CalendarConfig:
        """A config from plain data (TOML/YAML/JSON), checked; ValueError names the bad key.

        Keys are the field names or their Indonesian `[kalender]` names (`hari_kerja`,
        `jam_kerja`, `jam_jumat`, `libur`, `masuk`, `zona_waktu`, `negara`,
        `kategori_libur`, `cuti_bersama`). Periods may be "07:30-12:00" or
        ["07:30", "12:00"]; days may be 0-6 or day names ("senin"). Giving `hours` without
        `friday_hours` makes Friday work the same hours.
        """
        if not isinstance(data, Mapping):
            raise ValueError("konfigurasi kalender harus berupa tabel kunci-nilai")
        known = {**{f: f for f in _FIELDS}, **_INDONESIAN_KEYS}
        values: dict[str, Any] = {}
        where: dict[str, str] = {}
        for key, value in data.items():
            field = known.get(str(key))
            if field is None:
                names = ", ".join(sorted(known))
                raise ValueError(f"kalender › kunci '{key}' tidak dikenal; kunci yang dikenal: {names}")
            if field in where:
                raise ValueError(f"kalender › kunci '{key}' dan '{where[field]}' berarti hal yang sama; tulis salah satu saja")
            where[field] = str(key)
            values[field] = value
        out: dict[str, Any] = {}
        for field, value in values.items():
            key = where[field]
            if field == "workdays":
                out[field] = _parse_days(key, value)
            elif field in ("hours", "friday_hours"):
                out[field] = None if value is None and field == "friday_hours" else _parse_periods(key, value)
            elif field in ("extra_closed", "extra_open"):
                out[field] = _parse_dates(key, value)
            elif field == "holiday_categories":
                if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"kalender › {key}: tulis daftar kategori, mis. [\"public\", \"government\"]")
                out[field] = tuple(value)
            elif field == "cuti_bersama":
                if not isinstance(value, bool):
                    raise ValueError(f"kalender › {key}: tulis true atau false")
                out["holiday_categories"] = ("public", "government") if value else ("public",)
            else:  # holidays_country, timezone
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"kalender › {key}: tulis teks, mis. '{getattr(cls, field)}'")
                out[field] = value.strip()
        if "cuti_bersama" in values and "holiday_categories" in values:
            raise ValueError(f"kalender › '{where['cuti_bersama']}' dan '{where['holiday_categories']}' saling menimpa; tulis salah satu saja")
        if "hours" in out and "friday_hours" not in out:
            out["friday_hours"] = None
        config = cls(**out)
        config.check(where)
        return config

    def check(self, names: Mapping[str, str] | None = None, *, holidays: bool = True) -> None:
        """Raise ValueError (Indonesian) for a config that cannot describe a calendar.

        holidays=False leaves out asking the holidays package whether it knows the country
        and categories (`HolidayTable` asks when it opens the package)."""
        names = names or {}
        name = lambda field: names.get(field, _FIELD_TO_INDONESIAN.get(field, field))  # noqa: E731
        if not self.workdays and not self.extra_open:
            raise ValueError(f"kalender › {name('workdays')}: tidak ada hari kerja sama sekali")
        for d in self.workdays:
            if not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6:
                raise ValueError(f"kalender › {name('workdays')}: '{d}' bukan hari (0=Senin .. 6=Minggu)")
        if len(set(self.workdays)) != len(self.workdays):
            raise ValueError(f"kalender › {name('workdays')}: ada hari yang ditulis dua kali")
        _periods_us(name("hours"), self.hours, allow_empty=False)
        if self.friday_hours is not None:
            _periods_us(name("friday_hours"), self.friday_hours, allow_empty=False)
        both = sorted(set(self.extra_closed) & set(self.extra_open))
        if both:
            raise ValueError(
                f"kalender › tanggal {both[0].isoformat()} ada di {name('extra_closed')} dan {name('extra_open')} sekaligus; hapus dari salah satu"
            )
        for field in ("extra_closed", "extra_open"):
            for d in getattr(self, field):
                if not isinstance(d, date) or isinstance(d, datetime):
                    raise ValueError(f"kalender › {name(field)}: '{d}' bukan tanggal")
        try:
            ZoneInfo(self.timezone)
        except Exception:
            raise ValueError(f"kalender › {name('timezone')} '{self.timezone}' tidak dikenal; tulis mis. 'Asia/Jakarta'") from None
        if holidays:
            _holiday_class(self.holidays_country, self.holiday_categories, name("holidays_country"), name("holiday_categories"))


_FIELDS = (
    "workdays",
    "hours",
    "friday_hours",
    "holidays_country",
    "holiday_categories",
    "extra_closed",
    "extra_open",
    "timezone",
)
_INDONESIAN_KEYS = {
    "hari_kerja": "workdays",
    "jam_kerja": "hours",
    "jam_jumat": "friday_hours",
    "negara": "holidays_country",
    "kategori_libur": "holiday_categories",
    "cuti_bersama": "cuti_bersama",
    "libur": "extra_closed",
    "masuk": "extra_open",
    "zona_waktu": "timezone",
}
_FIELD_TO_INDONESIAN = {v: k for k, v in _INDONESIAN_KEYS.items() if v != "cuti_bersama"}


def _parse_days(key: str, value: Any) -> tuple[int, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"kalender › {key}: tulis daftar hari, mis. [\"senin\", \"selasa\"]")
    days = []
    for v in value:
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 6:
            days.append(v)
        elif isinstance(v, str) and v.strip().lower() in _DAY_ALIASES:
            days.append(_DAY_ALIASES[v.strip().lower()])
        else:
            raise ValueError(f"kalender › {key}: '{v}' bukan nama hari; tulis salah satu dari {', '.join(DAY_NAMES)}")
    return tuple(days)


def _parse_periods(key: str, value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"kalender › {key}: tulis daftar rentang jam, mis. [\"07:30-12:00\", \"13:00-16:00\"]")
    periods = []
    for p in value:
        if isinstance(p, str) and p.count("-") == 1:
            a, b = (x.strip() for x in p.split("-"))
        elif isinstance(p, Sequence) and not isinstance(p, str) and len(p) == 2 and all(isinstance(x, str) for x in p):
            a, b = p[0].strip(), p[1].strip()
        else:
            raise ValueError(f"kalender › {key}: '{p}' bukan rentang jam; tulis mis. '07:30-12:00'")
        periods.append((a, b))
    periods_t = tuple(periods)
    _periods_us(key, periods_t, allow_empty=False)
    return periods_t


def _parse_dates(key: str, value: Any) -> tuple[date, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"kalender › {key}: tulis daftar tanggal YYYY-MM-DD, mis. [2023-12-29]")
    out = []
    for v in value:
        if isinstance(v, datetime):
            raise ValueError(f"kalender › {key}: '{v}' berisi jam; tulis tanggal saja (YYYY-MM-DD)")
        if isinstance(v, date):
            out.append(v)
            continue
        try:
            out.append(date.fromisoformat(str(v).strip()))
        except ValueError:
            raise ValueError(f"kalender › {key}: '{v}' bukan tanggal yang sah; tulis YYYY-MM-DD") from None
    return tuple(out)


def _hm_us(key: str, text: Any) -> int:
    m = _HM.match(text) if isinstance(text, str) else None
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59 or (int(m.group(1)) == 24 and m.group(2) != "00"):
        raise ValueError(f"kalender › {key}: '{text}' bukan jam HH:MM yang sah (00:00 sampai 24:00)")
    return (int(m.group(1)) * 60 + int(m.group(2))) * _MINUTE_US


def _periods_us(key: str, periods: Sequence[Sequence[str]], allow_empty: bool) -> tuple[tuple[int, int], ...]:
    """Periods as microseconds since midnight, sorted; rejects bad, empty or overlapping ones."""
    if not periods and not allow_empty:
        raise ValueError(f"kalender › {key}: tidak ada rentang jam kerja")
    out = []
    for p in periods:
        if isinstance(p, str) or len(p) != 2:
            raise ValueError(f"kalender › {key}: '{p}' bukan rentang jam; tulis mis. '07:30-12:00'")
        a, b = _hm_us(key, p[0]), _hm_us(key, p[1])
        if b <= a:
            raise ValueError(f"kalender › {key}: rentang '{p[0]}-{p[1]}' berakhir sebelum atau saat dimulai")
        out.append((a, b, f"{p[0]}-{p[1]}"))
    out.sort()
    for (a1, b1, t1), (a2, _b2, t2) in zip(out, out[1:]):
        if a2 < b1:
            raise ValueError(f"kalender › {key}: rentang '{t1}' dan '{t2}' bertumpang tindih")
    return tuple((a, b) for a, b, _ in out)
