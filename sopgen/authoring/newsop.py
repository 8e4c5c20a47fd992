"""`sopgen new`: the next SOP of a project, numbered like the ones before it.

Offices number SOPs like letters: `kode klasifikasi / nomor urut / kode instansi / tahun`
(`065/111/416-317/2023`). The next nomor takes the largest sequence number of the most
common series plus one, the current year, and the same width. A project whose SOPs follow no
such series (none numbered yet, blanks, or numbers like "SOP AP-SEKRE-01") gets a blank nomor
(format 1.1): an invented placeholder would print on the sheet as if it were the number, while
a blank prints an empty cell, is known by its file name, and `validate` warns until it is filled.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sopgen.authoring.sopfile import (
    PLACEHOLDER_SIGNER, AuthoringError, Signer, SopDraft, StepDraft, actor_id, clean, sop_text, write_new,
)
from sopgen.source.project import CONFIG_NAME, Project

_YEAR = re.compile(r"^(19|20)\d\d$")
DEFAULT_ACTORS = ("Kepala Seksi", "Staf Pelaksana")


@dataclass(frozen=True)
class Series:
    """One numbering series: everything but the sequence number (and the year) alike."""

    prefix: str  # the parts before the sequence number, joined with "/"
    suffix: str  # the parts after it, without a trailing year
    dated: bool  # the nomor ends in a four-digit year


def _parse(nomor: str) -> tuple[Series, int, int] | None:
    """(series, sequence number, its width) of a nomor like 065/111/416-317/2023."""
    parts = nomor.strip().split("/")
    if len(parts) < 3 or not parts[1].isdigit() or not parts[0]:
        return None
    dated = bool(_YEAR.match(parts[-1]))
    rest = parts[2:-1] if dated else parts[2:]
    return Series(parts[0], "/".join(rest), dated), int(parts[1]), len(parts[1])


def next_nomor(existing: list[str], year: int) -> str | None:
    """The next free nomor of the project's main series, or None when there is no series."""
    parsed = [p for p in map(_parse, existing) if p]
    if not parsed:
        return None
    series = Counter(s for s, _, _ in parsed).most_common(1)[0][0]
    mine = [(n, w) for s, n, w in parsed if s == series]
    width = max(w for _, w in mine)
    taken = set(existing)
    n = max(n for n, _ in mine) + 1
    while True:
        parts = [series.prefix, str(n).zfill(width), *([series.suffix] if series.suffix else []), *([str(year)] if series.dated else [])]
        candidate = "/".join(parts)
        if candidate not in taken:
            return candidate
        n += 1


@dataclass(frozen=True)
class NewSop:
    path: Path
    nomor: str | None  # None: written blank, to fill when the SOP is numbered
    numbered: bool
    copied_signer: bool  # disahkan_oleh and unit came from an existing SOP


def _existing(project: Project):
    """Every nomor in sops/ (valid or not) and the last valid SOP, from one validation run."""
    from sopgen.source.validate import validate

    result = validate(None, project)
    nomors = [f.nomor for f in result.files if f.nomor]
    sops = sorted(result.sops, key=lambda s: s.file)
    return nomors, (sops[-1] if sops else None)


def file_name(nomor: str | None, nama: str) -> str:
    """`065-122-nama-sop.yaml` from the nomor's first two parts and the name."""
    from sopgen.render.html import slugify

    slug = slugify(clean(nama))[:60].strip("-") or "sop"
    parsed = _parse(nomor) if nomor else None
    if parsed:
        series, n, width = parsed
        return f"{slugify(series.prefix) or 'sop'}-{str(n).zfill(width)}-{slug}.yaml"
    return f"{slug}.yaml"


def new_sop(project: Project, nama: str, actors: list[str] | None = None, today: date | None = None) -> NewSop:
    """Write `sops/<nomor>-<slug>.yaml` for a new SOP. Raises AuthoringError, writing nothing,
    when the name is empty or the file exists."""
    nama = clean(nama)
    if not nama:
        raise AuthoringError("nama SOP kosong; tulis mis.: sopgen new \"Pelayanan Surat Keterangan Pindah\"")
    today = today or date.today()
    sops_dir = project.root / "sops"
    if not sops_dir.is_dir() and not (project.root / CONFIG_NAME).is_file():
        raise AuthoringError(f"'{project.root}' bukan folder proyek sopgen (tidak ada sops/ atau {CONFIG_NAME}); buat dulu dengan: sopgen init")
    nomors, last = _existing(project) if sops_dir.is_dir() else ([], None)
    nomor = next_nomor(nomors, today.year)
    numbered = nomor is not None
    names = [clean(a) for a in (actors or DEFAULT_ACTORS) if clean(a)]
    if not names:
        raise AuthoringError("--pelaksana kosong; tulis nama jabatan, mis. --pelaksana \"Kasi Pemerintahan\"")
    taken: set[str] = set()
    lanes = tuple((actor_id(n, taken), n) for n in dict.fromkeys(names))
    if last is not None:
        d = last.disahkan_oleh
        signer, unit = Signer(d.nama, d.jabatan or PLACEHOLDER_SIGNER[1], d.pangkat or PLACEHOLDER_SIGNER[2], d.nip), last.instansi.unit
    else:
        signer, unit = Signer(*PLACEHOLDER_SIGNER), ""
    steps = tuple(
        StepDraft(f"(isi aktivitas langkah {i} oleh {n})", lane, "(isi kelengkapan)", 15, "(isi output)")
        for i, (lane, n) in enumerate(lanes, 1)
    )
    draft = SopDraft(nomor, nama, unit or "(isi unit kerja)", today, signer, lanes, steps,
                     keterangan="Dibuat dengan sopgen new: isi setiap bagian yang bertanda (isi ...).")
    path = sops_dir / file_name(nomor if numbered else None, nama)
    sops_dir.mkdir(exist_ok=True)
    write_new(path, sop_text(draft))
    return NewSop(path, nomor, numbered, last is not None)
