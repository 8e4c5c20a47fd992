"""The identity sheet: nomor, dates, signer, kop, unit, name and the six list boxes.

Found by their printed labels wherever the office put them ("Nomor SOP" with its value in the
next cell, or "Nomor SOP : 065/..." in one cell), so a table laid out differently still reads.
"""

from __future__ import annotations

import re

from sopgen.authoring.importer.draft import Draft, is_shouting, title_case
from sopgen.authoring.importer.grid import Cell, Grid

_LABELS = {
    "nomor": r"no(?:mor)?\.?\s*sop",
    "pembuatan": r"(?:tgl|tanggal)\.?\s*pembuatan",
    "revisi": r"(?:tgl|tanggal)\.?\s*revisi",
    "efektif": r"(?:tgl|tanggal)\.?\s*(?:efektif|pengesahan|berlaku)",
    "disahkan": r"disahkan\s*oleh",
    "nama": r"nama\s*sop",
}
LISTS = {
    "dasar_hukum": r"dasar\s*hukum",
    "kualifikasi_pelaksana": r"kualifikasi\s*pelaksana",
    "keterkaitan": r"keterkaitan",
    "peralatan_perlengkapan": r"peralatan\s*/?\s*(?:dan\s*)?perlengkapan|peralatan",
    "peringatan": r"peringatan",
    "pencatatan_pendataan": r"pencatatan\s*(?:dan|/)?\s*pendataan|pencatatan",
}
MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "nopember": 11, "november": 11, "desember": 12,
}
_PANGKAT = re.compile(r"^(?:pembina|penata|pengatur|juru)\b", re.I)
_NIP = re.compile(r"^\s*NIP\.?\s*:?\s*([\d ]{8,})\s*$", re.I)
_ITEM_MARK = re.compile(r"^\s*(?:\d{1,3}[.)]|[a-z][.)]|[-•·*▪●])\s*")
_EMPTY = re.compile(r"^\s*[-–—]?\s*$")


def _label(cell: Cell, pattern: str) -> str | None:
    """The text after the label when the cell starts with it ('' when the label is alone)."""
    first = cell.paragraphs[0] if cell.paragraphs else ""
    m = re.match(rf"^\s*(?:{pattern})\s*:?\s*(.*)$", first, re.I)
    if not m:
        return None
    rest = [m.group(1), *cell.paragraphs[1:]]
    return "\n".join(p for p in rest if p.strip())


def _value(grid: Grid, r: int, c: int, rest: str) -> tuple[str, Cell | None]:
    if rest.strip():
        return rest, None
    nxt = grid.right_of(r, c)
    return (nxt.text.lstrip(": ").strip(), nxt) if nxt is not None else ("", None)


