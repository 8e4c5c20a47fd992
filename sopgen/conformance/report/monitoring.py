"""The official monitoring form: "Formulir Monitoring Pelaksanaan SOP AP" of Permenpan RB
35/2012 (its Tabel 7), filled from a check, as xlsx (openpyxl) and PDF (WeasyPrint).

One row per SOP that has rows in the log: the procedure (nama and nomor), the assessment
(berjalan dengan baik when its compliance reaches the threshold `[penilaian] ambang` of
sopgen.toml, 80 % by default), the notes of the assessment in words (the figures and the
main findings), the actions to take (suggested from the kinds found, e.g. time exceeded on
step 4 in 40 % of cases: "tinjau ulang Waktu langkah 4 atau beban kerja pelaksana"), and
room for the evaluator's initials. The header names the office and the period; the footer
the evaluator (name, NIP, position) who signs."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import polars as pl

from sopgen.conformance.engine import KIND_LABELS, KINDS, VIOLATION_KINDS, CheckResult
from sopgen.conformance.report.registry import ReportOptions, reporter
from sopgen.conformance.report.words import angka, keep_together, period_text, persen, sops_shown

DEFAULT_THRESHOLD = 80.0
TITLE = "FORMULIR MONITORING PELAKSANAAN SOP AP"
BAIK, TIDAK_BAIK = "Berjalan dengan baik", "Tidak berjalan dengan baik"
BLANK_NAME, BLANK_NIP = "....................................", "NIP ...................................."
MAX_NOTES = 3  # findings named in a row's catatan, and actions in its tindakan


@dataclass
class FormRow:
    no: int
    prosedur: str  # the SOP's nama
    nomor: str  # as the sheet prints it: '' for an SOP without a Nomor SOP
    baik: bool
    catatan: str
    tindakan: list[str] = field(default_factory=list)


@dataclass
class Form:
    """The form's content, the same for the xlsx and the PDF."""

    instansi: dict[str, str]
    period: str
    threshold: float
    rows: list[FormRow]
    evaluator: dict[str, str]
    place_date: str
    empty: list[str]  # SOPs with no rows in the log (not assessed)
    dates: list[str] = field(default_factory=list)  # how numeric dates were read, where it had to choose (`dateorder`)


# Per kind: the action to take for step {step} (its standard {standard}, output {output},
# actor {actor}). Information and data kinds have their own wording below.
ACTIONS = {
    "time_exceeded": "tinjau ulang Waktu langkah {step} ({standard} menit) atau beban kerja pelaksana",
    "output_missing": "ingatkan pelaksana langkah {step} mencatat output '{output}'",
    "output_mismatch": "samakan output langkah {step} dengan Mutu Baku ('{output}') atau perbarui Mutu Baku",
    "wrong_actor": "pastikan langkah {step} dikerjakan oleh {actor}, atau perbarui pelaksana di SOP",
    "out_of_order": "sosialisasikan urutan alur sekitar langkah {step} kepada pelaksana",
    "step_skipped": "pastikan langkah {step} tidak dilewati, atau tinjau apakah langkah itu perlu",
    "step_unfinished": "ingatkan pelaksana langkah {step} mengisi waktu selesai",
    "unknown_step": "periksa nomor langkah yang diisi di log (langkah {step} tidak ada di SOP)",
}


