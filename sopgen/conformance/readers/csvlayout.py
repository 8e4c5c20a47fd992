"""A CSV's layout (separator, header, an Excel "sep=" line, quoting), read from its first
lines: what decides which of the two CSV readers may read it."""

from __future__ import annotations

import codecs
import csv
import mmap
import re
from dataclasses import dataclass
from pathlib import Path

from sopgen.conformance.readers.bounds import Bounds
from sopgen.conformance.readers.columns import _Header, _map_header, _missing_message
from sopgen.conformance.readers.filecheck import _check_text, _nul_error, _utf8_error
from sopgen.conformance.readers.model import LogFileError


@dataclass(frozen=True)
class _PlainBytes:
    """What the bytes after the header of a quote-free file hold, for proving polars' parse
    of it (`prove`). Found by memchr over the mapped file while the layout is read, so the
    file is parsed once and never counted line by line in Python."""

    size: int  # bytes after the header
    terminated: bool  # the last line ends with a newline (or there is none)
    has_cr: bool

    def prove(self, height: int, width: int, field_bytes: int) -> bool:
        """Every physical line is one record of exactly `width` fields.

        Without quotes and carriage returns, polars keeps every byte of a line but the
        separators in its fields, makes a row of every line (an empty one too, all nulls),
        pads a short line with empty fields and refuses a long one. So the lines' bytes
        (`size` less a newline per row, but the last one when unterminated) equal the fields'
        bytes plus `width - 1` separators per row only when no line is short. A carriage
        return (which polars drops) proves nothing.
        """
        if self.has_cr:
            return False
        newlines = height if self.terminated else height - 1
        return self.size - newlines == field_bytes + height * (width - 1)


@dataclass(frozen=True)
class _CsvLayout:
    separator: str
    header: _Header
    header_lines: int  # physical lines before the first data line (header, optional "sep=")
    has_quotes: bool  # a quote character occurs after the header
    size: int
    plain: _PlainBytes | None = None  # a quote-free file's bytes after the header


def _sniff_separator(line: str) -> str:
    counts = {sep: 0 for sep in (",", ";", "\t", "|")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


_TITLE_LINES = 20  # how far below a title block a header is looked for (as in an xlsx sheet)


def header_missing(file: str, header: _Header, lines: list[str], at: int, separator: str | None) -> LogFileError:
    """The error of a CSV whose header line (index `at`) lacks required columns. A sheet with
    a title block saved as CSV has its header a few lines down: then the message says where
    it is and which lines to delete (an xlsx sheet may keep its title; a CSV starts with its
    header, log-format.md)."""
    for k in range(at + 1, min(len(lines), at + _TITLE_LINES)):
        names = next(csv.reader([lines[k].rstrip("\r\n")], delimiter=separator or _sniff_separator(lines[k]), quotechar='"'), [])
        if names and not _map_header(names).missing:
            return LogFileError(
                file,
                f"berkas log '{file}': kepala tabel ada di baris {k + 1}, di bawah {k - at} baris judul, padahal CSV dibaca dengan kepala "
                f"tabel di baris {at + 1}; hapus baris {at + 1} sampai {k} lalu simpan ulang (lembar .xlsx boleh berjudul)",
            )
    return LogFileError(file, _missing_message(file, header))


def _csv_layout(file: str, path: Path, bounds: Bounds | None = None) -> _CsvLayout | None:
    """Header, separator and quoting of a CSV; None if the header is too odd for polars."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        while head.count(b"\n") < 2 and len(head) < min(size, 1 << 24):  # header (+ "sep=")
            more = fh.read(1 << 16)
            if not more:
                break
            head += more
    _check_text(file, head)
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    lines = body.split(b"\n", 2)
    try:
        first = lines[0].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as err:
        raise _utf8_error(file, head, err, 0) from None
    header_lines = 1
    separator: str | None = None
    m = re.fullmatch(r"sep=(.)", first.strip())
    if m:
        separator = m.group(1)
        header_lines = 2
        try:
            first = lines[1].decode("utf-8").rstrip("\r") if len(lines) > 1 else ""
        except UnicodeDecodeError as err:
            raise _utf8_error(file, head, err, 0) from None
    if not first.strip():
        raise LogFileError(file, f"berkas log '{file}' tidak punya baris kepala tabel (baris {header_lines} kosong); baris pertama harus berisi nama kolom")
    separator = separator or _sniff_separator(first)
    if first.count('"') % 2:
        return None  # the header itself spans lines: leave it to the exact reader
    names = next(csv.reader([first], delimiter=separator, quotechar='"'))
    if bounds is not None:
        bounds.check_columns(file, len(names))
    header = _map_header(names)
    if header.missing:
        raise header_missing(file, header, body.decode("utf-8", "replace").splitlines(), header_lines - 1, separator if m else None)
    has_quotes, plain = False, _PlainBytes(0, True, False)
    if size:
        # memchr over the mapped file: a few milliseconds for 100 MB, no copy of it.
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            start = min(len(head) - len(body) + sum(len(x) + 1 for x in lines[:header_lines]), size)
            if mm.find(b"\x00") != -1:
                raise _nul_error(file)
            has_quotes = mm.find(b'"', start) != -1
            plain = None if has_quotes else _PlainBytes(size - start, start == size or mm[size - 1] == 10, mm.find(b"\r", start) != -1)
    return _CsvLayout(separator, header, header_lines, has_quotes, size, plain)
