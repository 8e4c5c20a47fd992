"""One SOP to PDF (and to its HTML view) with WeasyPrint, the flowchart drawn from real geometry.

The flowchart cells cannot be drawn before the table is laid out: a row is as tall as its
tallest text, and where the table breaks across pages decides where off-page connectors go.
So:

1. Render the document with an empty placeholder SVG in each step's flowchart cell. CSS keeps
   every step row at least `flowchart.MIN_ROW_HEIGHT` tall, so symbols always fit.
2. Measure (`measure.py`): each flowchart cell's box and page, and the lane boundaries from the
   actor header cells.
3. Lay the flowchart out (`flowchart.layout`) in exactly that frame and draw each row's SVG.
4. Put each row's SVG into the placeholder's box of the laid-out document, at exactly the
   measured size, and write the PDF. The layout is not run a second time, so the drawing cannot
   disagree with the geometry it was computed for, and the cost over plain WeasyPrint stays small.

`final_html` is the same document with the SVGs inline at their measured sizes (what the PDF
shows). `render_sop(..., verify=True)` renders that HTML from scratch as a second pass and
checks that WeasyPrint produces the same row heights and page breaks; the tests run it, and it
fails loudly (LayoutMismatch) if they ever differ.

No network: WeasyPrint gets a URL fetcher that serves only files inside the project or the
packaged templates folder (and data: URIs) and refuses everything else.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import logging
import os
import mimetypes
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from sopgen.render import flowchart as flow
from sopgen.render import html as render
from sopgen.render import pagebreak
from sopgen.render.fonts import font_configuration
from sopgen.render.measure import MeasureError, TableGeometry, measure
from sopgen.source.model import Sop
from sopgen.source.project import Project
from sopgen.render.html import RenderError, SopLink, Templates

PDFA_VARIANT = "pdf/a-2b"
PLACEHOLDER_SVG = '<svg class="alur-ph" xmlns="http://www.w3.org/2000/svg"></svg>'
SVG_NS = "http://www.w3.org/2000/svg"


class LayoutMismatch(RenderError):
    """The second pass laid the table out differently from the measured first pass."""


class RefusedURL(ValueError):
    pass


# --- no network ----------------------------------------------------------------------------


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Serves data: URIs and files inside the allowed folders; refuses everything else."""

        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []

        def allowed_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(url2pathname(parts.path)).resolve()
            if any(path == r or r in path.parents for r in self.roots) and path.is_file():
                return path
            return None

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            path = self.allowed_path(url)
            if path is None:
                self.refused.append(url)
                raise RefusedURL(f"sopgen tidak mengambil '{url}': hanya berkas di dalam folder proyek")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return ProjectFetcher


def url_fetcher(project: Project, templates: Templates | None = None):
    """A WeasyPrint URL fetcher limited to the project folder and the templates folders."""
    roots = [project.root, *(templates.dirs if templates else [])]
    return _fetcher_class()(roots)


# --- the flowchart ---------------------------------------------------------------------------


def flow_nodes(sop: Sop) -> list:
    """The SOP's steps as the flowchart's nodes (lanes, kind, where a decision's branches go)."""
    nodes = []
    for step in sop.langkah:
        decision = step.is_decision
        nodes.append(
            flow.FlowNode(
                no=step.no,
                lanes=sop.lanes(step),
                kind=step.jenis,
                ya=step.ya if decision else None,  # None: the next step (the layout resolves it)
                tidak=step.tidak if decision else None,
                label=step.pertanyaan if decision else "",
                label_ya=step.label_ya,
                label_tidak=step.label_tidak,
            )
        )
    return nodes


