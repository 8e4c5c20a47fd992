"""The text report: rich tables for the terminal, the first findings only (the rest are
counted and left to the files), and the one line the command prints after saving a report."""

from __future__ import annotations

import io
import sys
from typing import Any, BinaryIO

from sopgen.conformance.engine import INFO_KINDS, KIND_LABELS, KINDS, VIOLATION_KINDS, CheckResult
from sopgen.conformance.report.registry import ReportOptions, reporter
from sopgen.conformance.report.words import keep_together as _keep
from sopgen.conformance.report.words import angka, bulan_text, duration_text, name_line, period_text, persen, sops_shown, unrecognized_lines, waktu, where
from sopgen.textsafe import one_line

TEXT_FINDINGS_LIMIT = 20

# A space the console must not break a line at. rich breaks at any whitespace (a no-break
# space too), so figures and their units are joined by this private-use character while the
# report is laid out (`words.keep_together`), and it is written as a plain space afterwards.
GLUE = "\ue000"


def keep_together(text: str) -> str:
    """`words.keep_together` with the console's glue."""
    return _keep(text, GLUE)


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

    return keep_together(rich_escape(one_line(str(text))))


@reporter("text")
def write_text(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=options.width, force_terminal=options.color, color_system="standard" if options.color else None, highlight=False, emoji=False)
    render_text(result, _Glued(console), options)
    out.write(_finished(buf.getvalue()).encode("utf-8"))


def print_text(result: CheckResult, options: ReportOptions) -> None:
    """The text report to the terminal, at its width (colours when it is one)."""
    from rich.console import Console

    terminal = Console(highlight=False, emoji=False)
    buf = io.StringIO()
    console = Console(
        file=buf, width=terminal.width, force_terminal=terminal.is_terminal, color_system=terminal.color_system, highlight=False, emoji=False
    )
    render_text(result, _Glued(console), options)
    sys.stdout.write(_finished(buf.getvalue()))
    sys.stdout.flush()


def _finished(laid_out: str) -> str:
    """The laid-out report with the glued spaces plain again and without the padding rich
    adds to fill the width: a terminal, a file or a pipe gets no trailing spaces."""
    return "\n".join(line.rstrip() for line in laid_out.replace(GLUE, " ").splitlines()) + "\n"


class _Glued:
    """A console whose printed texts keep figures with their units (`keep_together`)."""

    def __init__(self, console: Any) -> None:
        self.console = console

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.console.print(*(keep_together(o) if isinstance(o, str) else o for o in objects), **kwargs)


def render_text(result: CheckResult, console: Any, options: ReportOptions) -> None:
    """The report on a rich console, readable at 80 columns: the figures, the tables (SOPs
    with rows only; one table of steps per SOP), the names not recognised, then the first
    findings as lines."""
    s = result.summary
    _print_header(result, console)
    shown, empty = sops_shown(s)
    if shown:
        console.print(_sops_table(shown))
    if empty:
        console.print(f"[dim]Tanpa baris di log (tidak ditabelkan): {escape_rich(', '.join(empty))}[/dim]")
    for so in shown:
        console.print(_steps_table(s, so, len(shown) > 1))
    t = _kinds_table(s)
    if t.row_count:
        console.print(t)
    if len(s.get("months") or []) > 1:
        console.print(_months_table(s))
    if s["actors"]:
        console.print(_actors_table(s))
    if s.get("people"):
        console.print(_people_table(s))
    _print_unrecognized(s, console)
    if s["worst_cases"]:
        console.print(_worst_cases_table(s, len(shown) > 1))
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

    return Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", pad_edge=False)


def _numbers(t: Any, *columns: str) -> None:
    """Right-aligned columns that never wrap (a figure cut in two is misread)."""
    for col in columns:
        t.add_column(col, justify="right", no_wrap=True)


def _sops_table(shown: list[dict[str, Any]]) -> Any:
    """One row per SOP with rows: the nomor whole on the first line, the name under it."""
    t = _table("Per SOP")
    t.add_column("SOP", no_wrap=False, min_width=max(len(so["sop"]) for so in shown), ratio=1)
    _numbers(t, "Kasus", "Selesai", "Baris", "Tepat\nwaktu", "Patuh")
    for so in shown:
        t.add_row(
            f"{escape_rich(so['sop'])}\n[dim]{escape_rich(so['name'])}[/dim]",
            angka(so["cases"]),
            angka(so["complete_cases"]),
            angka(so["rows"]),
            _pct_cell(so["percent_within"]),
            _pct_cell(so["percent_compliant"]),
        )
    return t


