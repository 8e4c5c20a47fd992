"""The Excel log template staff fill in: one sheet per SOP, ready for `sopgen check`.

Each SOP sheet has a title row, a row that says how to fill it in, then the header row with
the Indonesian column names of docs/log-format.md (each header cell carries a comment that
explains the column; the `langkah` comment lists every step with its actor, time and output).
Below the header, data validation offers the SOP's nomor for `sop`, its step numbers for
`langkah` and its actors' names for `pelaksana` (a warning, not a refusal, for another
name: the check reports it as `wrong_actor`). With pegawai.csv, a `pegawai` column after
`pelaksana` offers the people whose position is an actor of the SOP (the check judges a
known person's row by that person's position); `mulai` and `selesai` are formatted
`dd/mm/yyyy hh:mm`. The lists live on a hidden sheet `daftar`, which the log reader skips, so
names with commas work. Panes are frozen under the header.

A sheet is named after the SOP's nomor (`sheet_name`), so `sopgen check` knows the SOP of a
row whose `sop` cell was left empty from its sheet.

Text from the SOP is written as text (never a formula), and a cell that starts with
= + - @ gets Excel's quote prefix, so nothing in the template runs as a formula. Control
characters (which validation refuses in SOP text, but a caller may pass any Sop) are left
out of every text, name and comment: Excel cannot hold them. The file is written atomically
(`sopgen.files`): a failed write leaves the old template, and an input is never replaced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from sopgen.source.duration import format_menit
from sopgen.source.model import Sop
from sopgen.textsafe import CONTROL_PATTERN, find_control

COLUMNS = ("sop", "kasus", "langkah", "pelaksana", "mulai", "selesai", "output", "catatan")
PEOPLE_COLUMNS = ("sop", "kasus", "langkah", "pelaksana", "pegawai", "mulai", "selesai", "output", "catatan")
WIDTHS = {"sop": 22, "kasus": 18, "langkah": 9, "pelaksana": 36, "pegawai": 26, "mulai": 17, "selesai": 17, "output": 34, "catatan": 30}
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
HEADER_ROW = 3
DATA_ROWS = 1000  # rows prepared with validation and formats below the header
LIST_SHEET = "daftar"
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(CONTROL_PATTERN)

HELP = {
    "sop": "Nomor SOP. Pilih dari daftar. Boleh dikosongkan: lembar ini hanya untuk SOP {nomor}.",
    "kasus": "Satu kali SOP dijalankan, mis. 'Oktober 2023'. Semua langkah satu kasus memakai nama kasus yang sama.",
    "langkah": "Nomor langkah SOP:\n{steps}",
    "pelaksana": "Siapa yang mengerjakan langkah ini: pilih jabatan dari daftar.",
    "pegawai": (
        "Nama pegawai yang mengerjakan langkah ini: pilih dari daftar (pegawai.csv). Baris dinilai menurut "
        "jabatannya di pegawai.csv; pelaksana boleh dikosongkan bila pegawai diisi."
    ),
    "mulai": "Tanggal dan jam mulai, dd/mm/yyyy jj:mm (mis. 05/10/2023 08:30).",
    "selesai": "Tanggal dan jam selesai, dd/mm/yyyy jj:mm. Kosongkan bila langkah belum selesai.",
    "output": "Hasil langkah, sesuai kolom Output SOP. Kosong berarti tidak ada hasil.",
    "catatan": "Keterangan bebas (tidak diperiksa).",
}



def _standard(step) -> str:
    """'5 menit; output: ...' for the legend; a step without Mutu Baku says it has none."""
    mb = step.mutu_baku
    parts = [f"{format_menit(mb.menit)} menit" if mb.menit is not None else "", f"output: {mb.output}" if mb.output else ""]
    return "; ".join(p for p in parts if p) or "tanpa mutu baku"

def sheet_name(sop: Sop) -> str:
    """The sheet of an SOP: its nomor with the characters Excel forbids replaced, ≤ 31 chars."""
    return sheet_name_of(sop.nomor)


def sheet_name_of(nomor: str) -> str:
    name = _FORBIDDEN.sub("-", _printable(nomor).replace("\n", " ").replace("\t", " ")).strip().strip("'") or "SOP"
    return name[:31]


def _unique_names(sops: Sequence[Sop]) -> list[str]:
    names: list[str] = []
    for sop in sops:
        base = sheet_name(sop)
        name, n = base, 2
        while name.casefold() in {x.casefold() for x in names} or name.casefold() == LIST_SHEET:
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        names.append(name)
    return names


def _printable(text: str) -> str:
    """Text Excel can hold: control characters left out (tab and newline kept)."""
    return _CONTROL.sub("", text) if find_control(text) else text


def _text(cell: Any, value: str) -> None:
    """A text cell that Excel never evaluates."""
    value = _printable(value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _actor_names(sop: Sop) -> list[str]:
    """The positions of the SOP: each actor's nama, then its aliases."""
    names: list[str] = []
    for actor in sop.pelaksana:
        for name in (actor.nama, *actor.alias):
            if name not in names:
                names.append(name)
    return names


