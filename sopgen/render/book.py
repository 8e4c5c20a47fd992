"""The book of an office's SOPs: one PDF to print and bind.

Offices bind their SOPs as a book (35 to 146 pages are common): a cover, the Keputusan that
sets the SOPs (SK penetapan, with the list of SOPs as its Lampiran), a daftar isi with page
numbers, then every SOP as its own document prints it. The PDF has one bookmark per SOP.

Each SOP is rendered exactly as `build` renders it (`pdf.render_sop`), then its final HTML
(the flowchart SVGs at their measured sizes) is laid out once more with only the margin boxes
changed: the book's page number at the bottom centre. The SOP keeps its own "Halaman k dari n"
footer, so a page taken out of the binding still says where it belongs. The front matter is
laid out until its page count is stable, because the daftar isi's numbers depend on it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import jinja2

from sopgen.render.catalog import _natural_key
from sopgen.render.html import (
    FONT_STACK,
    RenderError,
    SopLink,
    Templates,
    kop_lines,
    logo_data_uri,
    tanggal_id,
    template_error,
)
from sopgen.render.pdf import PDFA_VARIANT, fixed_font_timestamps, render_sop, url_fetcher
from sopgen.source.dates import Tgl
from sopgen.source.model import BERLAKU, Instansi, Sop
from sopgen.source.project import Project

BOOK_TEMPLATE = "buku.html.j2"
BOOK_NAME = "buku-sop.pdf"
MAX_FRONT_PASSES = 4


@dataclass(frozen=True)
class BookEntry:
    """One SOP in the book: what the daftar isi and the Lampiran list, and where it starts."""

    nomor: str  # the key (the file name for an SOP without Nomor SOP)
    nomor_sop: str  # as printed ('' for a blank)
    nama: str
    unit: str
    page: int  # the book's page number of the SOP's first page (1 = the cover)
    pages: int


@dataclass
class Book:
    pdf: bytes
    entries: list[BookEntry]
    front_pages: int
    skipped: list[Sop] = field(default_factory=list)  # drafts and revoked SOPs, not bound

    @property
    def pages(self) -> int:
        return self.front_pages + sum(e.pages for e in self.entries)


def bound_sops(sops: Sequence[Sop]) -> tuple[list[Sop], list[Sop]]:
    """The SOPs in force, in the order of their numbers; and the others (draf, dicabut)."""
    chosen = sorted((s for s in sops if s.status == BERLAKU), key=lambda s: (_natural_key(s.nomor), s.file))
    return chosen, [s for s in sops if s.status != BERLAKU]


def _portrait(project: Project) -> str:
    w, h = project.config.paper.size_mm
    return f"{min(w, h):g}mm {max(w, h):g}mm"


def _book_css(start: int, pages: int) -> str:
    """Margin boxes only: the book's page number at the bottom centre of each SOP page."""
    rules = "".join(
        f'@page :nth({k}) {{ @bottom-center {{ content: "{start + k - 1}"; font-family: {FONT_STACK}; '
        'font-size: 8pt; vertical-align: top; padding-top: 3mm; } }'
        for k in range(1, pages + 1)
    )
    return f"<style>{rules}</style>"


def _layout(source: str, project: Project, templates: Templates, fonts):
    """One HTML document laid out. All the book's documents share one font configuration:
    pages of documents with separate ones, joined, get font keys that depend on memory
    addresses (WeasyPrint issue #2144), and the same book would not give the same bytes."""
    from weasyprint import HTML

    html = HTML(string=source, base_url=project.output.resolve().as_uri() + "/", url_fetcher=url_fetcher(project, templates))
    return html.render(font_config=fonts)


def _sop_documents(sops: list[Sop], project: Project, templates: Templates) -> list:
    """Each SOP laid out as `build` prints it; the same page count is checked, not assumed."""
    # keterkaitan names the other SOP without a link: the book is one file, not a folder of PDFs
    links = {s.nomor: SopLink(s.nomor, s.nama, "") for s in sops}
    documents = []
    for sop in sops:
        rendered = render_sop(sop, project, slug=sop.path.stem, links=links, templates=templates, with_pdf=False)
        documents.append((rendered.final_html, rendered.pages))
    return documents


