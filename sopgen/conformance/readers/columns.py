"""The log's columns: canonical names, the header names accepted for each, and the mapping
of a file's header row onto them.

Offices keep logs in Excel and export CSV from it or from process-mining tools, so headers
are matched in Indonesian, English and IEEE XES names, regardless of case and spacing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# pegawai (version 1.1, the log template with pegawai.csv): the person who did the row,
# beside the position in pelaksana; a row needs one of the two.
CANONICAL = ("sop", "kasus", "langkah", "pelaksana", "pegawai", "mulai", "selesai", "output", "catatan")
REQUIRED = ("kasus", "langkah", "pelaksana", "mulai")

# Accepted header names per column, best first: when two headers name the same column
# the better-ranked one is used and the other is ignored (and reported).
ALIASES: dict[str, tuple[str, ...]] = {
    "sop": ("sop", "nomor sop", "no sop", "nomor_sop", "case:sop"),
    "kasus": ("kasus", "case", "case id", "case_id", "case:concept:name"),
    "langkah": ("langkah", "no langkah", "nomor langkah", "step", "concept:name"),
    "pelaksana": ("pelaksana", "actor", "resource", "org:resource"),
    "pegawai": ("pegawai", "nama pegawai", "petugas", "nama petugas"),
    "mulai": ("mulai", "waktu mulai", "start", "start_time", "start_timestamp", "time:start"),
    "selesai": ("selesai", "waktu selesai", "end", "end_time", "time:complete", "complete_timestamp"),
    "output": ("output", "keluaran"),
    "catatan": ("catatan", "keterangan", "note", "notes"),
}
# XES exports with one timestamp per event put it in time:timestamp: that is the start when
# there is no other start column, and the end when there is.
_XES_TIMESTAMP = "time:timestamp"
_ALIAS_RANK = {name: (col, rank) for col, names in ALIASES.items() for rank, name in enumerate(names)}

# The raw stage also carries an XES `lifecycle:transition` (see `_pair_lifecycle`).
_RAW_COLUMNS = (*CANONICAL, "lifecycle")
_LIFECYCLE = "lifecycle:transition"


def _norm_header(name: Any) -> str:
    """A header as matched: case, spacing and line breaks, the dot of an abbreviation ('No.
    Langkah' is 'no langkah') and a colon after it do not count."""
    text = "" if name is None else str(name)
    text = re.sub(r"\s+", " ", text.replace("\ufeff", "").replace(".", " ")).strip().lower()
    return text[:-1].rstrip() if text.endswith(":") else text


def names_column(text: str | None, column: str) -> bool:
    """Whether a cell is a header name of `column` (a header row repeated among the data)."""
    normal = _norm_header(text)
    return _ALIAS_RANK.get(normal, ("",))[0] == column or (column in ("mulai", "selesai") and normal == _XES_TIMESTAMP)


@dataclass(frozen=True)
class _Header:
    """Which source column (index) feeds each canonical column, and what was left out."""

    names: tuple[str, ...]  # as written in the source
    index: dict[str, int]  # canonical -> column index
    ignored: tuple[str, ...]
    missing: tuple[str, ...]  # required columns not found

    def label(self, column: str) -> str:
        """How messages name a column: canonical, plus the source header if it differs."""
        source = self.names[self.index[column]].strip() if column in self.index else column
        return f"'{column}'" if _norm_header(source) == column else f"'{column}' ({source})"


def _map_header(names: Sequence[Any]) -> _Header:
    shown = tuple("" if n is None else str(n).replace("\ufeff", "").strip() for n in names)
    normal = [_norm_header(n) for n in names]
    best: dict[str, tuple[int, int]] = {}  # canonical -> (rank, index)
    has_start = any(_ALIAS_RANK.get(n, ("",))[0] == "mulai" for n in normal)
    for i, n in enumerate(normal):
        if n == _XES_TIMESTAMP:
            col, rank = ("selesai", len(ALIASES["selesai"])) if has_start else ("mulai", len(ALIASES["mulai"]))
        elif n in _ALIAS_RANK:
            col, rank = _ALIAS_RANK[n]
        else:
            continue
        if col not in best or rank < best[col][0]:
            best[col] = (rank, i)
    index = {col: i for col, (_rank, i) in best.items()}
    # An XES event log with one timestamp per event and no end column records a step as a
    # `start` and a `complete` event: the lifecycle column says which (`_pair_lifecycle`).
    if "selesai" not in index and "mulai" in index and normal[index["mulai"]] == _XES_TIMESTAMP and _LIFECYCLE in normal:
        index["lifecycle"] = normal.index(_LIFECYCLE)
    used = set(index.values())
    ignored = tuple(shown[i] for i in range(len(shown)) if i not in used and shown[i])
    missing = tuple(c for c in REQUIRED if c not in index)
    return _Header(shown, index, ignored, missing)


_CLOCK_HEADER = re.compile(r"\b(?:jam|pukul|pkl)\b")


def time_column_notes(ignored: dict[str, list[str]]) -> list[str]:
    """A note per source whose unread columns hold the time of day apart from the date
    ('Jam Mulai' beside a date in 'mulai'): the spec reads one start and one end column, so
    such rows are dates without a time; the note says where the time goes."""
    notes = []
    for where, names in ignored.items():
        clocks = [n for n in names if _CLOCK_HEADER.search(_norm_header(n))]
        if clocks:
            listed = ", ".join(f"'{n}'" for n in clocks)
            notes.append(
                f"{where}: kolom {listed} tidak dibaca; tulis jamnya bersama tanggal di kolom 'mulai' dan 'selesai' "
                "(mis. 02/10/2023 08:30), lalu hapus kolom jam itu"
            )
    return notes


def _accepted_names() -> str:
    parts = []
    for col, names in ALIASES.items():
        extra = list(names[1:]) + ([_XES_TIMESTAMP] if col in ("mulai", "selesai") else [])
        parts.append(f"{col} ({', '.join(extra)})")
    return "; ".join(parts)


def _missing_message(file: str, header: _Header) -> str:
    found = ", ".join(f"'{n}'" for n in header.names if n) or "(tidak ada)"
    cols = " dan ".join(f"'{c}'" for c in header.missing)
    return (
        f"berkas log '{file}': kolom wajib {cols} tidak ada. Kolom yang ditemukan: {found}. "
        f"Nama kolom yang diterima (tanpa beda huruf besar/kecil): {_accepted_names()}"
    )
