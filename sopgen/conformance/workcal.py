"""The working calendar: how much office time lies between two moments.

An SOP's `waktu` of "480 menit" or "1 hari" means office time, not wall-clock time: a step
started on Friday afternoon and finished on Monday morning took a few working hours, not
three days. This module counts only the time inside working periods on working days,
skipping breaks, weekends, national holidays and cuti bersama (from the `holidays`
package), plus the office's own closed dates.

Defaults follow the Indonesian civil service (ASN) working week of 37.5 hours (Perpres
21/2023): Monday-Thursday 07:30-16:00 with a 12:00-13:00 break (7.5 h), Friday 07:30-16:30
with a longer 11:30-13:00 break for Friday prayers (also 7.5 h), Saturday and Sunday off.

Time is counted in integer microseconds internally so the scalar and vectorised paths give
bit-identical results; durations are returned as float minutes.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

DAY_NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
_DAY_ALIASES = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    "jum'at": 4,
    "ahad": 6,
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
}
_HM = re.compile(r"^(\d{1,2}):(\d{2})$")
_MINUTE_US = 60_000_000
_DAY_US = 86_400_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# Schedule kinds in the day table: closed, standard (Monday-Thursday) hours, Friday hours.
_CLOSED, _STANDARD, _FRIDAY = 0, 1, 2


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


@functools.lru_cache(maxsize=8)
def _country_probe(country: str) -> Any:
    """An empty holiday table of the country: what it supports. None if the package lacks it."""
    import holidays

    # Not list_supported_countries(): it imports every country module (0.3 s per run).
    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        return None


def _holiday_class(country: str, categories: Sequence[str], country_key: str, categories_key: str) -> Any:
    probe = _country_probe(country)
    if probe is None:
        raise ValueError(f"kalender › {country_key} '{country}' tidak dikenal paket holidays; tulis kode negara ISO, mis. 'ID'")
    allowed = tuple(getattr(probe, "supported_categories", ("public",)))
    for c in categories:
        if c not in allowed:
            raise ValueError(f"kalender › {categories_key}: kategori '{c}' tidak ada untuk {country}; pilih dari {', '.join(allowed)}")
    return probe


def _package_version(name: str) -> str | None:
    """The installed version, read from its metadata (importing the package is what costs)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


