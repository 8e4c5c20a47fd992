"""The build record `output/.sopgen-build.json`, read as the untrusted file it is.

Anyone who can write to `output/` can write this file, so it decides nothing on its own: it is
read only when it is a plain file of bounded size (never through a link), every value in it is
checked for the type and form sopgen itself writes, and anything else makes the whole record
count as missing (a full rebuild, never a traceback). The record may only ever cause a file to
be removed when the file is a plain file directly inside the output folder, is named like an
output sopgen writes (`<slug>.pdf`, `<slug>.html`), and still has the size and SHA-256 that
sopgen recorded when it wrote it; nothing outside the output folder is read or removed
because of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from sopgen.files import OutputRefused, check_owned, read_plain, write_atomic

STATE_NAME = ".sopgen-build.json"
STATE_VERSION = 2  # 2: outputs recorded with their SHA-256
MAX_STATE_BYTES = 64 * 1024 * 1024  # far above the record of 10,000 SOPs
OUTPUT_EXTENSIONS = ("pdf", "html")

# What `render.html.slugify` produces (lowercase ASCII, digits, '-', '_', '.'; no leading or
# trailing punctuation), short enough for a file name with its extension.
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,200}[a-z0-9])?")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SHA_KEYS = {"pdf": "sha256", "html": "html_sha256"}  # "sha256" is also what katalog.json publishes


def is_slug(value: object) -> bool:
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None and value != "index"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading -------------------------------------------------------------------------------


def load_state(out: Path) -> dict[str, Any]:
    """The previous build's record, or {} when it is missing, not a plain file, too big or not
    exactly what sopgen writes."""
    raw = read_plain(out / STATE_NAME, MAX_STATE_BYTES)
    if raw is None:
        return {}
    try:
        state = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # broken JSON, bad UTF-8, nesting too deep, huge ints
        return {}
    return state if _valid_state(state) else {}


def _is(value: object, kind: type | tuple) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


def _strs(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _valid_entry(entry: object) -> bool:
    """One output record: {sumber, sidik, pdf, html, halaman, sha256 (the PDF's), html_sha256}."""
    if not isinstance(entry, dict) or set(entry) != {"sumber", "sidik", "pdf", "html", "halaman", "sha256", "html_sha256"}:
        return False
    return (
        isinstance(entry["sumber"], str)
        and isinstance(entry["sidik"], str)
        and all(_is(entry[k], int) and entry[k] >= 0 for k in ("pdf", "html", "halaman"))
        and all(isinstance(entry[k], str) and _HEX64.fullmatch(entry[k]) for k in _SHA_KEYS.values())
    )


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float)) or _strs(value)


def _date(value: object) -> bool:
    """A date as the catalog prints it (the catalog's own formatter decides)."""
    from sopgen.render.catalog import date_text

    if value is not None and not isinstance(value, str):
        return False
    try:
        date_text(value)
    except (ValueError, TypeError):
        return False
    return True


def valid_summary(s: object) -> bool:
    """One SOP's catalog summary as `render.catalog.summary` writes it: plain values only, a
    slug sopgen makes, the dates the catalog prints, the texts the links show."""
    if not isinstance(s, dict) or not is_slug(s.get("slug")) or not all(_scalar(v) for k, v in s.items() if k != "riwayat"):
        return False
    if not all(isinstance(s.get(k), str) for k in ("file", "nomor", "nama")):
        return False
    dates = all(_date(s.get(k)) for k in ("pembuatan", "efektif", "revisi_terakhir"))
    return dates and _strs(s.get("keterkaitan", [])) and _history(s.get("riwayat", []))


def _history(value: object) -> bool:
    """The revisions a summary lists (`publish.history.document_history`)."""
    return isinstance(value, list) and all(
        isinstance(h, dict) and set(h) == {"revisi", "tanggal", "uraian"} and _scalar(h["revisi"])
        and isinstance(h["uraian"], str) and _date(h["tanggal"])
        for h in value
    )


