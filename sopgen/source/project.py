"""The project: its root folder, `sopgen.toml`, and where its SOP files are.

Everything an office shares (header, paper, calendar) lives here once; every path the tool
reads or writes is resolved against the root and must stay inside it.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from sopgen.source.diagnostics import Diagnostic, diag
from sopgen.source.limits import Limits
from sopgen.source.yamlload import SourceMap
from sopgen.textsafe import char_name, clip, find_control, one_line

CONFIG_NAME = "sopgen.toml"
MAX_CONFIG_BYTES = 256 * 1024
MAX_CONFIG_DEPTH = 32
# Folders that hold the project's sources: the build never writes into them.
INPUT_FOLDERS = ("", "sops", "templates", "schemas")
# Copies of slow lookups (the holiday years), safe to delete; it carries its own .gitignore.
CACHE_NAME = ".sopgen-cache"
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
        from sopgen.conformance.workcal import CalendarConfig

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
    limits: Limits = Limits()
    file: str | None = None  # the config file as shown in messages, None when absent
    valid: bool = True  # False when sopgen.toml had errors and these are the defaults
    alamat: str = ""  # [keluaran] alamat: where the catalog is served; the QR codes point there
    buku: dict[str, Any] = field(default_factory=dict)  # [buku]: cover and Keputusan of `sopgen book`
    penilaian: dict[str, Any] = field(default_factory=dict)  # the evaluator (nama, nip, jabatan) and threshold (ambang)
    laporan: dict[str, Any] = field(default_factory=dict)  # check reports: lokal "id" (default) or "en"


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

    @property
    def cache(self) -> Path:
        return self.root / CACHE_NAME

    def display(self, path: Path, cwd: str | None = None) -> str:
        """Paths in messages are relative to where the user stands when possible (`cwd`: the
        working folder, when the caller names many files and has asked for it once)."""
        if cwd is None or os.name == "nt":  # Windows' abspath knows drive-relative names
            cwd, absolute = os.getcwd(), os.path.abspath(path)
        else:
            absolute = os.path.normpath(os.path.join(cwd, path))  # posixpath.abspath, without asking for cwd
        folder, name = os.path.split(absolute)
        shown = _shown_folder(folder, cwd)
        return str(path) if shown is None else os.path.join(shown, name) if shown else name


@functools.lru_cache(maxsize=4096)
def resolved_folder(folder: str) -> Path:
    """A folder's real path, once per folder (1,000 files: 6,000 lstat calls saved)."""
    return Path(folder).resolve()


@functools.lru_cache(maxsize=4096)
def _shown_folder(folder: str, cwd: str) -> str | None:
    """A folder relative to the working folder ("" when it is that folder), None when outside."""
    try:
        shown = str(resolved_folder(folder).relative_to(resolved_folder(cwd)))
    except ValueError:
        return None
    return "" if shown == "." else shown


_REAL: dict[str, str] = {}  # absolute path -> real path, until forget_folders()


def real_path(path: Path) -> str:
    """`path.resolve()` with each folder resolved once (1,000 files: 5,000 system calls fewer),
    and each absolute path once per validation (it is asked three times per file)."""
    key = os.fspath(path)
    known = _REAL.get(key)
    if known is not None:
        return known
    if os.path.islink(path):
        real = str(Path(path).resolve())
    else:
        folder, name = os.path.split(os.path.abspath(path))
        real = os.path.join(str(resolved_folder(folder)), name)
    if os.path.isabs(key) and len(_REAL) < 100_000:
        _REAL[key] = real
    return real


def forget_folders() -> None:
    """Resolve folders again: a long-lived process (preview) must see them as they are now."""
    resolved_folder.cache_clear()
    _shown_folder.cache_clear()
    _REAL.clear()