def _finish_svg(svg: str, lane_widths: tuple[float, ...], width: float, height: float) -> str:
    """The flowchart's row SVG at the exact measured size, with the lane rules under it.

    The table draws the cell's outer borders; the lines between the actor lanes are drawn here,
    at the measured column boundaries and as thick as the table rules (0.75 pt), so the row
    reads as separate columns under the header's actor columns.
    """
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    if not head.startswith("<svg"):
        raise ValueError("flowchart.to_svg must return one <svg> element")
    # full precision: the flowchart's SVG rounds to 0.01 pt, which could nudge a row by a hair
    head = re.sub(r'\swidth="[^"]*"', f' width="{width!r}pt"', head, count=1)
    head = re.sub(r'\sheight="[^"]*"', f' height="{height!r}pt"', head, count=1)
    x, rules = 0.0, []
    for w in lane_widths[:-1]:
        x += w
        rules.append(f'<line x1="{x:.3f}" y1="0" x2="{x:.3f}" y2="{height:.3f}"/>')
    lanes = f'<g stroke="#000" stroke-width="0.75" fill="none">{"".join(rules)}</g>' if rules else ""
    return head + lanes + svg[head_end:]


def placeholders(sop: Sop, ctx: render.DocumentContext) -> list[str]:
    """One empty SVG per step row; a decision whose question needs a taller diamond asks its
    row for that height (lanes 1 pt narrower than planned: the measured ones may be a hair
    narrower, and the layout must find at least the room asked for here)."""
    lanes = [w - 1.0 for w in ctx.columns.lanes]
    heights = flow.min_row_heights(flow_nodes(sop), lanes)
    return [
        PLACEHOLDER_SVG if h <= flow.MIN_ROW_HEIGHT else PLACEHOLDER_SVG.replace("<svg ", f'<svg style="height: {h:.0f}pt" ', 1)
        for h in heights
    ]


def flow_layout(sop: Sop, geometry: TableGeometry, paged: bool = True):
    """The flowchart laid out in the measured frame (pages as measured, or one long page)."""
    pages = geometry.row_pages if paged else (0,) * len(geometry.cells)
    frame = flow.Frame(geometry.lane_widths_pt, geometry.row_heights_pt, pages)
    return flow.layout(flow_nodes(sop), frame)


def flow_svgs(sop: Sop, geometry: TableGeometry, paged: bool = True):
    """The layout and one SVG per step row, exactly the size of the measured flowchart cells."""
    result = flow_layout(sop, geometry, paged)
    lanes = geometry.lane_widths_pt
    width = sum(lanes)
    svgs = [
        _finish_svg(flow.to_svg(result.rows[i], width, h), lanes, width, h)
        for i, h in enumerate(geometry.row_heights_pt)
    ]
    return result, svgs


# --- rendering -------------------------------------------------------------------------------


@dataclass
class RenderedSop:
    pdf: bytes
    html_view: str  # the on-screen HTML view (continuous flowchart, no page connectors)
    final_html: str  # the print document with the flowchart SVGs at their measured sizes
    geometry: TableGeometry
    pages: int
    layout: object = None  # the flowchart's Layout the PDF was drawn from (page coordinates)
    warnings: tuple[str, ...] = ()  # what WeasyPrint logged (unsupported CSS in a template...)
    signature_box: tuple[int, float, float, float, float] | None = None  # page, PDF rect of div.kotak-ttd


def pdf_identifier(sop: Sop, content_hash: str) -> bytes:
    """A fixed file identifier: the same SOP content always gets the same /ID."""
    return hashlib.sha256(f"{sop.nomor}\0{content_hash}".encode()).hexdigest()[:32].encode("ascii")


def _output_uri(project: Project) -> str:
    return project.output.resolve().as_uri() + "/"


