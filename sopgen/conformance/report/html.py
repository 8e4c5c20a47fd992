"""The Indonesian report as HTML (Jinja template `laporan.html.j2`) and as PDF: WeasyPrint
over the same HTML, fetching nothing from the network."""

from __future__ import annotations

import hashlib
import math
from typing import Any, BinaryIO

from markupsafe import Markup

from sopgen.conformance.engine import INFO_KINDS, KIND_LABELS, KINDS, VIOLATION_KINDS, CheckResult
from sopgen.conformance.report.charts import duration_chart, kinds_chart, percent_chart, thin_limit, trend_chart
from sopgen.conformance.readers.dateorder import date_notes
from sopgen.conformance.report.registry import ReportOptions, reporter
from sopgen.conformance.report.words import (
    angka,
    bulan_text,
    duration_text,
    keep_together,
    menit,
    name_line,
    period_text,
    persen,
    shown_path,
    sops_shown,
    unrecognized_lines,
    waktu,
    where,
)

HTML_FINDINGS_LIMIT = 1000  # findings listed in HTML/PDF; the rest are counted and left to CSV/JSON
REPORT_TEMPLATE = "laporan.html.j2"


def html_context(result: CheckResult, options: ReportOptions) -> dict[str, Any]:
    from sopgen.render.html import FONT_STACK, tanggal_id

    s = result.summary
    thin = thin_limit(s.get("months", []))  # months with fewer rows are drawn hollow
    project = options.project
    instansi = dict(getattr(getattr(project, "config", None), "instansi", {}) or {})
    if result.sops:
        first = result.sops[0].instansi
        for key in ("pemerintah", "nama", "unit", "alamat"):
            instansi.setdefault(key, getattr(first, key, ""))
    limit = HTML_FINDINGS_LIMIT if options.findings_limit is None else options.findings_limit
    total = result.findings_count
    shown = result.output_head(limit).to_dicts()
    for f in shown:
        f["label"] = KIND_LABELS[f["kind"]]
        f["where"] = where(f["file"], f["sheet"], f["row"])
        f["level"] = "info" if f["kind"] in INFO_KINDS else ("data" if f["kind"] in ("invalid_row", "duplicate_row") else "langgar")
    # No clock: the same logs give the same report (a caller may stamp it, as tests do).
    generated = options.generated
    sops = []
    with_rows, empty = sops_shown(s)
    for so in with_rows:
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
        # How dates were read goes at the top, beside the files; the other notes at the end.
        "date_notes": (dates := date_notes(s.get("date_readings") or [])),
        "notes": [n for n in result.notes if n not in dates],
        "kind_labels": KIND_LABELS,
        "kind_chart": kinds_chart({k: s["kinds"][k] for k in KINDS}),
        "sop_chart": percent_chart([(so["sop"], so["percent_compliant"]) for so in with_rows], label_width=170) if len(with_rows) > 1 else None,
        "sops_empty": empty,
        "months": [{**m, "label": bulan_text(m["month"])} for m in s.get("months", [])],
        "trend_chart": trend_chart(s["months"]) if len(s.get("months", [])) > 1 else None,
        "thin_months": [{"label": bulan_text(m["month"])} for m in s.get("months", []) if m["rows"] < thin],
        "thin_rows": math.ceil(thin),
        "unrecognized": unrecognized_lines(s),
        "name_line": name_line,
        "signature": signature(options),
        "violation_kinds": VIOLATION_KINDS,
        "info_kinds": INFO_KINDS,
        "findings": shown,
        "findings_total": total,
        "findings_hidden": max(total - len(shown), 0),
        "angka": angka,
        "persen": persen,
        "menit": menit,
        "utuh": keep_together,
        "waktu": waktu,
    }


def signature(options: ReportOptions) -> dict[str, str] | None:
    """The evaluator who signs (`[penilaian]` of sopgen.toml: nama, nip, jabatan), with the
    place (`[instansi] kota`) and the report's date; None when no evaluator is set."""
    from sopgen.render.html import tanggal_id

    config = options.config
    who = dict(getattr(config, "penilaian", None) or {})
    if not who.get("nama"):
        return None
    kota = (getattr(config, "instansi", None) or {}).get("kota", "")
    when = tanggal_id(options.generated.date()) if options.generated else ""
    return {
        "place_date": ", ".join(x for x in (kota, when) if x),
        "jabatan": who.get("jabatan", "Penilai"),
        "nama": who["nama"],
        "nip": who.get("nip", ""),
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
