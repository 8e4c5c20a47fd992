"""CSV records for the exact reader, with the two ways a careless file hides rows caught.

Python's csv module, given a quote that is never closed, reads the rest of the file into one
cell: twelve rows become four and nobody is told. And a cell of 140 KB stops it with
"field larger than field limit". Here the csv module reads at most `sel_kb` per cell; a
record that passes it, or that is still inside quotes at the end of the file, is looked at
by `_record_end` (the csv module's own quoting rules, jumping from quote to quote), which
tells a closed but oversized cell (an invalid row; reading goes on after it) from an
unclosed quote (an invalid row at the line where the quote opens; reading goes on at the next
line as if that quote were not there). So every physical record is a row or a problem, and
the work per bad record is bounded by the largest record a log may hold.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from sopgen.conformance.readers.bounds import Bounds, raise_hint

# What `records` yields: (1-based line where the record starts, its fields or None, the problem).
Record = tuple[int, "list[str] | None", "str | None"]


class _Lines:
    """An iterator over `lines` from index `i` that tells how far the csv module has read."""

    def __init__(self, lines: list[str], i: int) -> None:
        self.lines = lines
        self.i = i

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.i >= len(self.lines):
            raise StopIteration
        self.i += 1
        return self.lines[self.i - 1]


def _record_end(lines: list[str], start: int, sep: str, cap: int) -> int | None:
    """Index of the line after the record that starts at `start`; None when its quote is
    still open at the end of the file or after `cap` characters."""
    in_quotes = False
    size = 0
    for k in range(start, len(lines)):
        line = lines[k]
        size += len(line)
        j, n = 0, len(line)
        field_start = True
        while j < n:
            if in_quotes:
                q = line.find('"', j)
                if q < 0:
                    break
                if q + 1 < n and line[q + 1] == '"':
                    j = q + 2
                    continue
                in_quotes, field_start, j = False, False, q + 1
                continue
            c = line[j]
            if c == '"' and field_start:
                in_quotes = True
            else:
                field_start = c == sep
            j += 1
        if not in_quotes:
            return k + 1
        if size > cap:
            return None
    return None


def _fields(lines: list[str], start: int, end: int, sep: str, cap: int) -> list[str]:
    """The fields of one record already known to end at `end`, read without the cell limit
    (bounded by `cap`)."""
    old = csv.field_size_limit()
    csv.field_size_limit(cap + 1)
    try:
        return next(csv.reader(lines[start:end], delimiter=sep, quotechar='"', strict=False), [])
    finally:
        csv.field_size_limit(old)


def _unclosed(line: int, swallowed: int) -> str:
    return (
        f"tanda kutip (\") yang dibuka di baris ini tidak pernah ditutup, sehingga {swallowed} baris sesudahnya "
        "akan terbaca sebagai isi satu sel; baris ini tidak diperiksa, baris sesudahnya dibaca tanpa kutip itu. "
        'Tutup kutipnya ("...") atau hapus tanda kutip itu'
    )


def records(lines: list[str], first: int, sep: str, bounds: Bounds) -> Iterator[Record]:
    """Every record from line index `first` on (the header first): fields, or a problem."""
    cap = bounds.cell_bytes * bounds.columns
    i = first
    old = csv.field_size_limit()
    while i < len(lines):
        src = _Lines(lines, i)
        start = i
        pending: tuple[int, list[str]] | None = None
        csv.field_size_limit(bounds.cell_bytes)
        try:
            reader = csv.reader(src, delimiter=sep, quotechar='"', strict=False)
            try:
                for fields in reader:
                    if pending is not None:
                        yield pending[0] + 1, pending[1], None
                    pending = (start, fields)
                    start = src.i
            except csv.Error:
                if pending is not None:
                    yield pending[0] + 1, pending[1], None
                    pending = None
                csv.field_size_limit(old)
                end = _record_end(lines, start, sep, cap)
                if end is None:
                    yield start + 1, None, _unclosed(start + 1, len(lines) - start - 1)
                    i = start + 1
                else:
                    yield start + 1, None, _big_cell(_fields(lines, start, end, sep, cap), bounds)
                    i = end
                continue
        finally:
            csv.field_size_limit(old)
        if pending is not None:
            last, fields = pending
            if src.i - last > 1 and _record_end(lines, last, sep, cap) is None:
                yield last + 1, None, _unclosed(last + 1, len(lines) - last - 1)
                i = last + 1
                continue
            yield last + 1, fields, None
        return


def _big_cell(fields: list[str], bounds: Bounds) -> str:
    for k, text in enumerate(fields):
        if bounds.cell_too_big(text):
            return bounds.cell_message(f"ke-{k + 1}", text)
    return f"baris ini terlalu besar untuk dibaca; periksa tanda kutip di baris ini, atau {raise_hint('sel_kb')}"