def _link_finisher(base_uri: str):
    """Links to another SOP's PDF become relative GoToR actions (no machine paths in the file)."""
    import pydyf

    def finish(document, pdf) -> None:
        for obj in pdf.objects:
            if not isinstance(obj, dict) or obj.get("Type") != "/Annot":
                continue
            action = obj.get("A")
            if not isinstance(action, dict) or action.get("S") != "/URI":
                continue
            uri = getattr(action["URI"], "string", "")
            if isinstance(uri, bytes):
                uri = uri.decode("latin-1")
            if uri.startswith(base_uri):
                name = uri[len(base_uri):]
                if name.endswith(".pdf") and "/" not in name:
                    obj["A"] = pydyf.Dictionary({
                        "Type": "/Action",
                        "S": "/GoToR",
                        "F": pydyf.String(name),
                        "D": pydyf.Array([0, "/Fit"]),
                    })
                else:
                    action["URI"] = pydyf.String(name)

    return finish


def _swap_placeholders(geometry: TableGeometry, svgs: list[str]) -> None:
    """Put each row's SVG into its placeholder box at exactly the measured cell size."""
    from weasyprint.images import SVGImage

    for cell, box, svg in zip(geometry.cells, geometry.placeholders, svgs):
        if box is None:
            raise MeasureError(f"sel flowchart langkah {cell.no} tidak berisi SVG; templat harus memuat {{{{ flow[...] }}}}")
        old = box.replacement
        box.replacement = SVGImage(ET.fromstring(svg), old._base_url, old._url_fetcher, old._context)
        box.position_x, box.position_y = cell.x, cell.y
        box.width, box.height = cell.width, cell.height
        box.margin_top = box.margin_bottom = box.margin_left = box.margin_right = 0
        box.padding_top = box.padding_bottom = box.padding_left = box.padding_right = 0
        box.border_top_width = box.border_bottom_width = box.border_left_width = box.border_right_width = 0


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools: same PDF, not a
        # problem of the document (and SOURCE_DATE_EPOCH below keeps it repeatable).
        if "instead of HarfBuzz-Subset" not in message:
            self.messages.append(message)


@contextlib.contextmanager
def fixed_font_timestamps(day: date | None):
    """fontTools stamps subset fonts with the clock unless SOURCE_DATE_EPOCH is set."""
    epoch = str(calendar.timegm(day.timetuple())) if day else "0"
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _html(source: str, base_url: str, fetcher):
    from weasyprint import HTML

    return HTML(string=source, base_url=base_url, url_fetcher=fetcher)


def _write_pdf(document, sop: Sop, project: Project, pdfa: bool | None, content_hash: str, base_url: str) -> bytes:
    use_pdfa = project.config.pdfa if pdfa is None else pdfa
    day = sop.tanggal.berlaku or sop.tanggal.pembuatan  # a Tgl (format 1.1), or None for a blank
    with fixed_font_timestamps(day.first_day if day else None):
        return document.write_pdf(
            pdf_variant=PDFA_VARIANT if use_pdfa else None,
            pdf_identifier=pdf_identifier(sop, content_hash),
            finisher=_link_finisher(base_url),
        )


def _balanced(document, geometry: TableGeometry, ctx, env, lay_out):
    """The layout with the step rows spread evenly over the table's pages (`pagebreak`).

    The greedy first layout is kept when it is already even, when the plan cannot be made, or
    when the template does not carry the break marks (a project's older copy of sop.html.j2):
    the second layout must put every row on its planned page, or it is not used."""
    from sopgen.render.measure import row_pitches, table_room

    room = table_room(document, geometry)
    if room is None:
        return document, geometry
    pages = geometry.pages - geometry.cells[0].page
    breakable = [row.keterangan_rows != 0 for row in ctx.rows]
    plan = pagebreak.plan_pages(row_pitches(geometry), breakable, room, pages)
    if plan is None or plan == geometry.row_pages:
        return document, geometry
    ctx.halaman_baru = pagebreak.breaks_of(plan)
    source = render.render_document(env, ctx, placeholders(ctx.sop, ctx), "pdf")
    again = lay_out(source)
    spread = measure(again, len(ctx.rows), len(ctx.sop.pelaksana))
    if spread.row_pages != plan or spread.pages != geometry.pages:
        ctx.halaman_baru = ()
        return document, geometry
    return again, spread