def find_root(start: Path) -> Path:
    """The nearest folder at or above start holding sopgen.toml, else start itself."""
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for folder in (base, *base.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return base if base.name != "sops" else base.parent


def _line_of(text: str, section: str | None, key: str | None) -> int:
    return _pos_of(text, section, key)[0]


def _pos_of(text: str, section: str | None, key: str | None) -> tuple[int, int]:
    """Line and column of `[section]`, or of the value of `key = value` inside it."""
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        m = re.match(r"^\[+\s*([^\]]+?)\s*\]", s)
        if m:
            current = m.group(1).strip()
            if key is None and current == section:
                return n, line.index("[") + 1
            continue
        m = re.match(rf"^(\s*[\"']?{re.escape(key)}[\"']?\s*=\s*)", line) if key else None
        if m and current == section:
            return n, len(m.group(1)) + 1
    return 1, 1


_TOML_PROBLEMS: list[tuple[str, str]] = [
    (r"Expected '\]' at the end of a table", "kurung siku ']' penutup nama bagian tidak ada, mis. [instansi]"),
    (r"Invalid value", "nilai tidak sah; teks harus diberi tanda kutip, mis. ukuran = \"F4\""),
    (r"Illegal character", "karakter tidak sah di sini (tanda kutip belum ditutup?)"),
    (r"Cannot overwrite a value", "kunci ini sudah ditulis sebelumnya; hapus salah satunya"),
    (r"Cannot declare .* twice", "bagian ini sudah ditulis sebelumnya; gabungkan isinya"),
    (r"Expected '=' after a key", "tanda '=' setelah kunci tidak ada (kunci yang memuat spasi harus diberi tanda kutip)"),
    (r"Expected newline or end of document", "ada teks lebih setelah nilai; tulis satu 'kunci = nilai' per baris"),
    (r"Unescaped '\\'", "garis miring terbalik '\\' di dalam \"...\" harus ditulis '\\\\', atau pakai tanda kutip tunggal"),
    (r"Unclosed array|Unclosed inline table", "kurung belum ditutup"),
    (r"Invalid date or datetime", "tanggal tidak sah; tulis tahun-bulan-tanggal yang ada, mis. 2023-12-29"),
]


def _toml_error(text: str, error: Exception) -> tuple[int, int, str]:
    raw = str(error)
    m = re.search(r"\(at line (\d+), column (\d+)\)", raw)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
    else:  # "(at end of document)"
        lines = text.splitlines() or [""]
        line, col = len(lines), len(lines[-1]) + 1
    problem = raw.split(" (at ")[0]
    words = next((id_ for pattern, id_ in _TOML_PROBLEMS if re.search(pattern, problem)), problem)
    return line, col, f"TOML tidak sah: {words}"


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read sopgen.toml (absent is fine: defaults); problems are diagnostics, not exceptions."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(), []
    file = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    broken = Config(file=file, valid=False)
    text, data, problem = _read_toml(path, file)
    if problem:
        return broken, [problem]
    plain = _plain(data)
    source = _positions(text, plain)
    diags = _config_diagnostics(root, plain, source, file)
    if diags:
        return broken, sorted(set(diags))
    cal = plain.get("kalender", {})
    defaults = CalendarSettings()
    calendar = CalendarSettings(
        hari_kerja=tuple(cal.get("hari_kerja", defaults.hari_kerja)),
        jam_kerja=tuple(cal.get("jam_kerja", defaults.jam_kerja)),
        jam_jumat=tuple(cal["jam_jumat"]) if "jam_jumat" in cal else (None if "jam_kerja" in cal else defaults.jam_jumat),
        libur=tuple(date.fromisoformat(d) for d in cal.get("libur", [])),
        masuk=tuple(date.fromisoformat(d) for d in cal.get("masuk", [])),
        cuti_bersama=cal.get("cuti_bersama", True),
        zona_waktu=cal.get("zona_waktu", "Asia/Jakarta"),
    )
    out = plain.get("keluaran", {})
    paper = Paper(**plain.get("kertas", {}))
    limits = Limits(**plain.get("batas", {}))
    return (
        Config(
            plain.get("instansi", {}),
            paper,
            calendar,
            out.get("folder", "output"),
            out.get("pdfa", True),
            limits,
            file,
            alamat=out.get("alamat", ""),
            penilaian=plain.get("penilaian", {}),
            laporan=plain.get("laporan", {}),
            buku=plain.get("buku", {}),
        ),
        [],
    )


def _read_toml(path: Path, file: str) -> tuple[str, dict, Diagnostic | None]:
    """The config's text and data; else the one problem that stops reading it."""
    if path.stat().st_size > MAX_CONFIG_BYTES:
        return "", {}, diag(file, 1, 1, "SOP601", f"sopgen.toml lebih dari {MAX_CONFIG_BYTES // 1024} KiB; konfigurasi kantor cukup beberapa baris, periksa isinya")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return "", {}, diag(file, 1, 1, "SOP601", "sopgen.toml bukan teks UTF-8; simpan ulang sebagai UTF-8")
    too_deep = _nesting_line(text)
    if too_deep:
        return "", {}, diag(file, too_deep, 1, "SOP601", f"TOML tidak sah: kurung bersarang lebih dari {MAX_CONFIG_DEPTH} tingkat")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line, col, message = _toml_error(text, e)
        return "", {}, diag(file, line, col, "SOP601", message)
    return text, data, None


def _positions(text: str, plain: dict) -> SourceMap:
    source = SourceMap()
    for section, body in plain.items():
        source.keys[(section,)] = source.values[(section,)] = _pos_of(text, section, None)
        if isinstance(body, dict):
            for key in body:
                source.keys[(section, key)] = _pos_of(text, section, key)[0], 1
                source.values[(section, key)] = _pos_of(text, section, key)
    return source


def _config_diagnostics(root: Path, plain: dict, source: SourceMap, file: str) -> list[Diagnostic]:
    """The schema, then the checks it cannot make on the parts whose shape is right, so that
    one run reports every problem of the file."""
    from sopgen.source import shape

    diags = [
        diag(d.file, d.line, d.column, "SOP602", d.message)
        for d in shape.check(plain, source, file, schema="config.schema.json")
    ]
    diags.extend(_control_characters(plain, source, file))
    shape_ok = lambda *p: not any(_under(d, source, p) for d in diags)  # noqa: E731
    cal = plain.get("kalender", {}) if isinstance(plain.get("kalender"), dict) else {}
    at = lambda *p: source.value_pos(p)  # noqa: E731
    for key in ("jam_kerja", "jam_jumat"):
        if shape_ok("kalender", key):
            diags.extend(diag(file, *at("kalender", key), "SOP602", m) for m in _period_problems(key, cal.get(key, [])))
    for key in ("libur", "masuk"):
        if shape_ok("kalender", key):
            diags.extend(diag(file, *at("kalender", key), "SOP602", f"kalender › {key}: '{d}' bukan tanggal yang ada di kalender") for d in cal.get(key, []) if not _is_date(d))
    zone = cal.get("zona_waktu", "Asia/Jakarta")
    if shape_ok("kalender", "zona_waktu") and not _is_zone(zone):
        diags.append(diag(file, *at("kalender", "zona_waktu"), "SOP602", f"kalender › zona_waktu '{zone}' tidak dikenal; tulis mis. 'Asia/Jakarta'"))
    out = plain.get("keluaran", {}) if isinstance(plain.get("keluaran"), dict) else {}
    if shape_ok("keluaran", "folder"):
        problem = _output_folder_problem(root, out.get("folder", "output"))
        if problem:
            diags.append(diag(file, *at("keluaran", "folder"), "SOP602", problem))
    return diags


def _period_problems(key: str, periods: list[str]) -> list[str]:
    out, valid = [], []
    for p in periods:
        a, b = p.split("-")
        if _valid_hm(a) and _valid_hm(b) and _period_minutes(p) > 0:
            valid.append(p)
        else:
            out.append(f"kalender › {key}: '{p}' bukan rentang jam yang sah; tulis mis. '07:30-12:00'")
    ordered = sorted(valid, key=lambda p: _minute_of(p.split("-")[0]))
    for p, q in zip(ordered, ordered[1:]):
        if _minute_of(q.split("-")[0]) < _minute_of(p.split("-")[1]):
            out.append(f"kalender › {key}: rentang '{p}' dan '{q}' bertumpang tindih; tulis jam kerja yang tidak beririsan, mis. ['07:30-12:00', '13:00-16:00']")
    return out


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_zone(zone: str) -> bool:
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except Exception:
        return False
    return True


def _output_folder_problem(root: Path, folder: str) -> str | None:
    target = Project(root, Config()).inside(folder)
    if target is None:
        return f"keluaran › folder '{one_line(clip(folder))}' berada di luar proyek; pakai folder di dalam proyek, mis. 'output'"
    if target in {root.resolve() / n for n in INPUT_FOLDERS}:
        return f"keluaran › folder '{one_line(clip(folder))}' adalah folder masukan proyek; hasil build tidak boleh bercampur dengan berkas sumber, pakai mis. 'output'"
    return None


def _nesting_line(text: str) -> int | None:
    """The line where brackets nest deeper than MAX_CONFIG_DEPTH (tomllib recurses per level
    and would overflow the stack), counted over the raw text: brackets inside strings only make
    the count higher, never hide real nesting."""
    depth = 0
    line = 1
    for c in text:
        if c in "[{":
            depth += 1
            if depth > MAX_CONFIG_DEPTH:
                return line
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == "\n":
            line += 1
    return None


def _control_characters(plain: dict, source: SourceMap, file: str) -> list[Diagnostic]:
    """Config text ends up on every page and in terminal messages: no control characters."""
    out = []
    stack: list[tuple[tuple, Any]] = [((), plain)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path, v) for v in value)
        elif isinstance(value, str) and (m := find_control(value)):
            line, col = source.value_pos(path[:2])
            out.append(diag(file, line, col, "SOP602", f"{' › '.join(map(str, path))} memuat karakter kendali {char_name(m.group())}; hapus karakter itu (biasanya tersalin dari dokumen lain)"))
    return out


