"""An SOP file as a person starts it: every field present, each explained in Indonesian.

The text comes from one commented template (`starter/sop.yaml.tmpl`), shared by the example
SOP of `sopgen init` and by `sopgen new`, so both teach the same format. Values a person typed
(names, offices) are written as quoted YAML scalars, never pasted raw.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from string import Template

STARTER = Path(__file__).resolve().parent / "starter"

# Placeholders a person must replace; valid as written so the SOP validates and previews.
PLACEHOLDER_SIGNER = ("Nama Pejabat, S.Sos., M.Si.", "Camat", "Pembina", "19700101 199003 1 001")


class AuthoringError(Exception):
    """A user mistake (a file in the way, a name that cannot be used): exit 2 with the message."""


def clean(text: str) -> str:
    """One line of plain text: control characters dropped, runs of white space made one."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(kept.split())


def quoted(text: str) -> str:
    """A double-quoted scalar, valid in YAML and in TOML alike."""
    return json.dumps(clean(text), ensure_ascii=False)


def starter_text(name: str) -> str:
    return (STARTER / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Signer:
    nama: str
    jabatan: str
    pangkat: str
    nip: str


@dataclass(frozen=True)
class StepDraft:
    aktivitas: str
    pelaksana: str  # an actor id
    kelengkapan: str
    waktu: int  # minutes
    output: str
    pertanyaan: str = ""  # set: a decision step
    ya: int | str | None = None
    tidak: int | str | None = None


@dataclass(frozen=True)
class SopDraft:
    nomor: str | None  # None: written blank (format 1.1), to fill when the SOP is numbered
    nama: str
    unit: str
    today: date
    signer: Signer
    actors: tuple[tuple[str, str], ...]  # (id, nama)
    steps: tuple[StepDraft, ...]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keterangan: str = ""


# A blank Nomor SOP as `sopgen new` writes it: valid, a warning (SOP320) until it is filled.
BLANK_NOMOR = "null                # belum bernomor: isi saat SOP ditetapkan; sampai itu SOP dikenal dengan nama berkasnya"

LISTS = ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan", "pencatatan_pendataan")
_SLOTS = {"dasar_hukum": "dasar_hukum", "kualifikasi_pelaksana": "kualifikasi", "keterkaitan": "keterkaitan",
          "peralatan_perlengkapan": "peralatan", "peringatan": "peringatan", "pencatatan_pendataan": "pencatatan"}


def _items(values: tuple[str, ...]) -> str:
    if not values:
        return "  []  # belum diisi: tulis butir sebagai  - teks"
    return "\n".join(f"  - {quoted(v)}" for v in values)


def _step(no: int, s: StepDraft) -> str:
    lines = [f"  - no: {no}", f"    aktivitas: {quoted(s.aktivitas)}", f"    pelaksana: {s.pelaksana}"]
    if s.pertanyaan:
        lines += ["    jenis: keputusan", f"    pertanyaan: {quoted(s.pertanyaan)}"]
        for key, target in (("ya", s.ya), ("tidak", s.tidak)):
            if target is not None:
                lines.append(f"    {key}: {target}")
    lines += [
        "    mutu_baku:",
        f"      kelengkapan: {quoted(s.kelengkapan)}",
        f"      waktu: {s.waktu}",
        f"      output: {quoted(s.output)}",
    ]
    return "\n".join(lines)


def sop_text(draft: SopDraft) -> str:
    """The SOP file's text."""
    actors = "\n".join(f"  - id: {i}\n    nama: {quoted(n)}" for i, n in draft.actors)
    values = {
        "judul": clean(draft.nama),
        "nomor": quoted(draft.nomor) if draft.nomor else BLANK_NOMOR,
        "nama": quoted(draft.nama),
        "unit": quoted(draft.unit),
        "hari_ini": draft.today.isoformat(),
        "pejabat": quoted(draft.signer.nama),
        "jabatan": quoted(draft.signer.jabatan),
        "pangkat": quoted(draft.signer.pangkat),
        "nip": quoted(draft.signer.nip),
        "pelaksana": actors,
        "langkah": "\n".join(_step(i, s) for i, s in enumerate(draft.steps, 1)),
        "keterangan": quoted(draft.keterangan),
    }
    for key in LISTS:
        values[_SLOTS[key]] = _items(draft.lists.get(key, ()))
    return Template(starter_text("sop.yaml.tmpl")).substitute(values)


def actor_id(name: str, taken: set[str]) -> str:
    """A short lane id from a position name ("Kasi Pemerintahan" -> "kasi-pemerintahan")."""
    from sopgen.render.html import slugify

    base = slugify(clean(name))[:40].strip("-") or "pelaksana"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def write_new(path: Path, text: str) -> None:
    """Create the file; never replace one (a file, a link or anything else already there)."""
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        raise AuthoringError(f"'{path}' sudah ada; sopgen tidak menimpa berkas. Pakai nama lain atau pindahkan berkas itu") from None


def remove_quietly(paths: list[Path]) -> None:
    for p in reversed(paths):
        try:
            os.rmdir(p) if p.is_dir() and not p.is_symlink() else p.unlink()
        except OSError:
            pass
