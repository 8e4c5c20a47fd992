"""What the catalog publishes for verification: `katalog.json` and `verifikasi/<key>.html`.

`katalog.json` lists every SOP version the catalog publishes (nomor, nama, versi, status and
the sha256 of its PDF); each verification page shows one of them to whoever scans the QR code
of a printed copy, and lets them check a PDF file in the browser against the listed sha256.
Pages of versions that are no longer published are removed, so no old page says "berlaku".
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

from sopgen.files import read_plain, write_atomic
from sopgen.publish.identity import REGISTER_NAME, VERIFY_DIR, verification_path
from sopgen.publish.verify import MAX_PDF_BYTES

REGISTER_VERSION = 1
STAMP_NAME = ".sopgen-verifikasi"  # what the pages were last written from (a no-change build skips them)
STATUS_TEXT = {
    "berlaku": "BERLAKU",
    "draf": "DRAF — belum disahkan, tidak berlaku",
    "dicabut": "DICABUT — tidak berlaku lagi",
    "diganti": "DIGANTI — tidak berlaku lagi",
}


def shown_status(s: dict[str, Any]) -> str:
    """berlaku, draf, dicabut, or diganti (revoked because another SOP replaced it)."""
    status = s.get("status") or "berlaku"
    return "diganti" if status == "dicabut" and s.get("diganti_oleh") else status


def pdf_sha256(out: Path, slug: str, entry: dict | None) -> str | None:
    """The sha256 of a published PDF: from the build record, else read from the file."""
    if entry and isinstance(entry.get("sha256"), str):
        return entry["sha256"]
    data = read_plain(out / f"{slug}.pdf", MAX_PDF_BYTES)  # never blocks on a pipe
    return hashlib.sha256(data).hexdigest() if data is not None else None


def register(summaries: Sequence[dict[str, Any]], hashes: dict[str, str | None], alamat: str) -> dict[str, Any]:
    """The content of katalog.json, in nomor order (stable across builds)."""
    items = []
    for s in sorted(summaries, key=lambda s: (s["nomor"], s["slug"])):
        items.append(
            {
                "nomor": s["nomor"],  # the key (the file name of an SOP without Nomor SOP)
                "nomor_sop": s.get("nomor_sop", s["nomor"]) or None,  # as printed; null for a blank
                "nama": s["nama"],
                "versi": s.get("versi", 0),
                "status": shown_status(s),
                "diganti_oleh": s.get("diganti_oleh"),
                "efektif": s.get("efektif"),
                "unit": s.get("unit"),
                "pdf": f"{s['slug']}.pdf",
                "sha256": hashes.get(s["slug"]),
                "verifikasi": verification_path(s["verifikasi"]),
            }
        )
    return {"format": "sopgen-katalog", "versi_format": REGISTER_VERSION, "alamat": alamat or None, "sop": items}


def _write_if_changed(path: Path, data: bytes) -> None:
    if read_plain(path, len(data)) != data:  # never blocks on a pipe, never through a link
        write_atomic(path, data, owned=True)


def write_register(out: Path, summaries: Sequence[dict[str, Any]], entries: dict[str, dict], templates, title: str, alamat: str) -> None:
    """Write katalog.json and one verification page per SOP version; remove pages of the past."""
    from sopgen.render.catalog import date_text
    from sopgen.render.html import template_error

    import jinja2

    hashes = {s["slug"]: pdf_sha256(out, s["slug"], entries.get(s["slug"])) for s in summaries}
    data = register(summaries, hashes, alamat)
    content = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    _write_if_changed(out / REGISTER_NAME, content)
    folder = out / VERIFY_DIR
    if folder.is_symlink():  # never write or delete pages through a link out of the output folder
        raise OSError(f"{VERIFY_DIR}/ adalah tautan (symlink); hapus tautan itu")
    folder.mkdir(exist_ok=True)
    # A no-change build skips the pages: same register, templates and title, and every page there.
    stamp = hashlib.sha256(content + templates.fingerprint().encode() + title.encode("utf-8")).hexdigest().encode()
    if read_plain(folder / STAMP_NAME, len(stamp)) == stamp and all((folder / f"{s['verifikasi']}.html").is_file() for s in summaries):
        return
    by_nomor = {s["nomor"]: s for s in summaries}
    wanted = set()
    try:
        template = templates.env.get_template("verifikasi.html.j2")
        for s, item in zip(sorted(summaries, key=lambda s: (s["nomor"], s["slug"])), data["sop"]):
            name = f"{s['verifikasi']}.html"
            wanted.add(name)
            replacement = by_nomor.get(s.get("diganti_oleh") or "")
            html = template.render(
                s=s, item=item, title=title, status_text=STATUS_TEXT[item["status"]], pengganti=replacement,
                efektif_text=date_text(s.get("efektif")),
            )
            _write_if_changed(folder / name, html.encode("utf-8"))
    except jinja2.TemplateError as e:
        raise template_error(e) from e
    for old in folder.glob("*.html"):
        if old.name not in wanted and len(old.stem) == 64:
            old.unlink()
    _write_if_changed(folder / STAMP_NAME, stamp)