def _front_context(project: Project, entries: list[BookEntry], sops: list[Sop]) -> dict[str, Any]:
    buku = project.config.buku
    ins = Instansi.merged(project.config.instansi, {})
    names, contacts = kop_lines(ins)
    tanggal = buku.get("tanggal_keputusan")
    pejabat = buku.get("pejabat") or (f"Kepala {ins.nama}" if ins.nama else "")
    dates = [d.first_day for s in sops for d in (s.tanggal.pembuatan, s.tanggal.berlaku, s.tanggal.revisi_terakhir) if d]
    return {
        "judul": buku.get("judul") or "STANDAR OPERASIONAL PROSEDUR",
        "tahun": buku.get("tahun") or "",
        "instansi": ins,
        "kop": names,
        "kontak": contacts,
        "keputusan": {
            "nomor": buku.get("nomor_keputusan") or "",
            "tanggal": tanggal_id(Tgl.parse(tanggal), "") if tanggal else "",
            "tempat": buku.get("tempat") or ins.kota,
            "pejabat": pejabat,
            "nama": buku.get("nama_pejabat") or "",
            "pangkat": buku.get("pangkat_pejabat") or "",
            "nip": buku.get("nip_pejabat") or "",
            "menimbang": buku.get("menimbang") or [],
            "mengingat": buku.get("mengingat") or [],
        },
        "entries": entries,
        "paper_css": _portrait(project),
        "font_stack": FONT_STACK,
        "created": max(dates).isoformat() if dates else "",
        "logo_uri": logo_data_uri(ins.logo, project),
    }


def _layout_front(project: Project, templates: Templates, sops: list[Sop], counts: list[int], fonts):
    """The front matter, laid out until the page numbers it prints agree with its length."""
    front_pages = 3
    for _ in range(MAX_FRONT_PASSES):
        entries, page = [], front_pages + 1
        for sop, n in zip(sops, counts):
            entries.append(BookEntry(sop.nomor, sop.nomor_sop, sop.nama, sop.instansi.unit or sop.instansi.nama, page, n))
            page += n
        try:
            source = templates.env.get_template(BOOK_TEMPLATE).render(**_front_context(project, entries, sops))
        except jinja2.TemplateError as e:  # a project's own template
            raise template_error(e) from e
        document = _layout(source, project, templates, fonts)
        if len(document.pages) == front_pages:
            return document, entries
        front_pages = len(document.pages)
    raise RenderError("jumlah halaman bagian depan buku tidak tetap; laporkan ke pengembang sopgen")


def make_book(project: Project, sops: Sequence[Sop], templates: Templates | None = None) -> Book:
    """The book's PDF bytes: cover, Keputusan, daftar isi, then every SOP in force."""
    templates = templates or Templates(project.root)
    chosen, skipped = bound_sops(sops)
    if not chosen:
        raise RenderError("tidak ada SOP berstatus berlaku untuk dibukukan")
    sources = _sop_documents(chosen, project, templates)
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    front, entries = _layout_front(project, templates, chosen, [n for _, n in sources], fonts)
    pages = list(front.pages)
    for entry, (html_text, n) in zip(entries, sources):
        document = _layout(html_text.replace("</head>", _book_css(entry.page, n) + "</head>", 1), project, templates, fonts)
        if len(document.pages) != n:
            raise RenderError(f"SOP {entry.nomor}: tata letak berubah di dalam buku ({len(document.pages)} halaman, bukan {n}); laporkan ke pengembang sopgen")
        for p in document.pages:
            p.bookmarks = []
        label = f"{entry.nomor_sop} {entry.nama}".strip() if entry.nomor_sop else entry.nama
        document.pages[0].bookmarks = [(1, label, (0, 0), "closed")]
        pages.extend(document.pages)
    book = front.copy(pages)
    digest = hashlib.sha256("\0".join(f"{e.nomor}\0{e.page}\0{e.pages}" for e in entries).encode())
    day = max((s.tanggal.berlaku or s.tanggal.pembuatan for s in chosen if s.tanggal.berlaku or s.tanggal.pembuatan), default=None)
    with fixed_font_timestamps(day.first_day if day else None):
        pdf = book.write_pdf(
            pdf_variant=PDFA_VARIANT if project.config.pdfa else None,
            pdf_identifier=digest.hexdigest()[:32].encode("ascii"),
        )
    return Book(pdf, entries, len(front.pages), skipped)


def write_book(project: Project, sops: Sequence[Sop], output: Path | None = None) -> tuple[Path, Book]:
    """Make the book and write it atomically (never over an input or through a link; into a
    device or pipe only when the user named it: the default file is sopgen's own)."""
    from sopgen.files import check_owned, write_atomic

    target = output or project.output / BOOK_NAME
    if output is None:
        check_owned(target)  # said before the book is made, not after
    book = make_book(project, sops)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, book.pdf, [s.path for s in sops], owned=output is None)
    return target, book