def _under(d: Diagnostic, source: SourceMap, path: tuple) -> bool:
    """Whether a schema diagnostic concerns this part of the config (or the whole section)."""
    return (d.line, d.column) in (source.value_pos(path), source.value_pos(path[:1]))


def _minute_of(hm: str) -> int:
    h, m = map(int, hm.split(":"))
    return h * 60 + m


def _valid_hm(text: str) -> bool:
    h, m = map(int, text.split(":"))
    return (0 <= h <= 23 and 0 <= m < 60) or (h, m) == (24, 0)


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


def discover(paths: list[Path], ordered: bool = True) -> list[Path]:
    """SOP files under the given files or folders, sorted so every run reads them alike.
    `ordered=False`: one folder's files as the system lists them (for a caller that reports
    nothing in their order: sorting 1,000 paths cost more than finding them)."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(_sop_files(p))
        else:
            found.append(p)
    return sorted(dict.fromkeys(found)) if ordered or len(paths) != 1 else found


def _sop_files(folder: Path) -> Iterator[Path]:
    """*.yaml and *.yml files (or links to files) under folder, not in or named like hidden
    entries, not through linked folders (as `Path.rglob`, at a third of its cost). Folders
    wait on a list, not on the call stack: a nest of a thousand folders is no RecursionError."""
    waiting = [folder]
    while waiting:
        current = waiting.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError:
            continue
        real = _real_folder(current)
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    waiting.append(current / e.name)
                elif e.name.endswith((".yaml", ".yml")) and e.is_file():
                    found = current / e.name
                    if real is not None and not e.is_symlink():  # `real_path` then needs no system call
                        _REAL[os.fspath(found)] = os.path.join(real, e.name)
                    yield found
            except OSError:
                continue


def _real_folder(folder: Path) -> str | None:
    """The real path of an absolute folder (for `real_path` of the files in it), else None."""
    key = os.fspath(folder)
    return str(resolved_folder(os.path.abspath(key))) if os.path.isabs(key) and len(_REAL) < 100_000 else None
