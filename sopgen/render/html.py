"""From the SOP model to HTML: the Jinja environment, the words and numbers the form prints.

Everything here is pure (no WeasyPrint): `pdf.py` lays the HTML out and draws the flowchart,
`build.py` decides what to write. The same document template serves the PDF (`mode="pdf"`)
and the on-screen HTML view (`mode="html"`).

User text is always escaped: Jinja autoescape is on for every template, and the inline
Markdown of the identity sheet's lists is rendered with raw HTML, images and unsafe link
schemes disabled.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

import jinja2
from markupsafe import Markup

from sopgen import __version__
from sopgen.source.dates import BULAN, Tgl
from sopgen.source.duration import days_as_hours, format_menit
from sopgen.source.model import Instansi, Keterkaitan, Sop, Step
from sopgen.source.project import Project
from sopgen.render.wordfit import fit_words
from sopgen.resources import asset_dir

# Page margins of the packaged template, in mm (top, right, bottom, left). Column proportions
# are computed for the content width these leave; the real geometry is measured, not assumed.
PAGE_MARGIN_MM = (12.0, 12.0, 14.0, 12.0)
PT_PER_MM = 72 / 25.4
DOCUMENT_TEMPLATE = "sop.html.j2"
CATALOG_TEMPLATE = "catalog.html.j2"
FONT_STACK = 'Arial, "Liberation Sans", Arimo, Helvetica, "DejaVu Sans", sans-serif'


class RenderError(Exception):
    """A problem with one SOP that the user can fix (message in Indonesian)."""


# --- words and numbers -------------------------------------------------------------------


def tanggal_id(value: date | Tgl | None, kosong: str = "-") -> str:
    """'5 Oktober 2023', 'April 2015' or '2016'; `kosong` when there is no date ('-' for the
    form's Tgl Revisi, '' for a blank cell of a blangko)."""
    if value is None:
        return kosong
    if isinstance(value, Tgl):
        return value.indonesian()
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


_SATUAN = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")


def terbilang(n: int) -> str:
    """A count in Indonesian words, as a Keputusan writes it: 3 (tiga), 146 (seratus empat puluh enam)."""
    n = int(n)
    if n < 12:
        return _SATUAN[n]
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    if n < 100:
        return f"{_SATUAN[n // 10]} puluh" + (f" {_SATUAN[n % 10]}" if n % 10 else "")
    if n < 1000:
        head = "seratus" if n < 200 else f"{_SATUAN[n // 100]} ratus"
        return head + (f" {terbilang(n % 100)}" if n % 100 else "")
    if n < 1_000_000:
        head = "seribu" if n < 2000 else f"{terbilang(n // 1000)} ribu"
        return head + (f" {terbilang(n % 1000)}" if n % 1000 else "")
    return str(n)


def format_nip(nip: str) -> str:
    """A NIP grouped as Indonesian documents print it, `19700626 199003 1 006` (reports that
    sopgen composes; an SOP sheet prints its NIP as written, see `nip_tertulis`)."""
    digits = re.sub(r"\s+", "", nip)
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return nip.strip()


def nip_tertulis(nip: str) -> str:
    """The NIP of an SOP exactly as written (format 1.1: the spaces as the office printed them)."""
    return nip.strip()


def kop_lines(ins: Instansi) -> tuple[list[str], list[str]]:
    """The header's bold name lines and its address/contact lines, in printed order.

    `kop` gives the name lines as printed (any number); otherwise pemerintah and nama. The
    contact lines are the address with telephone and fax, then e-mail and website.
    """
    names = list(ins.kop) if ins.kop else [x.upper() for x in (ins.pemerintah, ins.nama) if x]
    first = " ".join(
        x for x in (ins.alamat, f"Telp. {ins.telepon}" if ins.telepon else "", f"Faks. {ins.faks}" if ins.faks else "") if x
    )
    second = " ".join(x for x in (f"Email: {ins.email}" if ins.email else "", f"Laman: {ins.laman}" if ins.laman else "") if x)
    return names, [x for x in (first, second) if x]


def _angka(value: float, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def durasi_panjang(menit: float, minutes_per_day: float) -> str:
    """A long total in words: '24 jam 20 menit ≈ 3,2 hari kerja'; '' for under an hour."""
    if not menit or menit < 60:
        return ""
    whole = round(menit)
    jam, sisa = divmod(whole, 60)
    text = f"{jam} jam" + (f" {sisa} menit" if sisa else "")
    if minutes_per_day and menit >= minutes_per_day:
        hari = menit / minutes_per_day
        approx = "=" if abs(hari - round(hari, 1)) < 1e-9 else "≈"
        text += f" {approx} {_angka(hari)} hari kerja"
    return text


def slugify(text: str) -> str:
    """A file-name-safe, stable slug: lowercase ASCII letters, digits, '-', '_' and '.'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._").lower()
    return text or "sop"


def assign_slugs(paths: Sequence[Path], base: Path) -> dict[Path, str]:
    """Output names from SOP file stems; files with the same stem get their folders prefixed."""
    wanted: dict[Path, str] = {p: slugify(p.stem) for p in paths}
    counts: dict[str, int] = {}
    for s in wanted.values():
        counts[s] = counts.get(s, 0) + 1
    out: dict[Path, str] = {}
    taken: set[str] = set()
    for p in sorted(paths):
        slug = wanted[p]
        if counts[slug] > 1:
            try:
                rel = p.resolve().relative_to(base.resolve())
                slug = slugify("-".join((*rel.parent.parts, p.stem)))
            except ValueError:
                pass
        candidate, n = slug, 2
        while candidate in taken or candidate == "index":
            candidate, n = f"{slug}-{n}", n + 1
        taken.add(candidate)
        out[p] = candidate
    return out


# --- inline Markdown, safely ---------------------------------------------------------------

_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _markdown():
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class _SafeLinks(Treeprocessor):
        def run(self, root: ET.Element) -> None:
            for a in root.iter("a"):
                href = (a.get("href") or "").strip()
                if not href.lower().startswith(_SAFE_SCHEMES):
                    a.tag = "span"
                    a.attrib.clear()

    md = markdown.Markdown(output_format="html")
    md.preprocessors.deregister("html_block")
    for name in ("html", "image_link", "image_reference", "short_image_ref", "reference", "short_reference"):
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    for name in ("indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist", "quote", "reference"):
        if name in md.parser.blockprocessors:
            md.parser.blockprocessors.deregister(name)
    md.treeprocessors.register(_SafeLinks(md), "sopgen_safe_links", 0)
    return md


_MD = None


def inline_markdown(text: str) -> Markup:
    """Inline Markdown (**tebal**, *miring*, `kode`, tautan http) with raw HTML shown as text."""
    global _MD
    if _MD is None:
        _MD = _markdown()
    _MD.reset()
    html = _MD.convert(str(text))
    html = re.sub(r"^<p>|</p>$", "", html.strip())
    return Markup(html.replace("\n", " "))


# --- column geometry -----------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """Widths of the Mekanisme table's columns in points (they sum to the content width)."""

    no: float
    aktivitas: float
    lanes: tuple[float, ...]
    kelengkapan: float
    waktu: float
    output: float
    keterangan: float

    @property
    def all(self) -> tuple[float, ...]:
        return (self.no, self.aktivitas, *self.lanes, self.kelengkapan, self.waktu, self.output, self.keterangan)

    def percent(self) -> tuple[float, ...]:
        total = sum(self.all)
        return tuple(round(100 * w / total, 4) for w in self.all)


def content_width_pt(project: Project) -> float:
    w_mm, _ = project.config.paper.size_mm
    return (w_mm - PAGE_MARGIN_MM[1] - PAGE_MARGIN_MM[3]) * PT_PER_MM


def column_widths(content_width: float, lanes: int, min_lane: float, ideal_lane: float = 105.0) -> Columns:
    """Share the table width: fixed No and Waktu, the lanes about half, text columns the rest.

    Lanes never get less than `min_lane` (the flowchart's symbols must fit); when the paper is
    too narrow for that many actors the SOP cannot be printed legibly: RenderError.
    """
    no, waktu = 20.0, 40.0
    rest = content_width - no - waktu
    lanes_total = min(max(rest * 0.46, lanes * min_lane), lanes * ideal_lane)
    text_total = rest - lanes_total
    if text_total < 190.0:
        raise RenderError(
            f"{lanes} pelaksana tidak muat pada lebar kertas ini; pakai orientasi lanskap atau kertas F4, "
            "atau gabungkan pelaksana"
        )
    weights = (0.44, 0.16, 0.22, 0.18)  # aktivitas, kelengkapan, output, keterangan
    akt, kel, out, ket = (text_total * w for w in weights)
    lane = lanes_total / lanes
    return Columns(no, akt, (lane,) * lanes, kel, waktu, out, ket)


def max_lanes(project: Project) -> int:
    """How many actor lanes the project's paper holds at the flowchart's minimum lane width."""
    from sopgen.render.flowchart import MIN_LANE_WIDTH

    lanes = 1
    while True:
        try:
            column_widths(content_width_pt(project), lanes + 1, MIN_LANE_WIDTH)
        except RenderError:
            return lanes
        lanes += 1


# --- templates -----------------------------------------------------------------------------


class Templates:
    """The project's `templates/` first, then the packaged ones (a project file overrides)."""

    def __init__(self, project_root: Path | None = None):
        self.packaged = asset_dir("templates")
        own = project_root / "templates" if project_root is not None else None
        if own is not None and own.is_dir() and own.resolve() == self.packaged.resolve():
            own = None  # the sopgen source checkout is itself a project
        self.dirs: tuple[Path, ...] = tuple(
            d for d in (own, self.packaged) if d is not None and d.is_dir()
        )
        self._env: jinja2.Environment | None = None

    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            self._env = make_environment(self.dirs)
        return self._env

    def files(self) -> list[tuple[str, Path]]:
        """Every template file that can take part in a render, as (origin/name, path)."""
        out = []
        for i, d in enumerate(self.dirs):
            for p in sorted(d.rglob("*")):
                if p.is_file() and "__pycache__" not in p.parts:
                    out.append((f"{i}/{p.relative_to(d).as_posix()}", p))
        return out

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for name, p in self.files():
            h.update(name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
        return h.hexdigest()


def make_environment(dirs: Iterable[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        tanggal=tanggal_id,
        nip=nip_tertulis,
        md=inline_markdown,
        menit=format_menit,
        terbilang=terbilang,
        upper_id=lambda s: str(s).upper(),
        muat=fit_words,
    )
    return env


# --- the document context ------------------------------------------------------------------


@dataclass(frozen=True)
class SopLink:
    """What other SOPs need to know about one SOP to point at it."""

    nomor: str
    nama: str
    slug: str
    nomor_sop: str | None = None  # as printed, '' for a blank; None: the same as nomor


@dataclass(frozen=True)
class LinkedItem:
    text: str
    nomor: str | None = None
    slug: str | None = None


@dataclass(frozen=True)
class RowText:
    step: Step
    no: int
    aktivitas: str
    kelengkapan: tuple[str, ...]
    waktu: str
    waktu_tertulis: str  # the standard as written when it was not plain minutes ("1 hari")
    output: str
    keterangan: str
    pertanyaan: str
    keterangan_rows: int = 1  # rowspan of the remark cell; 0: covered by an earlier step's remark


@dataclass
class DocumentContext:
    sop: Sop
    slug: str
    paper_css: str
    margin_mm: tuple[float, ...]
    columns: Columns
    rows: list[RowText]
    keterkaitan: list[LinkedItem]
    total_menit: str
    total_panjang: str
    created: str
    modified: str
    author: str
    logo_uri: str | None
    content_width_pt: float = 0.0
    min_row_height_pt: float = 56.0
    version: str = __version__
    font_stack: str = FONT_STACK
    kop: list[str] = field(default_factory=list)  # the header's name lines, printed order
    kontak: list[str] = field(default_factory=list)  # address, telephone, fax, e-mail, website
    tanpa_waktu: list[int] = field(default_factory=list)  # steps without a time standard
    halaman_baru: tuple[int, ...] = ()  # steps that start a new page (balanced breaks, pdf.py)
    extra: dict[str, Any] = field(default_factory=dict)


def _keterkaitan(items: Sequence[Keterkaitan], links: dict[str, SopLink]) -> list[LinkedItem]:
    out = []
    for k in items:
        if k.nomor is None:
            out.append(LinkedItem(k.teks))
            continue
        target = links.get(k.nomor)
        if target is None:  # validation refuses this; keep the number visible anyway
            out.append(LinkedItem(f"SOP nomor {k.nomor}", k.nomor))
            continue
        nama = target.nama if target.nama.upper().startswith("SOP") else f"SOP {target.nama}"
        out.append(LinkedItem(nama, target.nomor if target.nomor_sop is None else target.nomor_sop, target.slug))
    return out


def _logo_uri(sop: Sop, project: Project) -> str | None:
    return logo_data_uri(sop.instansi.logo, project)


def logo_data_uri(logo: str | None, project: Project) -> str | None:
    """The logo as a data: URI, so the HTML view is self-contained and the PDF fetches nothing."""
    import base64
    import mimetypes

    if not logo:
        return None
    path = project.inside(logo)
    if path is None or not path.is_file():
        return None
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix.lower() == ".svg":
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def document_context(
    sop: Sop,
    project: Project,
    *,
    slug: str,
    links: dict[str, SopLink] | None = None,
    min_lane: float = 60.0,
    min_row_height: float = 56.0,
) -> DocumentContext:
    links = links or {}
    width = content_width_pt(project)
    cols = column_widths(width, len(sop.pelaksana), min_lane)
    rows = _rows(sop)
    t = sop.tanggal
    dates = [d.first_day for d in (t.pembuatan, t.revisi_terakhir, t.berlaku) if d is not None]
    names, contacts = kop_lines(sop.instansi)
    return DocumentContext(
        sop=sop,
        slug=slug,
        paper_css=project.config.paper.css_size,
        margin_mm=PAGE_MARGIN_MM,
        columns=cols,
        rows=rows,
        keterkaitan=_keterkaitan(sop.keterkaitan, links),
        total_menit=format_menit(sop.total_menit),
        total_panjang=durasi_panjang(sop.total_menit, project.config.calendar.minutes_per_day),
        created=t.pembuatan.first_day.isoformat() if t.pembuatan else "",
        modified=max(dates).isoformat() if dates else "",
        author=" ".join(x for x in (sop.instansi.nama,) if x) or sop.instansi.pemerintah,
        logo_uri=_logo_uri(sop, project),
        content_width_pt=round(width, 3),
        min_row_height_pt=min_row_height,
        kop=names,
        kontak=contacts,
        tanpa_waktu=[s.no for s in sop.langkah if s.mutu_baku.menit is None],
    )


def _waktu(step: Step) -> tuple[str, str]:
    """The Waktu cell: minutes, and below them the standard as written when it was not minutes.

    '1x24 jam' prints as written, with the working day it means below it."""
    written = step.mutu_baku.waktu.strip()
    days = days_as_hours(written)
    if days is not None:
        return written, f"{days} hari kerja"
    plain = re.fullmatch(r"\d+(?:[.,]\d+)?(?:\s*(?:menit|mnt))?", written, re.I)
    return format_menit(step.mutu_baku.menit), "" if plain or not written else written


def _rows(sop: Sop) -> list[RowText]:
    rows = []
    covered = 0  # the last step covered by a remark over several steps
    for s in sop.langkah:
        waktu, tertulis = _waktu(s)
        span = 0 if s.no <= covered else (s.keterangan_sampai or s.no) - s.no + 1
        covered = max(covered, s.keterangan_sampai or 0)
        rows.append(
            RowText(
                step=s,
                no=s.no,
                aktivitas=s.aktivitas,
                kelengkapan=s.mutu_baku.kelengkapan,
                waktu=waktu,
                waktu_tertulis=tertulis,
                output=s.mutu_baku.output,
                keterangan=s.keterangan,
                pertanyaan=s.pertanyaan,
                keterangan_rows=span,
            )
        )
    return rows


def render_document(env: jinja2.Environment, ctx: DocumentContext, flow_svgs: Sequence[str], mode: str) -> str:
    """The SOP document as HTML; `flow_svgs[i]` is the markup for step i+1's flowchart cell."""
    if len(flow_svgs) != len(ctx.rows):
        raise ValueError("one flowchart SVG per step")
    try:
        template = env.get_template(DOCUMENT_TEMPLATE)
        return template.render(c=ctx, sop=ctx.sop, mode=mode, flow=[Markup(s) for s in flow_svgs])
    except jinja2.TemplateError as e:
        raise template_error(e) from e


def template_error(e: jinja2.TemplateError) -> RenderError:
    """A broken (project) template as a message the office can act on."""
    where = ""
    if isinstance(e, jinja2.TemplateSyntaxError):
        where = f" ({e.filename or e.name}:{e.lineno})"
    return RenderError(f"templat tidak dapat dipakai{where}: {e.message or e}")
