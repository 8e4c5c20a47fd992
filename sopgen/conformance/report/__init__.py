"""Reports of a conformance check: terminal, JSON, CSV, HTML and PDF.

Every reporter writes bytes to a binary stream, so a ten-million-row result streams to a file
without building one huge string. Reporters are a registry (`registry.REPORTERS`) like the
validation reporters, so `--format` stays open to new formats.

- `text`: rich tables for the terminal (the first findings only; the rest are counted).
- `export`: `json`, one object, `summary` then `findings`, exactly as docs/log-format.md
  says, encoded by polars in chunks; `csv`, the findings for Excel (UTF-8 with BOM,
  Indonesian headers, no cell Excel could run as a formula).
- `html`: the Indonesian report (Jinja template `laporan.html.j2`), with the SVG charts of
  `charts`; `pdf` is WeasyPrint over the same HTML, fetching nothing from the network.
- `monitoring`: the official "Formulir Monitoring Pelaksanaan SOP AP" (Permenpan RB
  35/2012, Tabel 7) as xlsx and PDF (`monitoring-xlsx`, `monitoring-pdf`; the CLI's
  `--format monitoring` picks one by the output's extension).
- `words`: numbers, dates and phrases in Indonesian, for every format.
"""

from __future__ import annotations

# Imported for their @reporter registrations, in the order `--format` lists the formats.
from sopgen.conformance.report import export, text, html, monitoring  # noqa: F401  isort: skip
from sopgen.conformance.report.html import render_html, render_pdf
from sopgen.conformance.report.registry import (
    BINARY_FORMATS,
    REPORTERS,
    Reporter,
    ReportOptions,
    report_bytes,
    reporter,
    save_report,
    write_report,
)
from sopgen.conformance.report.text import print_text, render_text, report_summary_line

__all__ = [
    "BINARY_FORMATS",
    "REPORTERS",
    "Reporter",
    "ReportOptions",
    "print_text",
    "render_html",
    "render_pdf",
    "render_text",
    "report_bytes",
    "report_summary_line",
    "reporter",
    "save_report",
    "write_report",
]
