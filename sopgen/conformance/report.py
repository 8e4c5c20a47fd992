"""Reports of a conformance check: terminal, JSON, CSV, HTML and PDF.

Every reporter writes bytes to a binary stream, so a ten-million-row result streams to a file
without building one huge string. Reporters are a registry (`REPORTERS`) like the validation
reporters, so `--format` stays open to new formats.

- `text`: rich tables for the terminal (the first findings only; the rest are counted).
- `json`: one object, `summary` then `findings`, exactly as docs/log-format.md says; one finding
  per line, written in chunks by polars (`struct.json_encode`), never as Python objects.
- `csv`: the findings for Excel: UTF-8 with BOM, Indonesian headers, and every text cell that
  Excel could run as a formula (starting with = + - @, tab or CR) prefixed with an apostrophe.
- `html` / `pdf`: the Indonesian report (Jinja template `laporan.html.j2`), with SVG charts
  drawn here; the PDF is WeasyPrint over the same HTML, fetching nothing from the network.
"""

from __future__ import annotations

import hashlib

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

import polars as pl
from markupsafe import Markup, escape

from sopgen.conformance.engine import INFO_KINDS, KIND_LABELS, KINDS, TIME_KINDS, VIOLATION_KINDS, CheckResult

Reporter = Callable[[CheckResult, BinaryIO, "ReportOptions"], None]
REPORTERS: dict[str, Reporter] = {}
BINARY_FORMATS = frozenset({"pdf"})  # not for a terminal: need --output

CHUNK = 200_000  # findings encoded per polars call when streaming JSON or CSV
HTML_FINDINGS_LIMIT = 1000  # findings listed in HTML/PDF; the rest are counted and left to CSV/JSON
TEXT_FINDINGS_LIMIT = 20


@dataclass
class ReportOptions:
    project: Any = None  # sopgen.project.Project: instansi for the header, root for the fetcher
    color: bool = False  # text: ANSI colours (a terminal)
    width: int = 110  # text: console width
    findings_limit: int | None = None  # html/pdf/text: how many findings to list
    generated: datetime | None = None  # the report's time stamp (tests fix it)


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(fn: Reporter) -> Reporter:
        REPORTERS[name] = fn
        return fn

    return register


def write_report(result: CheckResult, fmt: str, out: BinaryIO, options: ReportOptions | None = None) -> None:
    if fmt not in REPORTERS:
        raise ValueError(f"format laporan '{fmt}' tidak dikenal; pilih {', '.join(REPORTERS)}")
    REPORTERS[fmt](result, out, options or ReportOptions())


def report_bytes(result: CheckResult, fmt: str, options: ReportOptions | None = None) -> bytes:
    buf = io.BytesIO()
    write_report(result, fmt, buf, options)
    return buf.getvalue()


# -- numbers in Indonesian -----------------------------------------------------------------------


