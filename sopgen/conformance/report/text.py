"""The text report: rich tables for the terminal, the first findings only (the rest are
counted and left to the files), and the one line the command prints after saving a report."""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from sopgen.conformance.engine import INFO_KINDS, KIND_LABELS, KINDS, CheckResult
from sopgen.conformance.report.registry import ReportOptions, reporter
from sopgen.conformance.report.words import angka, duration_text, period_text, persen, where
from sopgen.textsafe import one_line

TEXT_FINDINGS_LIMIT = 20


def _pct_cell(value: float | None) -> str:
    """A percentage in rich markup, coloured by how good it is."""
    return f"[{_pct_style(value)}]{persen(value)}[/]"


def _pct_style(value: float | None) -> str:
    if value is None:
        return "dim"
    return "green" if value >= 90 else ("yellow" if value >= 70 else "red")


def escape_rich(text: Any) -> str:
    """Text from a log or a file name, safe inside rich markup and on a terminal: control
    characters and line breaks shown as escapes (`textsafe.one_line`)."""
    from rich.markup import escape as rich_escape

    return rich_escape(one_line(str(text)))


@reporter("text")
def write_text(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=options.width, force_terminal=options.color, color_system="standard" if options.color else None, highlight=False, emoji=False)
    render_text(result, console, options)
    out.write(buf.getvalue().encode("utf-8"))


def print_text(result: CheckResult, options: ReportOptions) -> None:
    """The text report straight to the terminal (colours when it is one)."""
    from rich.console import Console

    render_text(result, Console(highlight=False, emoji=False, soft_wrap=False), options)


def render_text(result: CheckResult, console: Any, options: ReportOptions) -> None:
    """The report on a rich console: the figures, the tables, then the first findings."""
    s = result.summary
    _print_header(result, console)
    console.print(_sops_table(s))
    multi = len(s["sops"]) > 1
    console.print(_steps_table(s, multi))
    t = _kinds_table(s)
    if t.row_count:
        console.print(t)
    if s["actors"]:
        console.print(_actors_table(s))
    if s["worst_cases"]:
        console.print(_worst_cases_table(s, multi))
    _print_findings(result, console, options)


def _print_header(result: CheckResult, console: Any) -> None:
    """The period, the file errors and notes, and the overall figures."""
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


def _table(title: str) -> Any:
    from rich import box
    from rich.table import Table

    return Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left")


def _sops_table(s: dict[str, Any]) -> Any:
    t = _table("Per SOP")
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
    return t


def _steps_table(s: dict[str, Any], multi: bool) -> Any:
    """Durations per step; the SOP column only when there are several SOPs."""
    t = _table("Per langkah (menit)")
    for col in ("SOP", "Langkah", "Standar", "Median", "P90", "Maks", "Selesai", "Tepat waktu", "Temuan"):
        t.add_column(col, justify="left" if col in ("SOP", "Temuan") else "right")
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
    return t


def _kinds_table(s: dict[str, Any]) -> Any:
    t = _table("Temuan per jenis")
    t.add_column("Jenis")
    t.add_column("Kode")
    t.add_column("Jumlah", justify="right")
    for k in KINDS:
        n = s["kinds"][k]
        if n:
            t.add_row(KIND_LABELS[k] + (" (informasi)" if k in INFO_KINDS else ""), k, angka(n))
    return t


def _actors_table(s: dict[str, Any]) -> Any:
    t = _table("Per pelaksana")
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
    return t


def _worst_cases_table(s: dict[str, Any], multi: bool) -> Any:
    t = _table("Kasus dengan temuan terbanyak")
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
    return t


def _print_findings(result: CheckResult, console: Any, options: ReportOptions) -> None:
    """The first findings, one a line; how many more there are, and where to get them all."""
    limit = TEXT_FINDINGS_LIMIT if options.findings_limit is None else options.findings_limit
    frame = result.output_frame()
    if frame.height:
        console.print("[bold]Temuan[/bold]" + (f" (pertama {limit} dari {angka(frame.height)})" if frame.height > limit else ""))
        for r in frame.head(limit).iter_rows(named=True):
            style = "dim" if r["kind"] in INFO_KINDS else ("yellow" if r["kind"] in ("invalid_row", "duplicate_row") else "red")
            case = f" kasus {escape_rich(r['case'])}" if r["case"] is not None else ""
            console.print(
                f"{escape_rich(where(r['file'], r['sheet'], r['row']))}: [{style}]{r['kind']}[/]{case}: {escape_rich(r['message'])}",
                soft_wrap=True,
            )
        if frame.height > limit:
            console.print(f"… dan {angka(frame.height - limit)} temuan lain: simpan semuanya dengan --format csv/json/html --output BERKAS")
    else:
        console.print("[green]Tidak ada temuan.[/green]")


def report_summary_line(result: CheckResult, path: Any) -> str:
    """What the command prints after saving a report: where, and the main figures."""
    s = result.summary
    return (
        f"Laporan ditulis ke {one_line(str(path))}: kepatuhan {persen(s['compliance']['percent'])}, tepat waktu "
        f"{persen(s['within_standard']['percent'])}, {angka(s['violations'])} temuan pelanggaran, "
        f"{angka(s['rows']['checked'])} baris diperiksa"
    )
