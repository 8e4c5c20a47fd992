"""The `waktu` standard of a step, as people write it on the form."""

from __future__ import annotations

import re

UNITS = {
    "detik": 1 / 60,
    "menit": 1.0,
    "mnt": 1.0,
    "jam": 60.0,
    "hari": None,  # one working day of the project's calendar
    "hk": None,  # "hari kerja"
    "minggu": None,  # five working days
    "pekan": None,
}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(detik|menit|mnt|jam|hari\s+kerja|hari|hk|minggu|pekan)?", re.I)


class DurationError(ValueError):
    pass


# "24 jam", "1x24 jam", "1 x 24 jam", "2×24 jam": as in standar pelayanan, that many working
# days (the office's day), not 24 working hours. Other hours ("48 jam") stay hours.
_DAYS_AS_HOURS = re.compile(r"(?:(\d+)\s*[x×]\s*)?24\s*jam", re.I)


def days_as_hours(value: object) -> int | None:
    """The number of working days of a '1x24 jam' standard; None when it is not written so."""
    if not isinstance(value, str):
        return None
    m = _DAYS_AS_HOURS.fullmatch(value.strip())
    return None if m is None else int(m.group(1) or 1)


_HOW = "tulis angka menit (mis. 30) atau '30 menit', '2 jam', '1 hari', '1 jam 30 menit'"
_SEPARATOR = re.compile(r"\s*(?:,|\+|\bdan\b)?\s*")


def parse_waktu(value: object, minutes_per_day: float) -> float:
    """Minutes for a standard: a bare number is minutes; '2 jam', '1 hari', '1 jam 30 menit'.

    A day is a working day (not 24 hours): an SOP's "1 hari" means the office's day, and so
    does "1x24 jam".
    """
    if isinstance(value, bool):
        raise DurationError(f"{str(value).lower()!r} bukan waktu; {_HOW}")
    if isinstance(value, (int, float)):
        return float(value)
    days = days_as_hours(value)
    if days is not None:
        return days * minutes_per_day
    text = str(value).strip().lower()
    if not text:
        raise DurationError(f"waktu kosong; {_HOW}")
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if clock:  # '1:30' on the form means an hour and a half, but also reads as a time of day
        h, m = int(clock.group(1)), int(clock.group(2))
        raise DurationError(f"'{value}' tidak terbaca sebagai lama waktu; tulis '{h} jam {m} menit' atau {h * 60 + m}")
    pos, total, parts = 0, 0.0, 0
    for m in _PART.finditer(text):
        if not _SEPARATOR.fullmatch(text[pos : m.start()]):
            raise DurationError(f"'{value}' tidak terbaca; {_HOW}")
        number = float(m.group(1).replace(",", "."))
        unit = re.sub(r"\s+", " ", (m.group(2) or "menit").lower())
        if unit in ("hari", "hari kerja", "hk"):
            factor = minutes_per_day
        elif unit in ("minggu", "pekan"):
            factor = 5 * minutes_per_day
        else:
            factor = UNITS[unit]
        if m.group(2) is None and parts:
            raise DurationError(f"'{value}': angka tanpa satuan setelah bagian lain; {_HOW}")
        total += number * factor
        parts += 1
        pos = m.end()
    if not parts or text[pos:].strip():
        raise DurationError(f"'{value}' tidak terbaca; {_HOW}")
    return total


def format_menit(minutes: float | None) -> str:
    """Minutes as the form prints them in the Waktu column ('' for a step without a standard)."""
    if minutes is None:
        return ""
    return str(int(minutes)) if float(minutes).is_integer() else f"{minutes:.1f}".replace(".", ",")
