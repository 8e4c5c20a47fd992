"""The project: its root folder, `sopgen.toml`, and where its SOP files are.

Everything an office shares (header, paper, calendar) lives here once; every path the tool
reads or writes is resolved against the root and must stay inside it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from sopgen.diagnostics import Diagnostic, diag
from sopgen.yamlload import SourceMap

CONFIG_NAME = "sopgen.toml"
DAYS = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"]
PAPER_MM = {"F4": (215.0, 330.0), "A4": (210.0, 297.0)}


@dataclass(frozen=True)
class Paper:
    ukuran: str = "F4"
    orientasi: str = "lanskap"

    @property
    def size_mm(self) -> tuple[float, float]:
        w, h = PAPER_MM[self.ukuran]
        return (h, w) if self.orientasi == "lanskap" else (w, h)

    @property
    def css_size(self) -> str:
        w, h = self.size_mm
        return f"{w:g}mm {h:g}mm"


@dataclass(frozen=True)
class CalendarSettings:
    hari_kerja: tuple[str, ...] = ("senin", "selasa", "rabu", "kamis", "jumat")
    jam_kerja: tuple[str, ...] = ("07:30-12:00", "13:00-16:00")
    jam_jumat: tuple[str, ...] | None = ("07:30-11:30", "13:00-16:30")
    libur: tuple[date, ...] = ()
    masuk: tuple[date, ...] = ()
    cuti_bersama: bool = True
    zona_waktu: str = "Asia/Jakarta"

    @property
    def minutes_per_day(self) -> float:
        """A standard working day (Monday-Thursday hours): what '1 hari' in an SOP means."""
        return float(sum(_period_minutes(p) for p in self.jam_kerja))

    def to_calendar_config(self):
        from sopgen.workcal import CalendarConfig

        split = lambda ps: tuple(tuple(p.split("-")) for p in ps)  # noqa: E731
        return CalendarConfig(
            workdays=tuple(DAYS.index(d) for d in self.hari_kerja),
            hours=split(self.jam_kerja),
            friday_hours=split(self.jam_jumat) if self.jam_jumat else None,
            holiday_categories=("public", "government") if self.cuti_bersama else ("public",),
            extra_closed=self.libur,
            extra_open=self.masuk,
            timezone=self.zona_waktu,
        )


def _period_minutes(period: str) -> int:
    a, b = period.split("-")
    (h1, m1), (h2, m2) = (map(int, a.split(":")), map(int, b.split(":")))
    return (h2 * 60 + m2) - (h1 * 60 + m1)


@dataclass(frozen=True)
class Config:
    instansi: dict[str, Any] = field(default_factory=dict)
    paper: Paper = Paper()
    calendar: CalendarSettings = CalendarSettings()
    output_dir: str = "output"
    pdfa: bool = True
    file: str | None = None  # the config file as shown in messages, None when absent


@dataclass(frozen=True)
class Project:
    root: Path
    config: Config

    def inside(self, relative: str) -> Path | None:
        """The path for a project-relative name, or None if it would leave the project."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", relative) or relative.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:", relative):
            return None
        candidate = (self.root / relative).resolve()
        root = self.root.resolve()
        return candidate if candidate == root or root in candidate.parents else None

    @property
    def output(self) -> Path:
        return self.root / self.config.output_dir

    def display(self, path: Path) -> str:
        """Paths in messages are relative to where the user stands when possible."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)


def find_root(start: Path) -> Path:
    """The nearest folder at or above start holding sopgen.toml, else start itself."""
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for folder in (base, *base.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return base if base.name != "sops" else base.parent


def _line_of(text: str, section: str | None, key: str | None) -> int:
    lines = text.splitlines()
    current = None
    for n, line in enumerate(lines, 1):
        s = line.strip()
        m = re.match(r"^\[([^\]]+)\]", s)
        if m:
            current = m.group(1).strip()
            if key is None and current == section:
                return n
            continue
        if key and current == section and re.match(rf"^{re.escape(key)}\s*=", s):
            return n
    return 1


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read sopgen.toml (absent is fine: defaults); problems are diagnostics, not exceptions."""
    from sopgen import shape

    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(), []
    file = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return Config(file=file), [diag(file, 1, 1, "SOP601", "sopgen.toml bukan teks UTF-8; simpan ulang sebagai UTF-8")]
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+), column (\d+)", str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        return Config(file=file), [diag(file, line, col, "SOP601", f"TOML tidak sah: {str(e).split(' (at')[0]}")]
    plain = _plain(data)
    source = SourceMap()
    for section, body in plain.items():
        source.keys[(section,)] = source.values[(section,)] = (_line_of(text, section, None), 1)
        if isinstance(body, dict):
            for key in body:
                source.keys[(section, key)] = source.values[(section, key)] = (_line_of(text, section, key), 1)
    diags = [
        diag(d.file, d.line, d.column, "SOP602", d.message)
        for d in shape.check(plain, source, file, schema="config.schema.json")
    ]
    if diags:
        return Config(file=file), diags
    cal = plain.get("kalender", {})
    periods_ok = []
    for key in ("jam_kerja", "jam_jumat"):
        for p in cal.get(key, []):
            a, b = p.split("-")
            if not (_valid_hm(a) and _valid_hm(b) and _period_minutes(p) > 0):
                line, _ = source.value_pos(("kalender", key))
                diags.append(diag(file, line, 1, "SOP602", f"kalender › {key}: '{p}' bukan rentang jam yang sah; tulis mis. '07:30-12:00'"))
        periods_ok.append(key)
    zone = cal.get("zona_waktu", "Asia/Jakarta")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except Exception:
        line, _ = source.value_pos(("kalender", "zona_waktu"))
        diags.append(diag(file, line, 1, "SOP602", f"kalender › zona_waktu '{zone}' tidak dikenal; tulis mis. 'Asia/Jakarta'"))
    out = plain.get("keluaran", {})
    folder = out.get("folder", "output")
    if Project(root, Config()).inside(folder) is None:
        line, _ = source.value_pos(("keluaran", "folder"))
        diags.append(diag(file, line, 1, "SOP602", f"keluaran › folder '{folder}' berada di luar proyek; pakai folder di dalam proyek"))
    if diags:
        return Config(file=file), diags
    defaults = CalendarSettings()
    calendar = CalendarSettings(
        hari_kerja=tuple(cal.get("hari_kerja", defaults.hari_kerja)),
        jam_kerja=tuple(cal.get("jam_kerja", defaults.jam_kerja)),
        jam_jumat=tuple(cal["jam_jumat"]) if "jam_jumat" in cal else (None if "jam_kerja" in cal else defaults.jam_jumat),
        libur=tuple(date.fromisoformat(d) for d in cal.get("libur", [])),
        masuk=tuple(date.fromisoformat(d) for d in cal.get("masuk", [])),
        cuti_bersama=cal.get("cuti_bersama", True),
        zona_waktu=zone,
    )
    paper = Paper(**plain.get("kertas", {}))
    return Config(plain.get("instansi", {}), paper, calendar, folder, out.get("pdfa", True), file), []


def _valid_hm(text: str) -> bool:
    h, m = map(int, text.split(":"))
    return 0 <= h <= 24 and 0 <= m < 60


def _plain(value: Any) -> Any:
    """TOML dates become ISO text so one schema serves both formats."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def load_project(start: Path) -> tuple[Project, list[Diagnostic]]:
    root = find_root(start)
    config, diags = load_config(root)
    return Project(root, config), diags


def discover(paths: list[Path]) -> list[Path]:
    """SOP files under the given files or folders, sorted so every run reads them alike."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file() and not any(part.startswith(".") for part in q.relative_to(p).parts))
        else:
            found.append(p)
    return sorted(dict.fromkeys(found))