def _steps_table(s: dict[str, Any], so: dict[str, Any], multi: bool) -> Any:
    """Durations per step of one SOP (its nomor in the title when there are several)."""
    t = _table(f"Per langkah, SOP {escape_rich(so['sop'])} (menit)" if multi else "Per langkah (menit)")
    _numbers(t, "Lang-\nkah", "Standar", "Median", "P90", "Maks", "Selesai", "Tepat\nwaktu", "Pelang-\ngaran")
    for st in s["steps"]:
        if st["sop"] != so["sop"]:
            continue
        bad = sum(n for k, n in st["kinds"].items() if k in VIOLATION_KINDS)
        t.add_row(
            str(st["step"]),
            angka(st["standard_minutes"]),
            angka(st["median_minutes"]),
            angka(st["p90_minutes"]),
            angka(st["max_minutes"]),
            angka(st["finished"]),
            _pct_cell(st["percent_within"]),
            angka(bad) if bad else "–",
        )
    return t


def _kinds_table(s: dict[str, Any]) -> Any:
    t = _table("Temuan per jenis")
    t.add_column("Jenis")
    _numbers(t, "Jumlah")
    t.add_column("Kode", style="dim", no_wrap=True)
    for k in KINDS:
        n = s["kinds"][k]
        if n:
            t.add_row(KIND_LABELS[k] + (" (informasi)" if k in INFO_KINDS else ""), angka(n), k)
    return t


def _months_table(s: dict[str, Any]) -> Any:
    t = _table("Per bulan")
    t.add_column("Bulan", no_wrap=True)
    _numbers(t, "Baris", "Patuh", "Tepat waktu")
    for m in s["months"]:
        t.add_row(bulan_text(m["month"]), angka(m["rows"]), _pct_cell(m["percent_compliant"]), _pct_cell(m["percent_within"]))
    return t


def _who_table(title: str, column: str, entries: list[dict[str, Any]], label: Any) -> Any:
    """Rows, within time, violations and compliance per actor or per person."""
    t = _table(title)
    t.add_column(column, ratio=1)
    _numbers(t, "Baris", "Tepat\nwaktu", "Pelang-\ngaran", "Patuh")
    for e in entries:
        t.add_row(label(e), angka(e["rows"]), persen(e["percent_within"]), angka(e["violations"]), _pct_cell(e["percent_compliant"]))
    return t


def _actors_table(s: dict[str, Any]) -> Any:
    return _who_table("Per pelaksana", "Pelaksana", s["actors"], lambda a: escape_rich(a["actor"]))


def _people_table(s: dict[str, Any]) -> Any:
    def label(p: dict[str, Any]) -> str:
        nip = f"\n[dim]NIP {escape_rich(p['nip'])}[/dim]" if p["nip"] else ""
        return f"{escape_rich(p['name'])} [dim]({escape_rich(p['position'])})[/dim]{nip}"

    return _who_table("Per pegawai (pegawai.csv)", "Pegawai", s["people"], label)


def _print_unrecognized(s: dict[str, Any], console: Any) -> None:
    from rich.padding import Padding

    lines = unrecognized_lines(s)
    if not lines:
        return
    console.print("[bold]Nama pelaksana tidak dikenali[/bold]")
    console.print(escape_rich(lines[0]))
    for e in s["unrecognized_actors"]:
        console.print(Padding(escape_rich(name_line(e)), (0, 0, 0, 2)))
    console.print(f"[dim]{escape_rich(lines[1])}[/dim]")


def _worst_cases_table(s: dict[str, Any], multi: bool) -> Any:
    t = _table("Kasus dengan temuan terbanyak")
    t.add_column("Kasus", ratio=1)
    _numbers(t, "Pelang-\ngaran", "Lebih\nmenit", "Ulang", "Selesai")
    t.add_column("Mulai", no_wrap=True)
    for c in s["worst_cases"]:
        t.add_row(
            escape_rich(c["case"]) + (f"\n[dim]{escape_rich(c['sop'])}[/dim]" if multi else ""),
            angka(c["violations"]),
            angka(c["minutes_over"]),
            angka(c["rework"]),
            "ya" if c["complete"] else "belum",
            waktu(c["start"]),
        )
    return t


def _print_findings(result: CheckResult, console: Any, options: ReportOptions) -> None:
    """The first findings, two lines each (where and what; then the message, indented and
    wrapped at the console's width); how many more there are, and where to get them all."""
    from rich.padding import Padding

    limit = TEXT_FINDINGS_LIMIT if options.findings_limit is None else options.findings_limit
    total = result.findings_count
    if total:
        console.print("[bold]Temuan[/bold]" + (f" (pertama {limit} dari {angka(total)})" if total > limit else ""))
        for r in result.output_head(limit).iter_rows(named=True):
            style = "dim" if r["kind"] in INFO_KINDS else ("yellow" if r["kind"] in ("invalid_row", "duplicate_row") else "red")
            case = f" · kasus {escape_rich(r['case'])}" if r["case"] is not None else ""
            console.print(f"{escape_rich(where(r['file'], r['sheet'], r['row']))} · [{style}]{KIND_LABELS[r['kind']]}[/]{case}")
            console.print(Padding(escape_rich(r["message"]), (0, 0, 0, 4)))
        if total > limit:
            console.print(f"… dan {angka(total - limit)} temuan lain: simpan semuanya dengan --format csv/json/html --output BERKAS")
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