def _people_names(sop: Sop, people: Any) -> list[str]:
    """The people of pegawai.csv whose pelaksana is an actor of the SOP (id, nama or alias)."""
    from sopgen.conformance.engine.normalise import norm_name

    known = {norm_name(n) for a in sop.pelaksana for n in a.names}
    names: list[str] = []
    for person in people.persons if people else ():
        if norm_name(person.pelaksana) in known and person.nama not in names:
            names.append(person.nama)
    return names


def _step_legend(sop: Sop) -> str:
    lines = []
    for step in sop.langkah:
        who = ", ".join(sop.actor(p).nama if sop.actor(p) else p for p in step.pelaksana)
        text = step.aktivitas if len(step.aktivitas) <= 70 else step.aktivitas[:69] + "…"
        lines.append(f"{step.no}. {text} ({who}; {_standard(step)})")
    return "\n".join(lines)


def build_workbook(sops: Sequence[Sop], *, rows: int = DATA_ROWS, people: Any = None):
    """The template as an openpyxl Workbook; with people (pegawai.csv) a pegawai column."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    if not sops:
        raise ValueError("tidak ada SOP untuk dibuatkan templat log")
    wb = Workbook()
    lists = wb.active
    lists.title = LIST_SHEET
    lists.sheet_state = "hidden"
    names = _unique_names(sops)
    last_row = HEADER_ROW + rows
    columns = PEOPLE_COLUMNS if people else COLUMNS
    col = {name: i + 1 for i, name in enumerate(columns)}
    letter = {name: get_column_letter(i) for name, i in col.items()}
    for index, (sop, name) in enumerate(zip(sops, names)):
        ranges = _write_lists(lists, index, sop, people)
        ws = wb.create_sheet(name)
        _write_header(ws, sop, col, letter)
        _add_validations(ws, sop, ranges, letter, HEADER_ROW + 1, last_row)
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
        ws.auto_filter.ref = f"A{HEADER_ROW}:{letter['catatan']}{HEADER_ROW}"
    wb.move_sheet(LIST_SHEET, offset=len(sops))
    wb.active = 0
    return wb


def _write_lists(lists: Any, index: int, sop: Sop, people: Any = None) -> dict[str, str]:
    """The SOP's choices on the hidden sheet, four columns per SOP (the index-th): its
    nomor, step numbers, actor names and, with pegawai.csv, its people. Returns each list's
    range for data validation."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    base = index * 4 + 1
    values: dict[str, list[Any]] = {
        "sop": [sop.nomor],
        "langkah": [s.no for s in sop.langkah],
        "pelaksana": _actor_names(sop),
    }
    if people:
        values["pegawai"] = _people_names(sop, people) or [p.nama for p in people.persons]
    ranges = {}
    for offset, (key, items) in enumerate(values.items()):
        c = base + offset
        _text(lists.cell(row=1, column=c), f"{key} {sop.nomor}")
        for r, v in enumerate(items, 2):
            cell = lists.cell(row=r, column=c)
            if isinstance(v, int):
                cell.value = v
            else:
                _text(cell, v)
        cl = get_column_letter(c)
        ranges[key] = f"{quote_sheetname(LIST_SHEET)}!${cl}$2:${cl}${len(items) + 1}"
    return ranges