class HolidayTable:
    """Holiday names by date for one country and set of categories, a year at a time.

    The years come from the holidays package, or from a cache file that an earlier run wrote
    for the same package version: importing the package loads all of its 250 countries, a
    quarter of a second of every check. The file is only a copy; a missing, stale or broken
    one is rebuilt from the package, and one that cannot be written is done without.
    """

    FORMAT = 1

    def __init__(self, country: str, categories: Sequence[str], cache_dir: Path | None = None) -> None:
        self.country = country
        self.categories = tuple(categories)
        self._names: dict[date, str] = {}
        self._years: set[int] = set()
        self._new_years = False
        self._package: Any = None
        self._version = _package_version("holidays") if cache_dir is not None else None
        self._file = self._cache_file(cache_dir) if self._version else None
        if not self._load():
            self._open_package()  # now, not at the first date: validates the country and categories

    def get(self, d: date) -> str | None:
        self._have(d.year)
        return self._names.get(d)

    def __contains__(self, d: date) -> bool:
        return self.get(d) is not None

    def ensure_years(self, first: int, last: int) -> None:
        """Have the years first..last, and keep any new ones in the cache file."""
        for year in range(first, last + 1):
            self._have(year)
        if self._new_years:
            self._save()

    def _have(self, year: int) -> None:
        if year in self._years:
            return
        if 1 <= year <= 9999:
            package = self._open_package()
            _ = date(year, 1, 1) in package  # asking for a date fills its whole year (expand=True)
            for d, name in package.items():
                if d.year == year:
                    self._names[d] = str(name)
        self._years.add(year)
        self._new_years = True

    def _open_package(self) -> Any:
        if self._package is None:
            import holidays

            probe = _holiday_class(self.country, self.categories, "negara", "kategori_libur")
            language = "id" if "id" in tuple(getattr(probe, "supported_languages", ())) else None
            self._package = holidays.country_holidays(self.country, categories=self.categories, language=language)
        return self._package

    def _cache_file(self, cache_dir: Path) -> Path:
        key = "-".join([self.country, *self.categories, str(self._version)])
        return cache_dir / f"libur-{re.sub(r'[^A-Za-z0-9._+-]', '_', key)}.json"

    def _identity(self) -> dict[str, Any]:
        return {"format": self.FORMAT, "holidays": self._version, "country": self.country, "categories": list(self.categories)}

    def _load(self) -> bool:
        if self._file is None:
            return False
        try:
            data = json.loads(self._file.read_bytes())
            if not isinstance(data, dict) or data.get("identity") != self._identity():
                return False
            names = {date.fromisoformat(d): str(n) for d, n in data["names"].items()}
            years = {int(y) for y in data["years"]}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return False
        self._names, self._years = names, years
        return True

    def _save(self) -> None:
        if self._file is None:
            return
        from sopgen.files import write_atomic

        data = {
            "identity": self._identity(),
            "years": sorted(self._years),
            "names": {d.isoformat(): n for d, n in sorted(self._names.items())},
        }
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            ignore = self._file.parent / ".gitignore"
            if not ignore.exists():
                write_atomic(ignore, b"# sopgen's cache: safe to delete, not for version control\n*\n")
            write_atomic(self._file, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"))
        except OSError:
            return  # a read-only project: the next run asks the package again
        self._new_years = False


class WorkCalendar:
    """Working days and hours of one office, with fast duration arithmetic.

    A table of days (whole years, grown on demand) holds each day's kind and the working
    microseconds accumulated before it, so a duration is two lookups and a subtraction
    (O(1) per pair once the years are built) for the scalar and the vectorised path alike.
    """

    def __init__(self, config: CalendarConfig | None = None, cache_dir: Path | None = None) -> None:
        """cache_dir: where `HolidayTable` may keep its copy of the holiday years (None: nowhere)."""
        self.config = config or CalendarConfig()
        self.config.check(holidays=False)
        cfg = self.config
        self._zone = ZoneInfo(cfg.timezone)
        self._standard = _periods_us("hours", cfg.hours, allow_empty=False)
        self._friday = _periods_us("friday_hours", cfg.friday_hours, allow_empty=False) if cfg.friday_hours is not None else self._standard
        self._schedules = {_CLOSED: (), _STANDARD: self._standard, _FRIDAY: self._friday}
        self._workdays = frozenset(cfg.workdays)
        self._closed = frozenset(cfg.extra_closed)
        self._open = frozenset(cfg.extra_open)
        self._holidays = HolidayTable(cfg.holidays_country, cfg.holiday_categories, cache_dir)
        self._year_lo = 0  # first year in the table, 0 = no table yet
        self._year_hi = -1
        self._lo_day = 0  # epoch day of the table's first day
        self._kinds: list[int] = []
        self._prefix: list[int] = []  # working us before each day; one more entry than days
        self._series: tuple[pl.Series, pl.Series] | None = None

    # -- days -----------------------------------------------------------------------------

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name (Indonesian where the package has it), or the office's closure."""
        if isinstance(d, datetime):
            d = d.date()
        name = self._holidays.get(d)
        if name:
            return str(name)
        if d in self._closed:
            return "Libur kantor"
        return None

    def is_workday(self, d: date) -> bool:
        """Open for work: `extra_open`, else not closed, not a holiday and a workday."""
        if isinstance(d, datetime):
            d = d.date()
        return self._kind(d) != _CLOSED

    def periods(self, d: date) -> tuple[tuple[str, str], ...]:
        """The working periods of a date as ("HH:MM", "HH:MM"); empty on a closed day."""
        if isinstance(d, datetime):
            d = d.date()
        kind = self._kind(d)
        if kind == _CLOSED:
            return ()
        if kind == _FRIDAY and self.config.friday_hours is not None:
            return tuple(self.config.friday_hours)
        return tuple(self.config.hours)

    @property
    def minutes_per_day(self) -> float:
        """One standard working day: the Monday-Thursday `hours` (what "1 hari" means)."""
        return sum(b - a for a, b in self._standard) / _MINUTE_US

    def _kind(self, d: date) -> int:
        weekday = d.weekday()
        friday = _FRIDAY if weekday == 4 and self.config.friday_hours is not None else _STANDARD
        if d in self._open:
            return friday
        if d in self._closed or d in self._holidays:
            return _CLOSED
        return friday if weekday in self._workdays else _CLOSED

    # -- the day table ------------------------------------------------------------------------

    def ensure_years(self, first: int, last: int) -> None:
        """Make the day table cover whole years first..last (grown by rebuilding: rare).

        Needed before `cumulative_expr` is used in a query of one's own."""
        if self._year_lo and self._year_lo <= first and last <= self._year_hi:
            return
        if self._year_lo:
            first, last = min(first, self._year_lo), max(last, self._year_hi)
        first, last = max(first, 1), min(last, 9999)
        self._holidays.ensure_years(first, last)
        start = date(first, 1, 1)
        days = (date(last, 12, 31) - start).days + 1
        kinds = [0] * days
        prefix = [0] * (days + 1)
        day_us = {k: sum(b - a for a, b in s) for k, s in self._schedules.items()}
        total = 0
        one = timedelta(days=1)
        d = start
        for i in range(days):
            k = self._kind(d)
            kinds[i] = k
            total += day_us[k]
            prefix[i + 1] = total
            d += one
        self._year_lo, self._year_hi = first, last
        self._lo_day = start.toordinal() - _EPOCH_ORDINAL
        self._kinds, self._prefix = kinds, prefix
        self._series = None

    def _within(self, kind: int, tod_us: int) -> int:
        total = 0
        for a, b in self._schedules[kind]:
            if tod_us <= a:
                break
            total += min(tod_us, b) - a
        return total

    def _cumulative(self, t: datetime) -> int:
        """Working microseconds from the table's start to t."""
        day = t.toordinal() - _EPOCH_ORDINAL
        i = day - self._lo_day
        tod = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
        return self._prefix[i] + self._within(self._kinds[i], tod)

    def _local(self, t: datetime) -> datetime:
        if t.tzinfo is not None:
            return t.astimezone(self._zone).replace(tzinfo=None)
        return t

    # -- durations ------------------------------------------------------------------------------

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes between two local datetimes (aware ones are converted first)."""
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            raise TypeError("working_minutes membutuhkan dua datetime")
        start, end = self._local(start), self._local(end)
        if end < start:
            raise ValueError(f"selesai ({end.isoformat(sep=' ')}) lebih awal daripada mulai ({start.isoformat(sep=' ')})")
        self.ensure_years(start.year, end.year)
        return (self._cumulative(end) - self._cumulative(start)) / _MINUTE_US

    def working_minutes_many(self, starts: Any, ends: Any) -> pl.Series:
        """Working minutes for many pairs at once; equal to `working_minutes` pair by pair.

        Accepts polars Series (Datetime of any unit or zone, or Date), numpy datetime64
        arrays, or sequences of datetime/None. Returns a Float64 Series named
        "working_minutes", null where either side is null. Raises ValueError if any end is
        before its start, naming the first such position.
        """
        s, e = self._as_us(starts, "starts"), self._as_us(ends, "ends")
        if s.len() != e.len():
            raise ValueError(f"jumlah mulai ({s.len()}) dan selesai ({e.len()}) tidak sama")
        frame = pl.DataFrame({"s": s, "e": e})
        if frame.height == 0:
            return pl.Series("working_minutes", [], dtype=pl.Float64)
        checks = frame.select(
            (pl.col("e") < pl.col("s")).arg_true().first().alias("backwards"),
            pl.min_horizontal(pl.col("s").min(), pl.col("e").min()).alias("lo"),
            pl.max_horizontal(pl.col("s").max(), pl.col("e").max()).alias("hi"),
        ).row(0, named=True)
        if checks["backwards"] is not None:
            raise ValueError(f"pasangan ke-{checks['backwards'] + 1}: selesai lebih awal daripada mulai")
        if checks["lo"] is None:
            return pl.Series("working_minutes", [None] * frame.height, dtype=pl.Float64)
        epoch = date(1970, 1, 1)
        self.ensure_years(
            (epoch + timedelta(days=checks["lo"] // _DAY_US)).year,
            (epoch + timedelta(days=checks["hi"] // _DAY_US)).year,
        )
        # Divide by a materialised column: polars turns division by a scalar into a
        # multiplication by its reciprocal, which can differ from the scalar path in the
        # last bit; element-wise IEEE division is correctly rounded like Python's int / int.
        frame = frame.with_columns(pl.repeat(float(_MINUTE_US), frame.height, eager=True).alias("per_minute"))
        working = self.cumulative_expr(pl.col("e")) - self.cumulative_expr(pl.col("s"))
        result = frame.lazy().select((working.cast(pl.Float64) / pl.col("per_minute")).alias("working_minutes"))
        return result.collect(engine="streaming").to_series()

    def cumulative_expr(self, t: pl.Expr) -> pl.Expr:
        """Working microseconds (Int64) from the day table's start to t.

        t is an Int64 expression of local microseconds since 1970 (a naive datetime[us]
        cast to Int64); call `ensure_years` for its range first. The difference of two
        such expressions is working time, so a lazy query can measure durations itself."""
        prefix, kinds = self._table_series()
        day = t // _DAY_US
        idx = day - self._lo_day
        tod = t - day * _DAY_US
        kind = pl.lit(kinds).gather(idx)

        def within(schedule: tuple[tuple[int, int], ...]) -> pl.Expr:
            total: pl.Expr = pl.lit(0, dtype=pl.Int64)
            for a, b in schedule:
                total = total + (tod - a).clip(0, b - a)
            return total

        inside = (
            pl.when(kind == _STANDARD)
            .then(within(self._standard))
            .when(kind == _FRIDAY)
            .then(within(self._friday))
            .otherwise(pl.lit(0, dtype=pl.Int64))
        )
        return pl.lit(prefix).gather(idx) + inside

    def _table_series(self) -> tuple[pl.Series, pl.Series]:
        if self._series is None:
            self._series = (
                pl.Series("prefix", self._prefix[:-1], dtype=pl.Int64),
                pl.Series("kind", self._kinds, dtype=pl.Int8),
            )
        return self._series

    def _as_us(self, values: Any, what: str) -> pl.Series:
        """Values as an Int64 Series of local naive microseconds since 1970."""
        if isinstance(values, pl.Series):
            series = values
        else:
            try:
                series = pl.Series(what, values)
            except Exception:
                series = pl.Series(what, [self._local(v) if isinstance(v, datetime) else v for v in values])
        dtype = series.dtype
        if dtype == pl.Null:
            series = series.cast(pl.Datetime("us"))
        elif dtype == pl.Date:
            series = series.cast(pl.Datetime("us"))
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                series = series.dt.convert_time_zone(self.config.timezone).dt.replace_time_zone(None)
            series = series.dt.cast_time_unit("us")
        else:
            raise TypeError(f"{what}: butuh tanggal-waktu, bukan {dtype}")
        return series.cast(pl.Int64)
