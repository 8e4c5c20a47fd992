"""The catalog `output/index.html`: every SOP of the project, searchable and sortable offline.

The catalog is built from small per-SOP summaries (plain JSON-able dicts) so a no-change build
can rewrite it from the build state without loading any SOP again. It is one self-contained
file: inline CSS and JavaScript, no external URL, works from a USB stick or a file share.
"""

from __future__ import annotations

from typing import Any, Sequence

from sopgen.source.model import Sop
from sopgen.publish.identity import verification_key, version_of
from sopgen.render.html import CATALOG_TEMPLATE, Templates, tanggal_id


def summary(sop: Sop, slug: str, file: str) -> dict[str, Any]:
    """What the catalog and the other SOPs' links need to know about one SOP."""
    t = sop.tanggal
    last = t.revisi_terakhir
    return {
        "slug": slug,
        "file": file,
        "nomor": sop.nomor,
        "nama": sop.nama,
        "unit": sop.instansi.unit or sop.instansi.nama,
        "instansi": sop.instansi.nama,
        "pembuatan": t.pembuatan.isoformat() if t.pembuatan else "",
        "efektif": t.berlaku.isoformat() if t.berlaku else "",
        "revisi": len(t.revisi),
        "revisi_terakhir": last.isoformat() if last else None,
        "keterkaitan": [k.nomor for k in sop.keterkaitan if k.nomor],
        "keterkaitan_teks": [k.teks for k in sop.keterkaitan if not k.nomor and k.teks],
        "logo": sop.instansi.logo,
        "langkah": len(sop.langkah),
        "status": sop.status,
        "diganti_oleh": sop.diganti_oleh,
        "versi": version_of(sop),
        "verifikasi": verification_key(sop.nomor, version_of(sop)),
        "pengesah": sop.disahkan_oleh.nama,
        "cari_langkah": " ".join(s.aktivitas for s in sop.langkah),
    }


def date_text(iso: str | None) -> str:
    from sopgen.source.dates import Tgl

    return tanggal_id(Tgl.parse(iso)) if iso else "-"


def _natural_key(text: str) -> tuple:
    import re

    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", text) if p)


def render_catalog(summaries: Sequence[dict[str, Any]], templates: Templates, title: str) -> str:
    by_nomor = {s["nomor"]: s for s in summaries}
    rows = []
    for s in sorted(summaries, key=lambda s: (_natural_key(s["nomor"]), s["slug"])):
        related = [
            {"nomor": n, "nama": by_nomor[n]["nama"], "slug": by_nomor[n]["slug"]}
            for n in s["keterkaitan"]
            if n in by_nomor
        ] + [{"nomor": None, "nama": teks, "slug": None} for teks in s.get("keterkaitan_teks", [])]
        rows.append(
            {
                **s,
                "efektif_text": date_text(s["efektif"]),
                "revisi_text": (
                    f"Revisi {s['revisi']} ({date_text(s['revisi_terakhir'])})" if s["revisi"] else "-"
                ),
                "terkait": related,
                "cari": " ".join((s["nomor"], s["nama"], s["unit"] or "")).lower(),
            }
        )
    import jinja2

    from sopgen.render.html import template_error

    try:
        return templates.env.get_template(CATALOG_TEMPLATE).render(rows=rows, title=title)
    except jinja2.TemplateError as e:
        raise template_error(e) from e


def write_catalog(project, out, summaries: list[dict[str, Any]], templates: Templates, entries: dict[str, dict]) -> bool:
    """Write index.html (when its content changed), katalog.json and the verification pages."""
    from sopgen.files import write_atomic
    from sopgen.publish.register import write_register

    names = [s.get("instansi") for s in summaries if s.get("instansi")]
    office = project.config.instansi.get("nama") or (max(set(names), key=names.count) if names else "")
    title = f"Katalog SOP {office}".strip()
    write_register(out, summaries, entries, templates, title, project.config.alamat)
    html = render_catalog(summaries, templates, title).encode("utf-8")
    path = out / "index.html"
    try:
        if path.read_bytes() == html:
            return False
    except OSError:
        pass
    write_atomic(path, html)
    return True