_DIAGNOSTIC_TYPES = {"file": str, "line": int, "column": int, "code": str, "severity": str, "message": str}


def _valid_validation(v: object) -> bool:
    """The cached validation result: {kunci, logo, ringkasan, diagnostik}."""
    if v is None:
        return True
    if not isinstance(v, dict) or not isinstance(v.get("kunci"), str) or not _strs(v.get("logo")):
        return False
    summaries, diagnostics = v.get("ringkasan"), v.get("diagnostik")
    if not isinstance(summaries, dict) or not all(valid_summary(s) for s in summaries.values()):
        return False
    return isinstance(diagnostics, list) and all(
        isinstance(d, dict) and set(d) == set(_DIAGNOSTIC_TYPES) and all(_is(d[k], t) for k, t in _DIAGNOSTIC_TYPES.items())
        for d in diagnostics
    )


def _valid_state(state: object) -> bool:
    if not isinstance(state, dict) or state.get("versi") != STATE_VERSION:
        return False
    outputs = state.get("keluaran")
    if not isinstance(outputs, dict) or not all(is_slug(k) and _valid_entry(e) for k, e in outputs.items()):
        return False
    return _valid_validation(state.get("validasi"))


# --- writing and checking ------------------------------------------------------------------


def save_state(out: Path, state: dict[str, Any]) -> None:
    """Write the record; never into a pipe, a device or through a link put in its place."""
    data = json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    write_atomic(out / STATE_NAME, data, owned=True)


def check_outputs(out: Path, summaries: list[dict[str, Any]]) -> None:
    """OutputRefused, before anything is written, when something that is not a plain file (a
    named pipe, a device, a link, a folder) sits where the build writes one of its own files:
    each SOP's PDF and HTML view, this record, the catalog, katalog.json, the verification
    pages (writing into a pipe nobody reads waits forever; what a user put there is not
    sopgen's to remove)."""
    from sopgen.publish.identity import REGISTER_NAME, VERIFY_DIR
    from sopgen.publish.register import STAMP_NAME

    pages = out / VERIFY_DIR
    names = [STATE_NAME, "index.html", REGISTER_NAME] + [f"{s['slug']}.{ext}" for s in summaries for ext in OUTPUT_EXTENSIONS]
    try:
        check_owned(pages, folder=True)
        for path in [out / n for n in names] + [pages / STAMP_NAME] + [pages / f"{s['verifikasi']}.html" for s in summaries]:
            check_owned(path)
    except OutputRefused as e:
        raise OutputRefused(f"{e.strerror}; tidak ada berkas yang ditulis") from None


def output_path(out: Path, slug: str, ext: str) -> Path:
    """Where an output goes: directly inside the output folder, under a name sopgen makes."""
    if not is_slug(slug) or ext not in OUTPUT_EXTENSIONS:
        raise ValueError(f"not an output name: {slug!r}.{ext}")
    return out / f"{slug}.{ext}"


def plain_size(path: Path) -> int | None:
    """The size of a regular file (not a link, not a device), else None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def written_by_us(out: Path, slug: str, ext: str, entry: dict) -> bool:
    """Whether `<slug>.<ext>` in the output folder is still exactly the file sopgen recorded."""
    path = output_path(out, slug, ext)
    size = plain_size(path)
    if size is None or size != entry[ext]:
        return False
    data = read_plain(path, size)
    return data is not None and sha256(data) == entry[_SHA_KEYS[ext]]


def remove_recorded(out: Path, slug: str, entry: dict) -> list[str]:
    """Remove a gone SOP's outputs that sopgen provably wrote; the names of those removed."""
    removed = []
    if not is_slug(slug) or not _valid_entry(entry):
        return removed
    for ext in OUTPUT_EXTENSIONS:
        if written_by_us(out, slug, ext, entry):
            try:
                output_path(out, slug, ext).unlink()
            except OSError:
                continue
            removed.append(f"{slug}.{ext}")
    return removed