def build_form(result: CheckResult, options: ReportOptions) -> Form:
    """The form of a check: one row per SOP with rows in the log."""
    from sopgen.render.html import format_nip, tanggal_id

    config = options.config
    who = dict(getattr(config, "penilaian", None) or {})
    threshold = float(who.get("ambang", DEFAULT_THRESHOLD))
    s = result.summary
    shown, empty = sops_shown(s)
    stats = _case_shares(result)
    by_nomor = {sop.nomor: sop for sop in result.sops}
    unknown_names = _names_text(s.get("unrecognized_actors") or [])
    rows = []
    for no, so in enumerate(shown, 1):
        sop = by_nomor[so["sop"]]
        baik = so["percent_compliant"] is not None and so["percent_compliant"] >= threshold
        notes, actions = _notes_and_actions(so, sop, stats.get(so["sop"], []), unknown_names)
        rows.append(FormRow(no, sop.nama, sop.nomor_sop, baik, notes, actions))
    instansi = dict(getattr(config, "instansi", None) or {})
    if result.sops:
        for key in ("pemerintah", "nama", "unit"):
            instansi.setdefault(key, getattr(result.sops[0].instansi, key, "") or "")
    evaluator = {
        "nama": who.get("nama", ""),
        "nip": format_nip(who["nip"]) if who.get("nip") else "",
        "jabatan": who.get("jabatan", ""),
    }
    when = tanggal_id(options.generated.date()) if options.generated else ""
    # Without a date the place keeps a dotted space for it, as a form signed by hand has.
    place = f"{instansi.get('kota', '') or '....................'}, {when or '....................'}"
    from sopgen.conformance.readers.dateorder import date_notes

    return Form(instansi, period_text(result), threshold, rows, evaluator, place, empty, date_notes(s.get("date_readings") or []))


def _case_shares(result: CheckResult) -> dict[str, list[tuple[str, int, int, float]]]:
    """Per SOP: (kind, step, findings, share of its cases with it) of every violation kind
    on a step, most findings first (from the check's tally: the findings may be on disk)."""
    codes = [KINDS.index(k) for k in VIOLATION_KINDS]
    nomor = pl.Series([s.nomor for s in result.sops], dtype=pl.String)
    per = (
        result.tally.kinds.lazy()
        .filter(pl.col("kind").is_in(codes) & (pl.col("sop_i") >= 0) & pl.col("step").is_not_null())
        .select(pl.lit(nomor).gather(pl.col("sop_i")).alias("sop"), "kind", "step", "n", "cases")
        .sort(["sop", "n", "kind", "step"], descending=[False, True, False, False])
        .collect()
    )
    total = {so["sop"]: so["cases"] for so in result.summary["sops"]}
    out: dict[str, list[tuple[str, int, int, float]]] = {}
    for sop, kind, step, n, cases in per.iter_rows():
        share = 100.0 * cases / total[sop] if total.get(sop) else 0.0
        out.setdefault(sop, []).append((KINDS[kind], int(step), int(n), share))
    return out


def _names_text(names: list[dict[str, Any]]) -> str:
    """The names no actor has, as the form's action names them: the first three with their
    rows and suggestion, and how many more."""
    shown = [f"'{e['name']}' {angka(e['rows'])} baris" + (f" → {e['suggestion']}" if e.get("suggestion") else "") for e in names[:MAX_NOTES]]
    more = f" dan {angka(len(names) - MAX_NOTES)} nama lain" if len(names) > MAX_NOTES else ""
    return "; ".join(shown) + more


def _notes_and_actions(so: dict[str, Any], sop: Any, found: list[tuple[str, int, int, float]], unknown_names: str) -> tuple[str, list[str]]:
    """The catatan (figures, then the main findings in words) and the tindakan of one SOP."""
    notes = (
        f"Kepatuhan {persen(so['percent_compliant'])} ({angka(so['compliant_rows'])} dari {angka(so['rows'])} baris log tanpa "
        f"pelanggaran); tepat waktu {persen(so['percent_within'])}; {angka(so['cases'])} kasus, "
        f"{angka(so['complete_cases'])} sampai akhir alur."
    )
    if not found:
        return notes + " Tidak ada pelanggaran.", ["Pertahankan pelaksanaan sesuai SOP."]
    main = [f"{KIND_LABELS[k].lower()} pada langkah {step} ({angka(n)} kali, {persen(share)} kasus)" for k, step, n, share in found[:MAX_NOTES]]
    rest = sum(n for *_x, n, _s in found[MAX_NOTES:])
    notes += " Temuan utama: " + "; ".join(main) + (f"; dan {angka(rest)} temuan lain." if rest else ".")
    actions: list[str] = []
    for kind, step, _n, share in found:
        if kind == "wrong_actor" and unknown_names:
            text = f"Daftarkan nama yang ditulis staf ({unknown_names}) sebagai alias pelaksana di SOP atau di pegawai.csv, lalu periksa ulang."
        else:
            text = ACTIONS[kind].format(step=step, **_step_words(sop, step))
            text = f"{text[0].upper()}{text[1:]} ({persen(share)} kasus)."
        if text not in actions:
            actions.append(text)
        if len(actions) == MAX_NOTES:
            break
    return notes, actions