def _write_header(ws: Any, sop: Sop, col: dict[str, int], letter: dict[str, str]) -> None:
    """Title, how-to line and header row (each header cell explained in a comment), column
    widths and formats."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    header_fill = PatternFill("solid", fgColor="DDE7F3")
    thin = Side(style="thin", color="7F7F7F")
    title = ws.cell(row=1, column=1)
    _text(title, f"Log pelaksanaan SOP {sop.nomor} – {sop.nama}")
    title.font = Font(bold=True, size=13)
    help_cell = ws.cell(row=2, column=1)
    _text(
        help_cell,
        "Isi satu baris untuk setiap pelaksanaan satu langkah, mulai baris "
        f"{HEADER_ROW + 1}. Arahkan penunjuk ke judul kolom untuk penjelasannya; "
        f"daftar pilihan ada di kolom {'sop, langkah, pelaksana dan pegawai' if 'pegawai' in col else 'sop, langkah dan pelaksana'}. "
        "Periksa dengan: sopgen check BERKAS.xlsx",
    )
    help_cell.font = Font(italic=True, color="555555")
    for key in col:
        cell = ws.cell(row=HEADER_ROW, column=col[key])
        _text(cell, key)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = Border(bottom=thin, top=thin, left=thin, right=thin)
        cell.alignment = Alignment(horizontal="center")
        note = HELP[key].format(nomor=sop.nomor, steps=_step_legend(sop))
        comment = Comment(_printable(note), "sopgen")
        comment.width = 520 if key == "langkah" else 300
        comment.height = max(80, 22 * (note.count("\n") + 2)) if key == "langkah" else 90
        cell.comment = comment
        ws.column_dimensions[letter[key]].width = WIDTHS[key]
    # Formats on whole columns, not on empty cells: an empty styled cell would make the
    # sheet's used range (and the reader's count of blank rows) a thousand rows long.
    for key in ("mulai", "selesai"):
        ws.column_dimensions[letter[key]].number_format = DATETIME_FORMAT
    for key in ("sop", "kasus", "pelaksana", "pegawai", "output", "catatan"):
        if key not in letter:
            continue
        ws.column_dimensions[letter[key]].number_format = "@"


def _add_validations(ws: Any, sop: Sop, ranges: dict[str, str], letter: dict[str, str], first: int, last: int) -> None:
    """Drop-down lists for sop, langkah, pelaksana and pegawai (a warning only for another
    name) and a date check for mulai and selesai, on rows first..last."""
    from openpyxl.worksheet.datavalidation import DataValidation

    def validation(key: str, style: str, prompt: str, error: str) -> None:
        dv = DataValidation(type="list", formula1=ranges[key], allow_blank=True, showDropDown=False)
        dv.errorStyle = style
        dv.promptTitle = key
        dv.prompt = _printable(prompt)[:255]
        dv.errorTitle = key
        dv.error = _printable(error)[:225]
        dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.add(f"{letter[key]}{first}:{letter[key]}{last}")
        ws.add_data_validation(dv)

    validation("sop", "stop", f"SOP {sop.nomor}", f"Lembar ini untuk SOP {sop.nomor}.")
    validation("langkah", "stop", f"Nomor langkah 1 sampai {len(sop.langkah)}", f"Langkah SOP ini 1 sampai {len(sop.langkah)}.")
    validation(
        "pelaksana",
        "warning",
        "Pilih jabatan pelaksana dari daftar.",
        "Nama ini bukan pelaksana SOP; pemeriksaan akan melaporkannya.",
    )
    if "pegawai" in ranges:
        validation(
            "pegawai",
            "warning",
            "Pilih nama pegawai dari daftar (pegawai.csv).",
            "Nama ini tidak ada di pegawai.csv; baris dinilai menurut kolom pelaksana.",
        )
    for key in ("mulai", "selesai"):
        dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
        dv.errorStyle = "warning"
        dv.promptTitle = key
        dv.prompt = "dd/mm/yyyy jj:mm, mis. 05/10/2023 08:30"
        dv.error = "Isi tanggal dan jam, mis. 05/10/2023 08:30."
        dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.add(f"{letter[key]}{first}:{letter[key]}{last}")
        ws.add_data_validation(dv)


def write_log_template(
    sops: Sequence[Sop], target: str | Path | IO[bytes], *, rows: int = DATA_ROWS, inputs: Sequence[Path] = (), people: Any = None
) -> None:
    """Write the `.xlsx` template for these SOPs (one sheet each) to a path (atomically,
    never over one of `inputs`, a link or a device: `sopgen.files`) or a binary stream;
    people: `people.People` of pegawai.csv, whose names join the pelaksana drop-down."""
    wb = build_workbook(sops, rows=rows, people=people)
    if isinstance(target, (str, Path)):
        from sopgen.files import atomic_output

        with atomic_output(Path(target), inputs) as fh:
            wb.save(fh)
    else:
        wb.save(target)