def rows_fit(sop: Sop, project: Project, templates: Templates | None = None) -> int | None:
    """The first step whose row is taller than a page, by the same first layout pass as the
    build (so validation refuses exactly what the build could not draw); None when all fit."""
    from sopgen.render.measure import RowTooTall

    templates = templates or Templates(project.root)
    ctx = render.document_context(
        sop, project, slug="ukur", min_lane=flow.MIN_LANE_WIDTH, min_row_height=flow.MIN_ROW_HEIGHT
    )
    n = len(sop.langkah)
    html = render.render_document(templates.env, ctx, placeholders(sop, ctx), "pdf")
    try:
        measure(_html(html, _output_uri(project), url_fetcher(project, templates)).render(), n, len(sop.pelaksana))
    except RowTooTall as e:
        return e.step
    return None


def render_sop(
    sop: Sop,
    project: Project,
    *,
    slug: str,
    links: dict[str, SopLink] | None = None,
    templates: Templates | None = None,
    content_hash: str = "",
    verify: bool = False,
    pdfa: bool | None = None,
    with_pdf: bool = True,
    balanced: bool = True,
    fonts=None,
) -> RenderedSop:
    """Render one validated SOP to PDF bytes and its HTML view. Raises RenderError for the user.

    `with_pdf=False`: the HTML view only (`pdf` is empty), a third faster (`sopgen preview`).
    `balanced=False`: keep WeasyPrint's greedy page breaks (the on-screen view has no pages,
    so the preview saves the second layout the balanced breaks cost).
    `fonts`: a `fonts.font_configuration()` to lay out with (default: a fresh one for this SOP)."""
    templates = templates or Templates(project.root)
    ctx = render.document_context(
        sop, project, slug=slug, links=links, min_lane=flow.MIN_LANE_WIDTH, min_row_height=flow.MIN_ROW_HEIGHT
    )
    from sopgen.publish.identity import publication_marks
    from sopgen.publish.sign import signature_box

    ctx.extra.update(publication_marks(sop, project))
    env = templates.env
    base_url = _output_uri(project)
    fetcher = url_fetcher(project, templates)
    fonts = fonts if fonts is not None else font_configuration()
    n = len(sop.langkah)

    def lay_out(source: str):
        return _html(source, base_url, fetcher).render(font_config=fonts)

    weasy_log = logging.getLogger("weasyprint")
    handler = _Warnings()
    weasy_log.addHandler(handler)
    try:
        # Pass 1: lay out with placeholders and measure.
        first = render.render_document(env, ctx, placeholders(sop, ctx), "pdf")
        document = lay_out(first)
        geometry = measure(document, n, len(sop.pelaksana))
        if balanced:
            document, geometry = _balanced(document, geometry, ctx, env, lay_out)
        sign_box = signature_box(document)
        drawing, svgs = flow_svgs(sop, geometry)
        final_html = render.render_document(env, ctx, svgs, "pdf")
        if verify:
            second = measure(lay_out(final_html), n, len(sop.pelaksana))
            if not geometry.same_layout(second):
                raise LayoutMismatch(
                    "tata letak tabel berubah setelah flowchart digambar "
                    f"({geometry.describe_difference(second)}); laporkan ke pengembang sopgen"
                )
        pdf = b""
        if with_pdf:
            _swap_placeholders(geometry, svgs)
            pdf = _write_pdf(document, sop, project, pdfa, content_hash, base_url)
    finally:
        weasy_log.removeHandler(handler)
    if fetcher.refused:
        raise RenderError(
            "templat meminta sumber di luar proyek (sopgen tidak memakai jaringan): "
            + ", ".join(sorted(set(fetcher.refused)))
        )
    html_view = render.render_document(env, ctx, flow_svgs(sop, geometry, paged=False)[1], "html")
    return RenderedSop(pdf, html_view, final_html, geometry, geometry.pages, drawing, tuple(handler.messages), sign_box)
