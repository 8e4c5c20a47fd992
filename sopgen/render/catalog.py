"""The catalog `output/index.html`: every SOP of the project, searchable and sortable offline.

The catalog is built from small per-SOP summaries (plain JSON-able dicts) so a no-change build
can rewrite it from the build state without loading any SOP again. It is one self-contained
file: inline CSS and JavaScript, no external URL, works from a USB stick or a file share.
"""

from __future__ import annotations

from typing import Any, Sequence

from sopgen.source.model import Sop
from sopgen.publish.history import document_history
from sopgen.publish.identity import verification_key, version_of
from sopgen.render.html import CATALOG_TEMPLATE, Templates, tanggal_id


def summary(sop: Sop, slug: str, file: str) -> dict[str, Any]:
    """What the catalog and the other SOPs' links need to know about one SOP."""
    t = sop.tanggal
    last = t.revisi_terakhir
    return {
        "slug": slug,
        "file": file,
        "nomor": sop.nomor,  # the key: the file name for an SOP without Nomor SOP
        "nomor_sop": sop.nomor_sop,  # as the sheet prints it ('' for a blank)
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
        "riwayat": document_history(sop),
    }


def date_text(iso: str | None) -> str:
    from sopgen.source.dates import Tgl

    return tanggal_id(Tgl.parse(iso)) if iso else "-"


def _natural_key(text: str) -> tuple:
    import re

    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", text) if p)


STATUS_LABEL = {"berlaku": "Berlaku", "draf": "Draf", "dicabut": "Dicabut", "diganti": "Diganti"}


def _row(s: dict[str, Any], by_nomor: dict[str, dict], commits: list[dict[str, str]]) -> dict[str, Any]:
    """One catalog row: the summary plus what the page shows and searches."""
    from sopgen.publish.register import shown_status

    related = [
        {"nomor": n, "nama": by_nomor[n]["nama"], "slug": by_nomor[n]["slug"]}
        for n in s["keterkaitan"]
        if n in by_nomor
    ] + [{"nomor": None, "nama": teks, "slug": None} for teks in s.get("keterkaitan_teks", [])]
    status = shown_status(s)
    replacement = by_nomor.get(s.get("diganti_oleh") or "")
    history = [
        {"tanggal": date_text(r["tanggal"]), "teks": f"Revisi {r['revisi']}" + (f": {r['uraian']}" if r["uraian"] else ""), "git": False}
        for r in s.get("riwayat", [])
    ] + [{"tanggal": date_text(c["tanggal"]), "teks": f"{c['subjek']} ({c['penulis']})", "git": True} for c in commits]
    return {
        **s,
        "efektif_text": date_text(s["efektif"]),
        "tahun": s["efektif"][:4],
        "revisi_text": f"Revisi {s['revisi']} ({date_text(s['revisi_terakhir'])})" if s["revisi"] else "-",
        "terkait": related,
        "status_tampil": status,
        "status_label": STATUS_LABEL[status],
        "pengganti": replacement,
        "sejarah": history,
        "cari": " ".join((s["nomor"], s["nama"], s["unit"] or "", s.get("cari_langkah", ""))).lower(),
    }


def render_catalog(
    summaries: Sequence[dict[str, Any]], templates: Templates, title: str, history: dict[str, list] | None = None
) -> str:
    """The catalog page: SOPs grouped by unit (units in name order, SOPs by nomor within each)."""
    by_nomor = {s["nomor"]: s for s in summaries}
    history = history or {}
    rows = [_row(s, by_nomor, history.get(s["file"], [])) for s in sorted(summaries, key=lambda s: (_natural_key(s["nomor"]), s["slug"]))]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["unit"] or "-", []).append(r)
    ordered = [(unit, groups[unit]) for unit in sorted(groups, key=str.lower)]
    filters = {
        "unit": [u for u, _ in ordered],
        "status": [k for k in STATUS_LABEL if any(r["status_tampil"] == k for r in rows)],
        "tahun": sorted({r["tahun"] for r in rows}, reverse=True),
    }
    import jinja2

    from sopgen.render.html import template_error

    try:
        return templates.env.get_template(CATALOG_TEMPLATE).render(
            rows=rows, groups=ordered, filters=filters, labels=STATUS_LABEL, title=title
        )
    except jinja2.TemplateError as e:
        raise template_error(e) from e


def write_catalog(project, out, summaries: list[dict[str, Any]], templates: Templates, entries: dict[str, dict]) -> bool:
    """Write index.html (when its content changed), katalog.json and the verification pages."""
    from sopgen.files import read_plain, write_atomic
    from sopgen.publish.register import write_register

    names = [s.get("instansi") for s in summaries if s.get("instansi")]
    office = project.config.instansi.get("nama") or (max(set(names), key=names.count) if names else "")
    title = f"Katalog SOP {office}".strip()
    write_register(out, summaries, entries, templates, title, project.config.alamat)
    from sopgen.publish.history import git_history

    history = git_history(project.root, [s["file"] for s in summaries])
    html = render_catalog(summaries, templates, title, history).encode("utf-8")
    path = out / "index.html"
    if read_plain(path, len(html)) == html:  # never blocks on a pipe, never through a link
        return False
    write_atomic(path, html, owned=True)
    return True
