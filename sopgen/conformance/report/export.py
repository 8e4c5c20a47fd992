"""The machine-readable reports: every finding, streamed in chunks of `CHUNK`.

- `json`: one object, `summary` then `findings`, exactly as docs/log-format.md says; one finding
  per line, written in chunks by polars (`struct.json_encode`), never as Python objects.
- `csv`: the findings for Excel: UTF-8 with BOM, Indonesian headers, and every text cell that
  Excel could run as a formula (starting with = + - @, tab or CR) prefixed with an apostrophe.
  For Indonesian Excel (the project's `[laporan] lokal = "id"`, the default) the separator is
  ';' and decimals have a comma, as Excel in Indonesian settings opens a CSV by double-click;
  `--csv-polos` (lokal "en") writes ',' and decimal points.
"""

from __future__ import annotations

import json
import re
from typing import Any, BinaryIO

import polars as pl

from sopgen.conformance.engine import KIND_LABELS, KINDS, TIME_KINDS, CheckResult
from sopgen.conformance.report.registry import ReportOptions, reporter

CHUNK = 200_000  # findings encoded per polars call when streaming JSON or CSV


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
    total = result.findings_count
    out.write(b"\n")
    # Each chunk is encoded in one piece per polars thread: a query evaluates an expression
    # over a one-chunk frame on one thread, and this is the slowest part of the report.
    pieces = max(1, pl.thread_pool_size())
    offset = 0
    for chunk in result.output_chunks(CHUNK):
        step = -(-chunk.height // pieces)
        queries = [_json_lines(chunk.slice(o, step).lazy(), last=offset + min(o + step, chunk.height) >= total) for o in range(0, chunk.height, step)]
        for part in pl.collect_all(queries):
            part.write_csv(out, include_header=False, quote_style="never")
        offset += chunk.height
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
    return "'" + value if re.match(_FORMULA_START, value) else value


@reporter("csv")
def write_csv(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    labels = pl.DataFrame({"kind": list(KINDS), "label": [KIND_LABELS[k] for k in KINDS]})
    out.write(b"\xef\xbb\xbf")
    header = True
    chunks = result.output_chunks(CHUNK) if result.findings_count else iter([result.output_head(0)])
    for chunk in chunks:
        part = chunk.join(labels, on="kind", how="left", maintain_order="left")
        part = part.select(
            *[
                (excel_safe(pl.col(c)) if part.schema[c] == pl.String else pl.col(c)).alias(CSV_HEADERS[c])
                for c in CSV_HEADERS
            ]
        )
        if options.indonesian_csv:
            text = part.write_csv(include_header=header, separator=";", decimal_comma=True)
        else:
            text = part.write_csv(include_header=header)
        out.write(text.encode("utf-8"))
        header = False
