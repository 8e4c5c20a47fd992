"""What `sopgen preview` shows: the project's state after each save, and its pages.

A `Workspace` holds one `Snapshot` per generation (a validation of the whole project); each
save makes a new generation. An SOP is rendered (HTML view and PDF from one WeasyPrint run)
when a page asks for it, once per generation. Pages are small HTML documents in Indonesian
that reload themselves when the generation changes (server-sent events, see `server`).
"""

from __future__ import annotations

import html
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sopgen.source.diagnostics import ERROR, Diagnostic
from sopgen.source.project import Project, load_project
from sopgen.source.validate import FileResult, ValidationResult, validate


@dataclass
class Snapshot:
    generation: int
    project: Project
    validation: ValidationResult
    config_diagnostics: list[Diagnostic]
    by_slug: dict[str, FileResult]
    links: dict[str, Any]  # nomor -> SopLink
    made_at: float = field(default_factory=time.time)

    def diagnostics_of(self, result: FileResult) -> list[Diagnostic]:
        """The file's own problems and the project's (config, duplicate nomor...) that name it."""
        mine = {d for d in self.validation.diagnostics if d.file == result.file}
        return sorted(mine | set(self.config_diagnostics))

    def blocked(self, result: FileResult) -> bool:
        return result.sop is None or any(d.severity == ERROR for d in self.diagnostics_of(result))


@dataclass
class Rendered:
    pdf: bytes = b""
    html: str = ""
    error: str = ""