def _step_words(sop: Any, step: int) -> dict[str, str]:
    """What an action names of a step: its standard minutes, output and actors."""
    if not 1 <= step <= len(sop.langkah):
        return {"standard": "–", "output": "", "actor": "pelaksananya"}
    st = sop.langkah[step - 1]
    actors = " atau ".join(sop.actor(p).nama if sop.actor(p) else p for p in st.pelaksana)
    return {"standard": angka(st.mutu_baku.menit), "output": st.mutu_baku.output, "actor": actors}


# -- PDF ---------------------------------------------------------------------------------------------

FORM_TEMPLATE = "monitoring.html.j2"


def render_form_html(result: CheckResult, options: ReportOptions) -> str:
    from markupsafe import Markup

    from sopgen.conformance.report.html import _templates
    from sopgen.render.html import FONT_STACK

    form = build_form(result, options)
    paper = getattr(getattr(options.config, "paper", None), "ukuran", "F4")
    size = "330mm 215mm" if paper == "F4" else "A4 landscape"
    env = _templates(options).env
    return env.get_template(FORM_TEMPLATE).render(form=form, signature=signature_lines(form), title=TITLE, baik=BAIK, tidak_baik=TIDAK_BAIK, page_size=size, font_stack=Markup(FONT_STACK), angka=angka, persen=persen, utuh=keep_together)


