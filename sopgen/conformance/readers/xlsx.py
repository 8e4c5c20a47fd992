"""Excel logs: every sheet that names the required columns, read with calamine.

Numbers in messages and in `row` are sheet rows; a header may sit under a title block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from sopgen.conformance.readers.bounds import Bounds
from sopgen.conformance.readers.columns import _RAW_COLUMNS, REQUIRED, _accepted_names, _Header, _map_header
from sopgen.conformance.readers.model import LogFileError, RowProblem, _FileResult
from sopgen.conformance.readers.dateorder import DateReading, readings
from sopgen.conformance.readers.validate import _raw_frame, _Source, _validate
from sopgen.conformance.readers.values import _cell_text
from sopgen.conformance.readers.bounds import number
from sopgen.conformance.readers.xlsxscan import XlsxInspector, _SheetScan

_HEADER_SEARCH_ROWS = 20  # an xlsx header may sit under a title block


def _read_xlsx(file: str, path: Path, timezone: str, bounds: Bounds | None = None) -> _FileResult:
    """Every sheet with the required columns; other sheets are skipped with a note.

    The archive is inspected first (`xlsxscan`): calamine only sees a workbook whose real
    extent and cells are within the `[batas]` limits."""
    bounds = bounds or Bounds.of(None)
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
        if magic != b"PK\x03\x04":
            raise LogFileError(file, f"berkas log '{file}' bukan berkas .xlsx yang utuh (bukan arsip Excel); buka di Excel lalu simpan ulang sebagai .xlsx")
        bounds.check_file_size(file, path)
        scans = XlsxInspector(file, path, bounds).inspect()
        book = CalamineWorkbook.from_path(str(path))
        sheets = [(m.name, m.visible == SheetVisibleEnum.Visible) for m in book.sheets_metadata]
    except LogFileError:
        raise
    except (CalamineError, OSError, ValueError) as err:
        raise LogFileError(file, f"berkas log '{file}' rusak atau terpotong, tidak bisa dibaca sebagai .xlsx ({err}); buka di Excel lalu simpan ulang") from None
    frames: list[pl.DataFrame] = []
    problems: list[RowProblem] = []
    ignored: dict[str, list[str]] = {}
    notes: list[str] = []
    rejected: list[str] = []
    dates: list[DateReading] = []
    blank = 0
    merged = 0
    for name, visible in sheets:
        try:
            sheet = book.get_sheet_by_name(name)
            cells = sheet.to_python(skip_empty_area=False)
            _fill_errors(cells, scans.get(name))
            _fill_merged(cells, sheet.merged_cell_ranges)
        except (CalamineError, ValueError) as err:
            raise LogFileError(file, f"berkas log '{file}': lembar '{name}' rusak ({err}); buka di Excel lalu simpan ulang") from None
        at, header = _find_header(cells)
        if header is None or header.missing:
            found = ", ".join(f"'{n}'" for n in (header.names if header else ()) if n)
            why = f"kolom wajib {', '.join(repr(c) for c in header.missing)} tidak ada (kolom: {found})" if header else "kosong"
            rejected.append(f"lembar '{name}': {why}")
            if visible:
                notes.append(f"{file} › lembar '{name}' dilewati: {why}")
                if header is not None and any(header.names):
                    ignored[f"{file} › {name}"] = [n for n in header.names if n]
            continue
        _refuse_unstored(file, name, at, header, scans.get(name))
        source = _Source(file, name, header)
        width = len(header.names)
        rows: list[int] = []
        joined: list[str | None] = []
        values: dict[str, list[str | None]] = {c: [] for c in _RAW_COLUMNS}
        index = [(c, header.index.get(c)) for c in _RAW_COLUMNS]
        for r in range(at + 1, len(cells)):
            texts = [_cell_text(v) for v in cells[r]]
            rows.append(r + 1)
            joined.append("".join(t for t in texts if t))
            for c, i in index:
                values[c].append(texts[i] if i is not None and i < len(texts) else None)
        raw = _raw_frame(rows, joined, [width] * len(rows), values)
        frame, sheet_problems, sheet_blank, sheet_merged, sheet_dates = _validate(raw, source, timezone)
        dates.extend(readings(file, name, sheet_dates))
        merged += sheet_merged
        frames.append(frame.with_columns(pl.lit(name, dtype=pl.String).alias("sheet")))
        problems.extend(sheet_problems)
        blank += sheet_blank
        if header.ignored:
            ignored[source.key] = list(header.ignored)
    if not frames:
        detail = "; ".join(rejected) or "tidak ada lembar"
        raise LogFileError(
            file,
            f"berkas log '{file}': tidak ada lembar yang memuat kolom wajib {', '.join(repr(c) for c in REQUIRED)} ({detail}). "
            f"Nama kolom yang diterima: {_accepted_names()}",
        )
    frame = pl.concat(frames) if len(frames) > 1 else frames[0]
    return _FileResult(frame, problems, blank, ignored, notes, merged, dates=dates)


def _refuse_unstored(file: str, sheet: str, at: int, header: _Header, scan: _SheetScan | None) -> None:
    """A sheet whose read columns hold formulas without a stored result, under its header
    (`xlsxscan`: a file a program wrote, never saved by Excel): calamine reads those cells
    as empty, so rows would be refused for empty cells that are filled, or outputs judged
    missing. The file is refused, naming the first such cell."""
    if scan is None or not scan.unstored:
        return
    first_row = at + 2  # the sheet row under the header
    found: list[tuple[int, int, str]] = []  # (row, column number, canonical column)
    cells = 0
    for column, index in header.index.items():
        lo, hi, count = scan.unstored.get(index + 1, (0, 0, 0))
        if hi >= first_row:
            found.append((lo if lo >= first_row else hi, index + 1, column))
            cells += count
    if not found:
        return
    row, col, column = min(found)
    others = cells - 1
    more = f" dan {number(others)} sel rumus lain di kolom yang dibaca" if others else ""
    raise LogFileError(
        file,
        f"berkas log '{file}': lembar '{sheet}' sel {_col_letters(col)}{row} (kolom {header.label(column)}) berisi rumus yang hasilnya "
        f"tidak tersimpan di berkas{more} (berkas ini ditulis program, belum pernah disimpan oleh Excel), jadi isinya tidak dapat dibaca; "
        "buka berkas di Excel atau LibreOffice lalu simpan ulang agar hasilnya tersimpan",
    )


def _col_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _fill_errors(cells: list[list[Any]], scan: _SheetScan | None) -> None:
    """An Excel error (#N/A, #DIV/0!) as the text the sheet shows: calamine reads it as
    empty, and a message would say to fill a cell that is not empty."""
    for row, col, text in scan.errors if scan is not None else ():
        if row <= len(cells) and col <= len(cells[row - 1]) and cells[row - 1][col - 1] in ("", None):
            cells[row - 1][col - 1] = text


def _fill_merged(cells: list[list[Any]], ranges: Any) -> None:
    """A merged range's value on every cell it covers (log-format 1.1): staff merge the
    `sop` and `kasus` cells of a case's rows. Only cells the sheet holds are filled, so a
    range far past the data costs nothing."""
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(cells) or c0 >= len(cells[r0]):
            continue
        value = cells[r0][c0]
        for r in range(r0, min(r1, len(cells) - 1) + 1):
            row = cells[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value


def _find_header(cells: list[list[Any]]) -> tuple[int, _Header | None]:
    """The first of the top non-empty rows that names the required columns (a title block
    may sit above it); else the first non-empty row, to report what it holds."""
    first: tuple[int, _Header] | None = None
    seen = 0
    for r, row in enumerate(cells):
        texts = [_cell_text(v) for v in row]
        if not any(t and t.strip() for t in texts):
            continue
        header = _map_header(texts)
        if not header.missing:
            return r, header
        first = first or (r, header)
        seen += 1
        if seen >= _HEADER_SEARCH_ROWS:
            break
    return first if first else (0, None)
