"""National holidays and cuti bersama from the `holidays` package, cached per project.

Importing the package costs a quarter of a second of every check, so the years a check
needs are kept in a cache file and the package is opened only when the file lacks them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

MAX_CACHE_BYTES = 4 * 1024 * 1024  # a century of holidays is some 100 KB; more is not this cache


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
        from sopgen.files import read_plain

        raw = read_plain(self._file, MAX_CACHE_BYTES)  # never blocks on a pipe left in its place
        if raw is None:
            return False
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("identity") != self._identity():
                return False
            names = {date.fromisoformat(d): str(n) for d, n in data["names"].items()}
            years = {int(y) for y in data["years"]}
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
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
                write_atomic(ignore, b"# sopgen's cache: safe to delete, not for version control\n*\n", owned=True)
            write_atomic(self._file, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"), owned=True)
        except OSError:  # OutputRefused too: a pipe, link or folder in its place is left alone
            return  # a read-only project: the next run asks the package again
        self._new_years = False
