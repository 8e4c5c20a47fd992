"""Working time between two moments, one pair at a time or a column at a time.

Time is counted in integer microseconds internally so the scalar and vectorised paths give
bit-identical results; durations are returned as float minutes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from sopgen.conformance.workcal.config import _MINUTE_US, CalendarConfig, _periods_us
from sopgen.conformance.workcal.holiday_table import HolidayTable

_DAY_US = 86_400_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# Schedule kinds in the day table: closed, standard (Monday-Thursday) hours, Friday hours.
_CLOSED, _STANDARD, _FRIDAY = 0, 1, 2


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