def angka(value: float | int | None, decimals: int = 1) -> str:
    """12345.6 -> '12.345,6'; integers without decimals; None -> '–'."""
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(round(value)):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def persen(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def menit(value: float | None) -> str:
    return "–" if value is None else f"{angka(round(value, 1))} menit"


def _where(file: str, sheet: str | None, row: int) -> str:
    return f"{file} › {sheet}:{row}" if sheet else f"{file}:{row}"


def period_text(result: CheckResult) -> str:
    from sopgen.render.html import tanggal_id

    lo, hi = result.period
    if lo and hi:
        return f"{tanggal_id(lo)} – {tanggal_id(hi)}"
    if lo:
        return f"sejak {tanggal_id(lo)}"
    if hi:
        return f"sampai {tanggal_id(hi)}"
    return "semua tanggal"


def duration_text(result: CheckResult) -> str:
    return "menit berlalu (jam dinding)" if result.elapsed else "menit kerja (hari dan jam kerja, tanpa istirahat dan hari libur)"


# -- JSON ------------------------------------------------------------------------------------------


def _json_lines(frame: pl.LazyFrame, last: bool) -> pl.LazyFrame:
    """One JSON object per finding, each followed by a comma but the very last; time findings
    add minutes and standard_minutes, rework adds count."""
    base = pl.struct("kind", "sop", "case", "step", "file", "sheet", "row", "actor", "message").struct.json_encode()
    number = lambda c: pl.col(c).cast(pl.String).fill_null("null")  # noqa: E731
    extra = (
        pl.when(pl.col("kind").is_in(list(TIME_KINDS)))
        .then(pl.format(',"minutes":{},"standard_minutes":{}', number("minutes"), number("standard_minutes")))
        .when(pl.col("kind") == "rework")
        .then(pl.format(',"count":{}', number("count")))
        .otherwise(pl.lit(""))
    )
    comma = pl.when(pl.int_range(pl.len()) == pl.len() - 1).then(pl.lit("" if last else ",")).otherwise(pl.lit(","))
    return frame.select(pl.concat_str([base.str.head(-1), extra, pl.lit("}"), comma]).alias("line"))


def summary_json(result: CheckResult) -> dict[str, Any]:
    return result.summary


@reporter("json")
def write_json(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    summary = json.dumps(result.summary, ensure_ascii=False, indent=2)
    out.write(b'{\n"summary": ')
    out.write(summary.encode("utf-8"))
    out.write(b',\n"findings": [')
    frame = result.output_frame()
    out.write(b"\n")
    # Each chunk is encoded in one piece per polars thread: a query evaluates an expression
    # over a one-chunk frame on one thread, and this is the slowest part of the report.
    pieces = max(1, pl.thread_pool_size())
    for offset in range(0, frame.height, CHUNK):
        chunk = frame.slice(offset, CHUNK)
        step = -(-chunk.height // pieces)
        queries = [_json_lines(chunk.slice(o, step).lazy(), last=offset + o + step >= frame.height) for o in range(0, chunk.height, step)]
        for part in pl.collect_all(queries):
            part.write_csv(out, include_header=False, quote_style="never")
    out.write(b"]}\n")


# -- CSV (for Excel) -------------------------------------------------------------------------------

CSV_HEADERS = {
    "kind": "jenis",
    "label": "uraian_jenis",
    "sop": "sop",
    "case": "kasus",
    "step": "langkah",
    "file": "berkas",
    "sheet": "lembar",
    "row": "baris",
    "actor": "pelaksana",
    "minutes": "menit",
    "standard_minutes": "standar_menit",
    "count": "jumlah",
    "message": "pesan",
}
_FORMULA_START = r"^[=+\-@\t\r]"


def excel_safe(e: pl.Expr) -> pl.Expr:
    """A text cell Excel will not run as a formula: an apostrophe before = + - @ tab CR (OWASP)."""
    return pl.when(e.str.contains(_FORMULA_START)).then(pl.lit("'") + e).otherwise(e)


def excel_safe_text(value: str) -> str:
    import re

    return "'" + value if re.match(_FORMULA_START, value) else value


@reporter("csv")
def write_csv(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    frame = result.output_frame()
    labels = pl.DataFrame({"kind": list(KINDS), "label": [KIND_LABELS[k] for k in KINDS]})
    out.write(b"\xef\xbb\xbf")
    header = True
    for offset in range(0, max(frame.height, 1), CHUNK):
        part = frame.slice(offset, CHUNK).join(labels, on="kind", how="left", maintain_order="left")
        part = part.select(
            *[
                (excel_safe(pl.col(c)) if part.schema[c] == pl.String else pl.col(c)).alias(CSV_HEADERS[c])
                for c in CSV_HEADERS
            ]
        )
        out.write(part.write_csv(include_header=header).encode("utf-8"))
        header = False


# -- text (rich) -----------------------------------------------------------------------------------


def _pct_cell(value: float | None) -> str:
    """A percentage in rich markup, coloured by how good it is."""
    return f"[{_pct_style(value)}]{persen(value)}[/]"


def _pct_style(value: float | None) -> str:
    if value is None:
        return "dim"
    return "green" if value >= 90 else ("yellow" if value >= 70 else "red")


@reporter("text")
def write_text(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=options.width, force_terminal=options.color, color_system="standard" if options.color else None, highlight=False, emoji=False)
    render_text(result, console, options)
    out.write(buf.getvalue().encode("utf-8"))


def render_text(result: CheckResult, console: Any, options: ReportOptions) -> None:
    from rich import box
    from rich.table import Table

    s = result.summary
    rows = s["rows"]
    console.print("[bold]Pemeriksaan kepatuhan SOP[/bold]")
    console.print(f"Periode: {period_text(result)}; durasi dalam {duration_text(result)}")
    for e in result.file_errors:
        console.print(f"[red]galat[/red] {escape_rich(e.message)}")
    for note in result.notes:
        console.print(f"[dim]catatan: {escape_rich(note)}[/dim]")
    console.print(
        f"Baris log: {angka(rows['total'])} = {angka(rows['checked'])} diperiksa + {angka(rows['invalid'])} tidak sah + "
        f"{angka(rows['duplicate'])} ganda + {angka(rows['outside_selection'])} di luar pilihan SOP/periode + {angka(rows['blank'])} kosong"
        + (f" + {angka(rows['merged'])} peristiwa XES digabung" if rows.get("merged") else "")
    )
    comp, within = s["compliance"], s["within_standard"]
    console.print(
        f"Kepatuhan: {_pct_cell(comp['percent'])} "
        f"({angka(comp['compliant'])} dari {angka(comp['rows'])} baris tanpa pelanggaran); "
        f"tepat waktu: {_pct_cell(within['percent'])} "
        f"({angka(within['within'])} dari {angka(within['finished'])} langkah selesai)"
    )
    cases = s["cases"]
    console.print(
        f"Kasus: {angka(cases['total'])}, selesai {angka(cases['complete'])}, belum selesai {angka(cases['incomplete'])}, "
        f"dengan pengerjaan ulang {angka(cases['with_rework'])}"
    )

    t = Table(title="Per SOP", box=box.SIMPLE_HEAVY, title_justify="left")
    for col, just in (("Nomor", "left"), ("Nama", "left"), ("Kasus", "right"), ("Selesai", "right"), ("Baris", "right"), ("Tepat waktu", "right"), ("Patuh", "right")):
        t.add_column(col, justify=just)
    for so in s["sops"]:
        t.add_row(
            escape_rich(so["sop"]),
            escape_rich(so["name"]),
            angka(so["cases"]),
            angka(so["complete_cases"]),
            angka(so["rows"]),
            _pct_cell(so['percent_within']),
            _pct_cell(so['percent_compliant']),
        )
    console.print(t)

    t = Table(title="Per langkah (menit)", box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("SOP", "Langkah", "Standar", "Median", "P90", "Maks", "Selesai", "Tepat waktu", "Temuan"):
        t.add_column(col, justify="left" if col in ("SOP", "Temuan") else "right")
    multi = len(s["sops"]) > 1
    for st in s["steps"]:
        kinds = ", ".join(f"{KIND_LABELS[k].lower()} {angka(n)}" for k, n in st["kinds"].items() if k not in INFO_KINDS)
        t.add_row(
            escape_rich(st["sop"]) if multi else "",
            str(st["step"]),
            angka(st["standard_minutes"]),
            angka(st["median_minutes"]),
            angka(st["p90_minutes"]),
            angka(st["max_minutes"]),
            angka(st["finished"]),
            _pct_cell(st['percent_within']),
            kinds or "–",
        )
    if not multi:
        t.columns[0].visible = False
    console.print(t)

    t = Table(title="Temuan per jenis", box=box.SIMPLE_HEAVY, title_justify="left")
    t.add_column("Jenis")
    t.add_column("Kode")
    t.add_column("Jumlah", justify="right")
    for k in KINDS:
        n = s["kinds"][k]
        if n:
            t.add_row(KIND_LABELS[k] + (" (informasi)" if k in INFO_KINDS else ""), k, angka(n))
    if t.row_count:
        console.print(t)

    if s["actors"]:
        t = Table(title="Per pelaksana", box=box.SIMPLE_HEAVY, title_justify="left")
        for col in ("Pelaksana", "Baris", "Tepat waktu", "Pelanggaran", "Patuh"):
            t.add_column(col, justify="left" if col == "Pelaksana" else "right")
        for a in s["actors"]:
            t.add_row(
                escape_rich(a["actor"]),
                angka(a["rows"]),
                persen(a["percent_within"]),
                angka(a["violations"]),
                _pct_cell(a['percent_compliant']),
            )
        console.print(t)

    if s["worst_cases"]:
        t = Table(title="Kasus dengan temuan terbanyak", box=box.SIMPLE_HEAVY, title_justify="left")
        for col in ("Kasus", "Pelanggaran", "Lebih menit", "Ulang", "Selesai", "Mulai"):
            t.add_column(col, justify="left" if col in ("Kasus", "Mulai") else "right")
        for c in s["worst_cases"]:
            t.add_row(
                escape_rich(c["case"]) + (f" [dim]({escape_rich(c['sop'])})[/dim]" if multi else ""),
                angka(c["violations"]),
                angka(c["minutes_over"]),
                angka(c["rework"]),
                "ya" if c["complete"] else "belum",
                c["start"] or "–",
            )
        console.print(t)

    limit = TEXT_FINDINGS_LIMIT if options.findings_limit is None else options.findings_limit
    frame = result.output_frame()
    if frame.height:
        console.print("[bold]Temuan[/bold]" + (f" (pertama {limit} dari {angka(frame.height)})" if frame.height > limit else ""))
        for r in frame.head(limit).iter_rows(named=True):
            style = "dim" if r["kind"] in INFO_KINDS else ("yellow" if r["kind"] in ("invalid_row", "duplicate_row") else "red")
            case = f" kasus {escape_rich(r['case'])}" if r["case"] is not None else ""
            console.print(
                f"{escape_rich(_where(r['file'], r['sheet'], r['row']))}: [{style}]{r['kind']}[/]{case}: {escape_rich(r['message'])}",
                soft_wrap=True,
            )
        if frame.height > limit:
            console.print(f"… dan {angka(frame.height - limit)} temuan lain: simpan semuanya dengan --format csv/json/html --output BERKAS")
    else:
        console.print("[green]Tidak ada temuan.[/green]")


def escape_rich(text: Any) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(str(text))


# -- SVG charts ----------------------------------------------------------------------------------

_GOOD, _FAIR, _BAD, _GRID, _INK, _STD = "#2e7d32", "#f9a825", "#c62828", "#d0d0d0", "#222", "#c62828"


def _color(p: float | None) -> str:
    if p is None:
        return "#9e9e9e"
    return _GOOD if p >= 90 else (_FAIR if p >= 70 else _BAD)


def _t(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def percent_chart(items: list[tuple[str, float | None]], *, label_width: float = 150, width: float = 640) -> Markup:
    """Horizontal bars of percentages (0-100 %), one per item, with gridlines and values."""
    bar_h, gap, top, bottom = 16, 8, 8, 22
    plot_w = width - label_width - 60
    h = top + bottom + len(items) * (bar_h + gap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {_t(width)} {_t(h)}" width="{_t(width)}" height="{_t(h)}" role="img">']
    for p in range(0, 101, 25):
        x = label_width + plot_w * p / 100
        out.append(f'<line x1="{_t(x)}" y1="{top - 4}" x2="{_t(x)}" y2="{_t(h - bottom + 2)}" stroke="{_GRID}" stroke-width="0.8"/>')
        out.append(f'<text x="{_t(x)}" y="{_t(h - 6)}" font-size="9" text-anchor="middle" fill="#555">{p} %</text>')
    for i, (label, p) in enumerate(items):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{_t(label_width - 6)}" y="{_t(y + bar_h - 4)}" font-size="10" text-anchor="end" fill="{_INK}">{escape(label)}</text>')
        w = plot_w * (p or 0) / 100
        out.append(f'<rect x="{_t(label_width)}" y="{_t(y)}" width="{_t(max(w, 0.5))}" height="{bar_h}" fill="{_color(p)}" rx="2"/>')
        out.append(f'<text x="{_t(label_width + w + 4)}" y="{_t(y + bar_h - 4)}" font-size="10" fill="{_INK}">{escape(persen(p))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def duration_chart(steps: list[dict[str, Any]], *, width: float = 640) -> Markup:
    """Per step, the durations against the standard, on one axis of 'times the standard'.

    Each row: a bar to the median, a line from the median to p90 ending in a tick, a dot at
    the maximum; the red line at 1x is the standard. A value past the axis end is drawn at the
    edge with an arrow. Numbers in minutes are written at the right."""
    label_w, text_w = 70, 190
    plot_w = width - label_w - text_w
    row_h, top, bottom = 26, 14, 24
    ratios = []
    for s in steps:
        std = s["standard_minutes"] or 0
        for key in ("median_minutes", "p90_minutes"):
            v = s.get(key)
            if v is not None and std > 0:
                ratios.append(v / std)
    limit = 2.0
    for r in ratios:
        while r > limit and limit < 5:
            limit += 1.0
    h = top + bottom + len(steps) * row_h
    x_of = lambda ratio: label_w + plot_w * min(ratio, limit) / limit  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {_t(width)} {_t(h)}" width="{_t(width)}" height="{_t(h)}" role="img">']
    step_tick = 0.5 if limit <= 3 else 1.0
    tick = 0.0
    while tick <= limit + 1e-9:
        x = x_of(tick)
        out.append(f'<line x1="{_t(x)}" y1="{top - 6}" x2="{_t(x)}" y2="{_t(h - bottom + 2)}" stroke="{_GRID}" stroke-width="0.8"/>')
        out.append(f'<text x="{_t(x)}" y="{_t(h - 8)}" font-size="9" text-anchor="middle" fill="#555">{angka(tick)}×</text>')
        tick += step_tick
    xs = x_of(1.0)
    out.append(f'<line x1="{_t(xs)}" y1="{top - 8}" x2="{_t(xs)}" y2="{_t(h - bottom + 2)}" stroke="{_STD}" stroke-width="1.6" stroke-dasharray="4 2"/>')
    out.append(f'<text x="{_t(xs + 3)}" y="{top - 4}" font-size="9" fill="{_STD}">standar</text>')
    for i, s in enumerate(steps):
        y = top + i * row_h
        mid = y + row_h / 2
        std = s["standard_minutes"] or 0
        label = f"Langkah {s['step']}"
        out.append(f'<text x="{_t(label_w - 6)}" y="{_t(mid + 3.5)}" font-size="10" text-anchor="end" fill="{_INK}">{escape(label)}</text>')
        med, p90, mx = s.get("median_minutes"), s.get("p90_minutes"), s.get("max_minutes")
        if med is None or std <= 0:
            out.append(f'<text x="{_t(label_w + 4)}" y="{_t(mid + 3.5)}" font-size="9" fill="#777">belum ada langkah yang selesai</text>')
        else:
            color = _color(s.get("percent_within"))
            xm = x_of(med / std)
            out.append(f'<rect x="{_t(label_w)}" y="{_t(mid - 6)}" width="{_t(max(xm - label_w, 0.8))}" height="12" fill="{color}" opacity="0.85" rx="1.5"/>')
            if p90 is not None:
                xp = x_of(p90 / std)
                out.append(f'<line x1="{_t(xm)}" y1="{_t(mid)}" x2="{_t(xp)}" y2="{_t(mid)}" stroke="{_INK}" stroke-width="1.2"/>')
                out.append(f'<line x1="{_t(xp)}" y1="{_t(mid - 5)}" x2="{_t(xp)}" y2="{_t(mid + 5)}" stroke="{_INK}" stroke-width="1.2"/>')
            if mx is not None:
                r = mx / std
                xx = x_of(r)
                if r > limit:
                    out.append(f'<path d="M{_t(xx - 6)},{_t(mid - 4)} L{_t(xx)},{_t(mid)} L{_t(xx - 6)},{_t(mid + 4)}" fill="none" stroke="{_INK}" stroke-width="1.2"/>')
                else:
                    out.append(f'<circle cx="{_t(xx)}" cy="{_t(mid)}" r="2.6" fill="#fff" stroke="{_INK}" stroke-width="1.1"/>')
        info = f"{angka(med)} · {angka(p90)} · {angka(mx)} / {angka(std)}"
        out.append(f'<text x="{_t(width - text_w + 8)}" y="{_t(mid + 3.5)}" font-size="9" fill="{_INK}">{escape(info)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def kinds_chart(kinds: dict[str, int], *, width: float = 640) -> Markup:
    """Horizontal bars of finding counts per kind (violations in red, information in grey)."""
    items = [(k, n) for k, n in kinds.items() if n]
    label_w, bar_h, gap, top, bottom = 170, 14, 6, 4, 4
    plot_w = width - label_w - 70
    h = top + bottom + max(len(items), 1) * (bar_h + gap)
    biggest = max((n for _, n in items), default=1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {_t(width)} {_t(h)}" width="{_t(width)}" height="{_t(h)}" role="img">']
    for i, (k, n) in enumerate(items):
        y = top + i * (bar_h + gap)
        color = "#9e9e9e" if k in INFO_KINDS else ("#f9a825" if k in ("invalid_row", "duplicate_row") else _BAD)
        w = plot_w * n / biggest
        out.append(f'<text x="{_t(label_w - 6)}" y="{_t(y + bar_h - 3)}" font-size="10" text-anchor="end" fill="{_INK}">{escape(KIND_LABELS[k])}</text>')
        out.append(f'<rect x="{_t(label_w)}" y="{_t(y)}" width="{_t(max(w, 0.8))}" height="{bar_h}" fill="{color}" rx="2"/>')
        out.append(f'<text x="{_t(label_w + w + 4)}" y="{_t(y + bar_h - 3)}" font-size="10" fill="{_INK}">{escape(angka(n))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


# -- HTML and PDF ----------------------------------------------------------------------------------

REPORT_TEMPLATE = "laporan.html.j2"


def html_context(result: CheckResult, options: ReportOptions) -> dict[str, Any]:
    from sopgen.render.html import FONT_STACK, tanggal_id

    s = result.summary
    project = options.project
    instansi = dict(getattr(getattr(project, "config", None), "instansi", {}) or {})
    if result.sops:
        first = result.sops[0].instansi
        for key in ("pemerintah", "nama", "unit", "alamat"):
            instansi.setdefault(key, getattr(first, key, ""))
    limit = HTML_FINDINGS_LIMIT if options.findings_limit is None else options.findings_limit
    frame = result.output_frame()
    shown = frame.head(limit).to_dicts()
    for f in shown:
        f["label"] = KIND_LABELS[f["kind"]]
        f["where"] = _where(f["file"], f["sheet"], f["row"])
        f["level"] = "info" if f["kind"] in INFO_KINDS else ("data" if f["kind"] in ("invalid_row", "duplicate_row") else "langgar")
    # No clock: the same logs give the same report (a caller may stamp it, as tests do).
    generated = options.generated
    sops = []
    for so in s["sops"]:
        steps = [st for st in s["steps"] if st["sop"] == so["sop"]]
        sops.append({**so, "steps": steps, "chart": duration_chart(steps), "within_chart": percent_chart([(f"Langkah {st['step']}", st["percent_within"]) for st in steps], label_width=80)})
    return {
        "font_stack": Markup(FONT_STACK),
        "instansi": instansi,
        "period": period_text(result),
        "duration": duration_text(result),
        "generated": f"{tanggal_id(generated.date())} pukul {generated:%H.%M}" if generated else "",
        "s": s,
        "sops": sops,
        "files": result.files,
        "file_errors": result.file_errors,
        "notes": result.notes,
        "kind_labels": KIND_LABELS,
        "kind_chart": kinds_chart({k: s["kinds"][k] for k in KINDS}),
        "sop_chart": percent_chart([(so["sop"], so["percent_compliant"]) for so in s["sops"]], label_width=170) if len(s["sops"]) > 1 else None,
        "violation_kinds": VIOLATION_KINDS,
        "info_kinds": INFO_KINDS,
        "findings": shown,
        "findings_total": frame.height,
        "findings_hidden": max(frame.height - len(shown), 0),
        "angka": angka,
        "persen": persen,
        "menit": menit,
    }


def _templates(options: ReportOptions):
    from sopgen.render.html import Templates

    root = getattr(options.project, "root", None)
    return Templates(root)


def render_html(result: CheckResult, options: ReportOptions, *, mode: str = "html") -> str:
    templates = _templates(options)
    ctx = html_context(result, options)
    return templates.env.get_template(REPORT_TEMPLATE).render(mode=mode, **ctx)


@reporter("html")
def write_html(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    out.write(render_html(result, options, mode="html").encode("utf-8"))


@reporter("pdf")
def write_pdf(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    out.write(render_pdf(result, options))


def render_pdf(result: CheckResult, options: ReportOptions) -> bytes:
    """The HTML report laid out by WeasyPrint; no network (a fetcher that refuses URLs)."""
    from weasyprint import HTML

    templates = _templates(options)
    source = render_html(result, options, mode="pdf")
    fetcher = _fetcher(options, templates)
    from sopgen.render.pdf import fixed_font_timestamps

    identifier = hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode()
    with fixed_font_timestamps(options.generated.date() if options.generated else None):
        return HTML(string=source, base_url=str(templates.packaged) + "/", url_fetcher=fetcher).write_pdf(
            pdf_identifier=identifier
        )


def _fetcher(options: ReportOptions, templates):
    """The build's project-only fetcher when there is a project; else one that refuses all."""
    if options.project is not None:
        from sopgen.render.pdf import url_fetcher

        return url_fetcher(options.project, templates)

    def refuse(url: str, *args: Any, **kwargs: Any):
        if url.startswith("data:"):
            from weasyprint import default_url_fetcher

            return default_url_fetcher(url)
        raise ValueError(f"sopgen tidak mengambil '{url}'")

    return refuse


# -- for the command line --------------------------------------------------------------------------


def print_text(result: CheckResult, options: ReportOptions) -> None:
    """The text report straight to the terminal (colours when it is one)."""
    from rich.console import Console

    render_text(result, Console(highlight=False, emoji=False, soft_wrap=False), options)


def save_report(result: CheckResult, fmt: str, path: Any, options: ReportOptions) -> None:
    """Write a report to a file atomically: a half-written report never replaces a good one."""
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write_report(result, fmt, fh, options)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def report_summary_line(result: CheckResult, path: Any) -> str:
    s = result.summary
    return (
        f"Laporan ditulis ke {path}: kepatuhan {persen(s['compliance']['percent'])}, tepat waktu "
        f"{persen(s['within_standard']['percent'])}, {angka(s['violations'])} temuan pelanggaran, "
        f"{angka(s['rows']['checked'])} baris diperiksa"
    )
