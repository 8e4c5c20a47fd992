"""Numbers, dates and phrases as the Indonesian reports write them, shared by every format."""

from __future__ import annotations

import re

from sopgen.conformance.engine import CheckResult
from sopgen.conformance.engine.read import shown_path


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


def waktu(iso: str | None) -> str:
    """A time of the summary ('2023-11-09 08:00') as the reports print it: '09/11/2023 08:00'."""
    if not iso:
        return "–"
    day, _, clock = iso.partition(" ")
    y, m, d = day.split("-")
    return f"{d}/{m}/{y} {clock}".rstrip()


def where(file: str, sheet: str | None, row: int) -> str:
    """Where a finding is: 'log.xlsx › Sheet:12', or 'log.csv:12'."""
    return f"{shown_path(file)} › {sheet}:{row}" if sheet else f"{shown_path(file)}:{row}"


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


def sops_shown(summary: dict) -> tuple[list[dict], list[str]]:
    """The SOPs the tables show (those with rows in the log) and the nomor of the others,
    which a report names in one line instead of a table of dashes."""
    shown = [so for so in summary["sops"] if so["rows"]]
    return shown, [so["sop"] for so in summary["sops"] if not so["rows"]]


def unrecognized_lines(summary: dict) -> list[str]:
    """What the reports say about names in the log that match no actor: the effect on the
    figures, then how to teach sopgen the names (an alias in the SOP, or pegawai.csv)."""
    names = summary.get("unrecognized_actors") or []
    if not names:
        return []
    effect = summary.get("unrecognized_effect") or {}
    rows = sum(e["rows"] for e in names)
    head = f"{angka(len(names))} nama pelaksana di log tidak dikenali ({angka(rows)} baris)"
    if effect.get("wrong_actor"):
        head += (
            f"; {angka(effect['wrong_actor'])} dari {angka(summary['violations'])} temuan pelanggaran adalah "
            f"'pelaksana tidak sesuai' karena nama ini. Bila semuanya dikenali sebagai pelaksana yang benar, "
            f"kepatuhan paling tinggi {persen(effect.get('percent_if_recognized'))} (kini {persen(summary['compliance']['percent'])})"
        )
    return [
        head + ".",
        "Bila nama itu jabatan, tambahkan sebagai alias pelaksana di berkas SOP "
        "(mis. alias: [Kasi Kesos]); bila nama orang, tambahkan baris di pegawai.csv di folder proyek "
        "(kolom nama;nip;pelaksana, mis. Budi Santoso;19800101 200501 1 001;kasi).",
    ]


def name_line(entry: dict) -> str:
    """One unrecognised name: how often, and the suggestion."""
    hint = f" → mungkin '{entry['suggestion']}'" if entry.get("suggestion") else " → tidak ada pelaksana yang mirip"
    return f"'{entry['name']}': {angka(entry['rows'])} baris{hint}"


def bulan_text(month: str) -> str:
    """'2023-10' -> 'Oktober 2023'."""
    from sopgen.render.html import BULAN

    year, m = month.split("-")
    return f"{BULAN[int(m) - 1]} {year}"


# The spaces a line must not break at: between a figure and its unit, a word and the number
# it introduces, the groups of a NIP, a date and its time, and inside a long date.
_KEEP = re.compile(
    r"(?<=\d) (?=(?:%|menit|jam|hari|baris|kasus|kali|temuan|langkah|pelanggaran)(?!\w))"  # 96,8 %, 20 menit
    r"|(?<=\d) (?=\d)"  # a NIP's groups; a date and its time
    r"|(?<=[+=]) (?=\d)"  # + 0 kosong
    r"|(?:(?<=\blangkah)|(?<=\blebih)|(?<=\bbaris)|(?<=\bNIP)|(?<=\bSOP)) (?=\d)"
    r"|(?<=\d) (?=(?:Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4})"
    r"|(?:(?<=Januari)|(?<=Februari)|(?<=Maret)|(?<=April)|(?<=Mei)|(?<=Juni)|(?<=Juli)|(?<=Agustus)|(?<=September)|(?<=Oktober)"
    r"|(?<=November)|(?<=Desember)) (?=\d{4})",
    re.IGNORECASE,
)


def keep_together(text: str, glue: str = "\u00a0") -> str:
    """Text whose figures stay with their units on one line ('96,8 %', 'lebih 20 menit',
    'langkah 4', 'baris 8', 'NIP 19800101 200501 1 001', '02/10/2023 08:30', '3 April 2023'):
    those spaces become glue (a no-break space for HTML and PDF)."""
    return _KEEP.sub(glue, text)