@reporter("monitoring-pdf")
def write_form_pdf(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    import hashlib

    from weasyprint import HTML

    from sopgen.conformance.report.html import _fetcher, _templates
    from sopgen.render.pdf import fixed_font_timestamps

    templates = _templates(options)
    source = render_form_html(result, options)
    identifier = hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode()
    with fixed_font_timestamps(options.generated.date() if options.generated else None):
        out.write(
            HTML(string=source, base_url=str(templates.packaged) + "/", url_fetcher=_fetcher(options, templates)).write_pdf(pdf_identifier=identifier)
        )


# -- xlsx --------------------------------------------------------------------------------------------

COLUMN_WIDTHS = (5, 34, 15, 15, 60, 52, 12)


@reporter("monitoring-xlsx")
def write_form_xlsx(result: CheckResult, out: BinaryIO, options: ReportOptions) -> None:
    """The form as one sheet laid out like the printed form, ready to print landscape."""
    from openpyxl import Workbook

    form = build_form(result, options)
    wb = Workbook()
    ws = wb.active
    ws.title = "Monitoring SOP"
    r = _xlsx_head(ws, form)
    r = _xlsx_rows(ws, form, r)
    _xlsx_foot(ws, form, r + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "6:7"
    buf = io.BytesIO()
    wb.save(buf)
    out.write(_fixed_zip_times(buf.getvalue()))


def _cell(ws: Any, row: int, col: int, value: Any, **style: Any) -> Any:
    """A cell written as text or number (text starting like a formula gets Excel's quote
    prefix), with openpyxl style objects given by name."""
    from sopgen.conformance.logtemplate import _text

    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        _text(cell, value)
    else:
        cell.value = value
    for key, v in style.items():
        setattr(cell, key, v)
    return cell


def _xlsx_head(ws: Any, form: Form) -> int:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(COLUMN_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.merge_cells("A1:G1")
    _cell(ws, 1, 1, TITLE, font=Font(bold=True, size=13), alignment=Alignment(horizontal="center"))
    inst = form.instansi
    lines = [
        ("Instansi", " · ".join(x for x in (inst.get("pemerintah", ""), inst.get("nama", "")) if x)),
        ("Unit kerja", inst.get("unit", "") or "–"),
        ("Periode", form.period),
    ]
    for i, (label, value) in enumerate(lines, 2):
        _cell(ws, i, 1, f"{label}:", font=Font(bold=True))
        _cell(ws, i, 3, value)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=2)
        ws.merge_cells(start_row=i, start_column=3, end_row=i, end_column=7)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="E7E6E6")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    heads = {1: "No", 2: "Prosedur", 5: "Catatan Hasil Penilaian", 6: "Tindakan yang Harus Diambil", 7: "Paraf Penilai"}
    # Style every cell of the two header rows first: openpyxl refuses values on the cells a
    # merge covers, so the merges come last.
    for col in range(1, 8):
        for row in (6, 7):
            _cell(ws, row, col, None, border=box, fill=fill, alignment=center, font=Font(bold=True))
    for col, text in heads.items():
        ws.cell(row=6, column=col).value = text
    ws.cell(row=6, column=3).value = "Penilaian terhadap Penerapan"
    ws.cell(row=7, column=3).value = BAIK
    ws.cell(row=7, column=4).value = TIDAK_BAIK
    for col in heads:
        ws.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
    ws.merge_cells("C6:D6")
    ws.row_dimensions[6].height = 30
    ws.row_dimensions[7].height = 30
    for col in range(1, 8):
        _cell(ws, 8, col, f"({col})", border=box, alignment=center, font=Font(italic=True, size=8))
    return 9


def _xlsx_rows(ws: Any, form: Form, first: int) -> int:
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(vertical="top", wrap_text=True)
    mark = Alignment(horizontal="center", vertical="top")
    r = first
    for row in form.rows:
        tindakan = "\n".join(f"{i}. {t}" for i, t in enumerate(row.tindakan, 1))
        values = [row.no, f"{row.prosedur}\n(SOP {row.nomor or 'tanpa nomor'})", "✓" if row.baik else "", "" if row.baik else "✓", row.catatan, tindakan, ""]
        for col, value in enumerate(values, 1):
            _cell(ws, r, col, value, border=box, alignment=mark if col in (1, 3, 4) else top)
        lines = max(len(row.catatan) // 55 + 1, sum(len(t) // 48 + 1 for t in row.tindakan), 3)
        ws.row_dimensions[r].height = 15 * lines
        r += 1
    if form.empty:
        _cell(ws, r, 1, "SOP tanpa baris di log (tidak dinilai): " + ", ".join(form.empty), alignment=top)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=7)
        r += 1
    return r


def _xlsx_foot(ws: Any, form: Form, r: int) -> None:
    from openpyxl.styles import Alignment, Font

    center = Alignment(horizontal="center")
    _cell(ws, r, 1, f"Penilaian: berjalan dengan baik bila kepatuhan (baris log tanpa pelanggaran) paling sedikit {angka(form.threshold)} %.", font=Font(italic=True, size=9))
    for note in form.dates:
        r += 1
        _cell(ws, r, 1, f"Tanggal di log: {note}.", font=Font(italic=True, size=9))
    for i, (text, named) in enumerate(signature_lines(form), r + 2):
        _cell(ws, i, 6, text, alignment=center, font=Font(bold=named, underline="single" if named else None))
        ws.merge_cells(start_row=i, start_column=6, end_row=i, end_column=7)


def signature_lines(form: Form) -> list[tuple[str, bool]]:
    """The signature block under the form, (text, is the printed name): the place (and
    date), "Penilai," and the evaluator's position when `[penilaian]` names one, room to sign,
    then the name and NIP, or dotted lines to write them by hand."""
    who = form.evaluator
    lines = [(form.place_date, False), ("Penilai,", False)]
    if who["jabatan"]:
        lines.append((who["jabatan"], False))
    lines += [("", False)] * 3
    lines.append((who["nama"], True) if who["nama"] else (BLANK_NAME, False))
    lines.append((f"NIP {who['nip']}" if who["nip"] else BLANK_NIP, False))
    return lines


def _fixed_zip_times(data: bytes) -> bytes:
    """The xlsx with every member's time fixed and the workbook's created/modified stamps
    the same on every run, so the same check gives the same bytes."""
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2000-01-01T00:00:00Z", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()