def parse_date(text: str) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD or None, note). '-' or empty is None without a note."""
    t = " ".join(text.split()).strip(" .")
    if _EMPTY.match(t):
        return None, None
    m = re.match(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$", t)
    if m and m.group(2).lower() in MONTHS:
        return f"{int(m.group(3)):04d}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}", None
    m = re.match(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", t)
    if m:
        return f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}", f"tanggal '{t}' dibaca sebagai hari-bulan-tahun"
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", t)
    if m:
        return t, None
    m = re.match(r"^([A-Za-z]+)\s+(\d{4})$", t)
    if m and m.group(1).lower() in MONTHS:
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1).lower()]:02d}", f"tanggal '{t}' tanpa hari"
    return None, f"tanggal '{t[:60]}' tidak terbaca; tulis YYYY-MM-DD"


def several_sops(grids: list[Grid], mechanism_tables: int) -> list[str]:
    """The SOPs a document holds when it holds more than one (several identity sheets with
    different Nomor or Nama SOP, and a Mekanisme table for each), else []."""
    if mechanism_tables < 2:
        return []
    seen: dict[str, list[str]] = {"nomor": [], "nama": []}
    for grid in grids:
        for r, c, cell in grid.find(lambda cell: bool(cell.paragraphs)):
            for key, values in seen.items():
                rest = _label(cell, _LABELS[key])
                value = " ".join(_value(grid, r, c, rest)[0].split()) if rest is not None else ""
                if value and value not in values:
                    values.append(value)
    return max(seen.values(), key=len) if max(len(v) for v in seen.values()) > 1 else []


def read_identity(grids: list[Grid], draft: Draft, config_instansi: dict) -> None:
    found: dict[str, tuple[str, Grid, int, int]] = {}
    lists: dict[str, list[str]] = {}
    kop: Cell | None = None
    for grid in grids:
        for r, c, cell in grid.find(lambda cell: bool(cell.paragraphs)):
            for key, pattern in _LABELS.items():
                rest = _label(cell, pattern)
                if rest is not None and key not in found:
                    found[key] = (rest, grid, r, c)
                    break
            else:
                for key, pattern in LISTS.items():
                    rest = _label(cell, pattern)
                    if rest is not None and key not in lists and len(cell.line) < 60 + len(rest):
                        below = grid.below(r, c)
                        text = rest if rest.strip() else (below.text if below is not None else "")
                        lists[key] = _items(text)
                        break
            if kop is None and re.match(r"^\s*pemerintah\b", cell.paragraphs[0] if cell.paragraphs else "", re.I):
                kop = cell
    _fill(draft, found, config_instansi, kop)
    for key in LISTS:
        if key in lists:
            draft.data[key] = lists[key]
        else:
            draft.data[key] = []
            draft.note((key,), f"kotak '{key.replace('_', ' ')}' tidak ditemukan di dokumen")


def _items(text: str) -> list[str]:
    items = []
    for line in text.split("\n"):
        line = _ITEM_MARK.sub("", line, count=1).strip()
        if line and not _EMPTY.match(line):
            items.append(line)
    return items


def _fill(draft: Draft, found: dict, config_instansi: dict, kop: Cell | None) -> None:
    d = draft.data
    d["versi_format"] = 1
    nomor = _value(*found["nomor"][1:], found["nomor"][0])[0] if "nomor" in found else ""
    d["nomor"] = nomor or None
    if not nomor:
        draft.note(("nomor",), "Nomor SOP tidak ditemukan")
    nama = _value(*found["nama"][1:], found["nama"][0])[0].replace("\n", " ") if "nama" in found else ""
    d["nama"] = title_case(nama) if is_shouting(nama) else nama
    if is_shouting(nama):
        draft.note(("nama",), f"huruf besar-kecil ditebak dari '{nama[:60]}'")
    if not nama:
        draft.note(("nama",), "Nama SOP tidak ditemukan")
    d["instansi"] = _instansi(draft, found, config_instansi, kop)
    d["tanggal"] = {}
    for key in ("pembuatan", "revisi", "efektif"):
        text = _value(*found[key][1:], found[key][0])[0] if key in found else ""
        value, why = parse_date(text)
        d["tanggal"][key] = value
        if why:
            draft.note(("tanggal", key), why)
        elif key not in found:
            draft.note(("tanggal", key), f"Tgl {key.capitalize()} tidak ditemukan")
    if "disahkan" in found:
        rest, grid, r, c = found["disahkan"]
        lines = rest.split("\n") if rest.strip() else _value(grid, r, c, "")[0].split("\n")
        d["disahkan_oleh"] = _signer([x for x in lines if x.strip()], draft)
    else:
        d["disahkan_oleh"] = {"nama": None, "nip": None}
        draft.note(("disahkan_oleh",), "kotak 'Disahkan oleh' tidak ditemukan")


def _signer(lines: list[str], draft: Draft) -> dict:
    out: dict = {}
    nip_at = next((i for i, x in enumerate(lines) if _NIP.match(x)), None)
    nip = " ".join(_NIP.match(lines[nip_at]).group(1).split()) if nip_at is not None else None
    before = lines[:nip_at] if nip_at is not None else lines
    pangkat = before.pop() if before and _PANGKAT.match(before[-1]) else None
    name = before.pop() if before else None
    if before:
        jabatan = " ".join(before)
        out["jabatan"] = title_case(jabatan) if is_shouting(jabatan) else jabatan
        draft.note(("disahkan_oleh", "jabatan"), "jabatan ditebak dari baris di atas nama")
    out["nama"] = name
    if name is None:
        draft.note(("disahkan_oleh", "nama"), "nama pejabat tidak ditemukan")
    if pangkat:
        out["pangkat"] = pangkat
    out["nip"] = nip
    if nip is None:
        draft.note(("disahkan_oleh", "nip"), "NIP tidak ditemukan")
    return out


_KOP_KEYS = ("pemerintah", "nama", "alamat", "telepon", "kota")


def _kop(cell: Cell) -> tuple[dict, list[str]]:
    lines = [x for x in cell.paragraphs if x.strip()]
    out: dict = {}
    extra = []
    for i, line in enumerate(lines):
        if i == 0:
            out["pemerintah"] = line
        elif re.match(r"^(?:jl|jalan)\b", line, re.I):
            out["alamat"] = line
        elif m := re.match(r"^(?:telp|telepon|tlp|phone)\.?\s*:?\s*(.*)$", line, re.I):
            out["telepon"] = m.group(1)
        elif "nama" not in out and "alamat" not in out:
            out["nama"] = line
        elif i == len(lines) - 1 and "kota" not in out and is_shouting(line):
            out["kota"] = line
        else:
            extra.append(line)
    return out, extra


def _instansi(draft: Draft, found: dict, config: dict, kop: Cell | None) -> dict:
    """Kop values that differ from sopgen.toml's [instansi] (letter case aside), and the unit."""
    out: dict = {}
    printed, extra = _kop(kop) if kop is not None else ({}, [])
    for key in _KOP_KEYS:
        value = printed.get(key)
        if not value:
            continue
        same = isinstance(config.get(key), str) and " ".join(config[key].split()).lower() == " ".join(value.split()).lower()
        if same:
            continue
        out[key] = title_case(value) if is_shouting(value) and key != "telepon" else value
        if is_shouting(value) and key != "telepon":
            draft.note(("instansi", key), f"huruf besar-kecil ditebak dari '{value[:60]}'")
    if extra:
        draft.note(("instansi",), "baris kop lain tidak dipindahkan: " + "; ".join(e[:60] for e in extra))
    if "nama" in found:
        _, grid, r, c = found["nama"]
        unit = grid.left_of(r, c)
        if unit is not None and unit is not kop and unit.line:
            out["unit"] = title_case(unit.line) if is_shouting(unit.line) else unit.line
            if is_shouting(unit.line):
                draft.note(("instansi", "unit"), f"huruf besar-kecil ditebak dari '{unit.line[:60]}'")
    return out
