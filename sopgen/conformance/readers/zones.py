"""Times in a project zone with daylight saving time (`[kalender] zona_waktu`).

The rows keep wall-clock times of the project zone (what the working calendar, the period
and the reports use). Where the zone changes its offset, wall-clock arithmetic is wrong by
the change: 01:30 EST to 03:30 EDT is one hour, not two, and in the repeated hour of the
autumn change an end at 01:10 (second pass) follows a start at 01:50 (first pass). So
elapsed durations are taken between instants (UTC), and an end that is earlier on the wall
clock is accepted when the repeated hour lets it be later in time: the first pass for the
start, the second for the end. A zone without such changes (Asia/Jakarta) keeps plain
wall-clock arithmetic, which is then exact.

Times written with a named zone ("2024-03-10 01:30 America/New_York" or
"2024-03-10T01:30:00[America/New_York]") are read in that zone and converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

_NAMED = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)\s*(?:\[([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)*)\]|\s([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|UTC))"
)


@lru_cache(maxsize=64)
def has_dst(timezone: str) -> bool:
    """Whether the zone's offset changes within a year (tested on 2000..2040, where logs are)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    offsets = {datetime(y, m, 15, 12, tzinfo=zone).utcoffset() for y in range(2000, 2041, 5) for m in (1, 4, 7, 10)}
    return len(offsets) > 1


def _instant(e: pl.Expr, timezone: str, ambiguous: str) -> pl.Expr:
    return e.dt.replace_time_zone(timezone, ambiguous=ambiguous, non_existent="null")


def end_not_before_start(start: pl.Expr, end: pl.Expr, timezone: str) -> pl.Expr:
    """Whether the end may be at or after the start (null when either is null)."""
    plain = end >= start
    if not has_dst(timezone):
        return plain
    return plain | (_instant(end, timezone, "latest") >= _instant(start, timezone, "earliest"))


def elapsed_us(start: pl.Expr, end: pl.Expr, timezone: str | None) -> pl.Expr:
    """Microseconds from start to end as time passes (instants, not wall-clock readings)."""
    plain = (end - start).dt.total_microseconds()
    if timezone is None or not has_dst(timezone):
        return plain
    s = _instant(start, timezone, "earliest")
    first = (_instant(end, timezone, "earliest") - s).dt.total_microseconds()
    second = (_instant(end, timezone, "latest") - s).dt.total_microseconds()
    exact = pl.when(first >= 0).then(first).otherwise(second)
    return pl.coalesce(exact, plain)  # a wall time the zone skips: as written


_INDONESIAN = re.compile(r"\s*\(?\b(WIB|WITA|WIT)\)?$", re.IGNORECASE)
_INDONESIAN_ZONES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}


@dataclass(frozen=True)
class WrittenZone:
    """The zone a time names after it (WIB, WITA, WIT)."""

    name: str  # an IANA zone

    def convert(self, wall: datetime, timezone: str) -> datetime | None:
        """wall, a time of this zone, as a naive wall-clock time of the project zone."""
        if self.name == timezone:
            return wall
        try:
            return wall.replace(tzinfo=ZoneInfo(self.name)).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
        except (ZoneInfoNotFoundError, ValueError, OverflowError):
            return None


def indonesian_zone(text: str) -> tuple[str, WrittenZone | None]:
    """A time text without the Indonesian zone after it ("08:30 WITA"), and that zone."""
    m = _INDONESIAN.search(text)
    if not m or m.start() == 0:
        return text, None
    return text[: m.start()], WrittenZone(_INDONESIAN_ZONES[m.group(1).lower()])


def named_zone_times(values: list[str | None], timezone: str) -> list[datetime | None]:
    """Texts with a named zone as naive wall-clock times of the project zone; None for others."""
    try:
        target = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [None] * len(values)
    out: list[datetime | None] = []
    for v in values:
        m = _NAMED.fullmatch(v.strip()) if v else None
        t = None
        if m:
            name = m.group(3) or m.group(4)
            try:
                zone = ZoneInfo(name)
                wall = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}")
                t = wall.replace(tzinfo=zone).astimezone(target).replace(tzinfo=None)
            except (ZoneInfoNotFoundError, ValueError, OverflowError):
                t = None
        out.append(t)
    return out
