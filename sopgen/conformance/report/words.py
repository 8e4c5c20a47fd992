"""Numbers, dates and phrases as the Indonesian reports write them, shared by every format."""

from __future__ import annotations

from sopgen.conformance.engine import CheckResult


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


def where(file: str, sheet: str | None, row: int) -> str:
    """Where a finding is: 'log.xlsx › Sheet:12', or 'log.csv:12'."""
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