class Workspace:
    """The project as it is on disk now, re-read after every save."""

    def __init__(self, start: Path):
        self.start = start
        self._changed = threading.Condition()
        self._render_lock = threading.Lock()
        self._cache: dict[tuple[int, str], Rendered] = {}
        self.snapshot = self._read(1)

    def _read(self, generation: int) -> Snapshot:
        from sopgen.render.html import SopLink, assign_slugs

        project, config_diags = load_project(self.start)
        result = validate(None, project)
        slugs = assign_slugs([f.path for f in result.files], project.root / "sops")
        by_slug = {slugs[f.path]: f for f in result.files}
        links = {f.sop.nomor: SopLink(f.sop.nomor, f.sop.nama, s, f.sop.nomor_sop) for s, f in by_slug.items() if f.sop is not None}
        return Snapshot(generation, project, result, list(config_diags), by_slug, links)

    def find(self, wanted: str) -> str | None:
        """The slug of an SOP named by its file, nomor or slug."""
        snapshot = self.snapshot
        path = Path(wanted)
        for slug, f in snapshot.by_slug.items():
            if wanted in (slug, f.nomor) or (path.exists() and path.resolve() == f.path.resolve()):
                return slug
        return None

    def refresh(self) -> int:
        """Re-read the project (after a save) and wake every page waiting for a change."""
        snapshot = self._read(self.snapshot.generation + 1)
        with self._changed:
            self.snapshot = snapshot
            self._cache = {k: v for k, v in self._cache.items() if k[0] == snapshot.generation}
            self._changed.notify_all()
        return snapshot.generation

    def wait_change(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.snapshot.generation != seen, timeout)
            return self.snapshot.generation

    def wake_all(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def render(self, snapshot: Snapshot, slug: str, pdf: bool = False) -> Rendered:
        """One SOP for this generation: its HTML view, and its PDF when asked (a third slower).
        One render at a time (WeasyPrint and the font timestamps it sets are process-wide)."""
        key = (snapshot.generation, slug)
        with self._render_lock:
            cached = self._cache.get(key)
            if cached is None or (pdf and not cached.pdf and not cached.error):
                self._cache[key] = cached = _render(snapshot, slug, pdf)
            return cached


def _render(snapshot: Snapshot, slug: str, pdf: bool) -> Rendered:
    from sopgen.render.html import RenderError, Templates
    from sopgen.render.pdf import render_sop

    sop = snapshot.by_slug[slug].sop
    wanted = {k.nomor: snapshot.links[k.nomor] for k in sop.keterkaitan if k.nomor in snapshot.links}
    try:
        out = render_sop(sop, snapshot.project, slug=slug, links=wanted, templates=Templates(snapshot.project.root), with_pdf=pdf, balanced=pdf)
    except RenderError as err:
        return Rendered(error=str(err))
    except Exception as err:  # a broken template or a bug: say so in the page, keep serving
        last = traceback.extract_tb(err.__traceback__)[-1:]
        where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
        return Rendered(error=f"galat internal: {type(err).__name__}: {err}{where}")
    return Rendered(out.pdf, out.html_view)


# --- pages ------------------------------------------------------------------------------------

_STYLE = """
#sopgen-pratinjau { font: 14px/1.4 system-ui, sans-serif; background: #fffbe6; border-bottom: 1px solid #d9c77a;
  padding: .5em 1em; margin: 0 0 1em; }
#sopgen-pratinjau .galat { color: #a40000; } #sopgen-pratinjau .peringatan { color: #7a5a00; }
#sopgen-pratinjau ul { margin: .3em 0; padding-left: 1.2em; } #sopgen-pratinjau code { font-size: 13px; }
#sopgen-pratinjau nav a { margin-right: 1em; }
@media print { #sopgen-pratinjau { display: none; } }
"""


def _reload_script(generation: int) -> str:
    """The page reloads itself when the server announces another generation."""
    return (
        "<script>(function(){var g='%d';var es=new EventSource('/events');"
        "es.addEventListener('ubah',function(e){if(e.data!==g){es.close();location.reload();}});})();</script>"
        % generation
    )


def _diagnostic_items(diags: list[Diagnostic]) -> str:
    items = []
    for d in diags:
        kind = "galat" if d.severity == ERROR else "peringatan"
        items.append(
            f'<li class="{kind}"><code class="lokasi">{html.escape(f"{d.file}:{d.line}:{d.column}")}</code> '
            f'<b>{html.escape(d.code)}</b> {html.escape(d.message)}</li>'
        )
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def _banner(snapshot: Snapshot, title: str, diags: list[Diagnostic], extra: str = "", state: str = "") -> str:
    at = time.strftime("%H:%M:%S", time.localtime(snapshot.made_at))
    errors = sum(d.severity == ERROR for d in diags)
    state = state or (f"{errors} galat, {len(diags) - errors} peringatan" if diags else "sah")
    return (
        f'<style>{_STYLE}</style><div id="sopgen-pratinjau" role="status">'
        f'<nav><a href="/">Daftar SOP</a>{extra}<span>Pratinjau langsung: {html.escape(title)} · {state} · '
        f'diperbarui {at}</span></nav>{_diagnostic_items(diags)}</div>'
    )


def _page(title: str, body: str, generation: int) -> str:
    return (
        f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        "<style>body { font: 15px/1.5 system-ui, sans-serif; margin: 0; } h1, p, table { margin: .6em 1em; }"
        " td, th { padding: .2em .8em; text-align: left; }</style></head>"
        f"<body>{body}{_reload_script(generation)}</body></html>"
    )


def index_page(snapshot: Snapshot) -> str:
    rows, broken = [], 0
    for slug, f in sorted(snapshot.by_slug.items(), key=lambda kv: kv[1].file):
        diags = snapshot.diagnostics_of(f)
        errors = sum(d.severity == ERROR for d in diags)
        broken += bool(errors)
        state = f"{errors} galat" if errors else ("sah" if not diags else f"{len(diags)} peringatan")
        name = f.sop.nama if f.sop else (f.nomor or f.file)
        pdf = "" if snapshot.blocked(f) else f'<a href="/{slug}.pdf">PDF</a>'
        rows.append(
            f'<tr><td><a href="/{slug}.html">{html.escape(name)}</a></td><td>{html.escape(f.nomor or "")}</td>'
            f'<td><code>{html.escape(f.file)}</code></td><td>{state}</td><td>{pdf}</td></tr>'
        )
    table = (
        "<table><thead><tr><th>Nama SOP</th><th>Nomor</th><th>Berkas</th><th>Status</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>" if rows else "<p>Belum ada SOP di sops/. Buat dengan: sopgen new \"Nama SOP\"</p>"
    )
    state = f"{len(rows)} SOP, {broken} belum bisa ditampilkan" if broken else f"{len(rows)} SOP"
    if any(d.severity == ERROR for d in snapshot.config_diagnostics):
        state += ", sopgen.toml bergalat"
    banner = _banner(snapshot, str(snapshot.project.root.name), list(snapshot.config_diagnostics), state=state)
    return _page("Pratinjau SOP", f"{banner}<h1>Pratinjau SOP</h1>{table}", snapshot.generation)


def missing_page(snapshot: Snapshot, slug: str) -> str:
    body = _banner(snapshot, slug, []) + f"<p>SOP '{html.escape(slug)}' tidak ada (lagi) di sops/.</p>"
    return _page("SOP tidak ditemukan", body, snapshot.generation)


def sop_page(snapshot: Snapshot, slug: str, rendered: Rendered | None) -> str:
    """The HTML view with the preview bar, or the problems that keep it from rendering."""
    f = snapshot.by_slug[slug]
    diags = snapshot.diagnostics_of(f)
    title = f.sop.nama if f.sop else f.file
    pdf_link = f' <a href="/{slug}.pdf" target="_blank">PDF</a>'
    if rendered is None or rendered.error:
        why = html.escape(rendered.error) if rendered is not None else "Perbaiki galat di atas; halaman ini diperbarui sendiri setiap berkas disimpan."
        body = _banner(snapshot, title, diags) + f'<h1>{html.escape(title)}</h1><p class="tidak-tampil">SOP belum bisa ditampilkan. {why}</p>'
        return _page(title, body, snapshot.generation)
    view = rendered.html
    bar = _banner(snapshot, title, diags, pdf_link)
    insert_at = view.find(">", view.find("<body")) + 1 if "<body" in view else 0
    script_at = view.rfind("</body>")
    script_at = script_at if script_at >= insert_at else len(view)
    return view[:insert_at] + bar + view[insert_at:script_at] + _reload_script(snapshot.generation) + view[script_at:]

